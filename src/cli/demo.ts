import type { Command } from 'commander';
import type { Keepwatch } from '../app.js';
import { normaliseJob, nameKey } from '../domain/job.js';
import { demoJobs, demoSchedules } from '../services/demo.js';
import { cliActor, withKeepwatch } from './context.js';

/** Loads the demo estate through recordJobs, as a real source would, then sets server schedules. */
export async function loadDemo(kw: Keepwatch): Promise<{ jobs: number }> {
  const reports = demoJobs(kw.clock.now());
  for (let i = 0; i < reports.length; i += 1000) {
    await kw.services.ingest.recordJobs(reports.slice(i, i + 1000).map((r) => normaliseJob(r)));
  }
  const db = kw.database.db;
  for (const s of demoSchedules()) {
    const check = await db
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .innerJoin('clients', 'clients.id', 'checks.client_id')
      .select('checks.id')
      .where('clients.name_key', '=', nameKey(s.client))
      .where('devices.name_key', '=', nameKey(s.device))
      .where('checks.name_key', '=', nameKey(s.check))
      .executeTakeFirst();
    if (check) await kw.services.checks.update(cliActor(), check.id, { schedule: { type: 'interval', interval_seconds: s.intervalSeconds } });
  }
  // Evaluate now, so the first look at the console shows states, scores and alerts.
  await kw.evaluator.runUntilIdle();
  return { jobs: reports.length };
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('load a realistic demo estate: 3 clients, ~40 devices, 60 days of jobs')
    .action(async () => {
      await withKeepwatch(async (kw) => {
        const { jobs } = await loadDemo(kw);
        process.stdout.write(`Loaded ${jobs} demo jobs for 3 clients.\n`);
      });
    });
}
