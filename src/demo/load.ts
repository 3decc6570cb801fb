// Loads the demo estate through recordJobs, as a real source would, then sets server schedules
// and evaluates, so the first look at the console shows states, scores and alerts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { nameKey, normaliseJob } from '../domain/job.js';
import type { Clock } from '../lib/clock.js';
import type { CheckService } from '../catalog/checks.js';
import { demoJobs, demoSchedules } from './estate.js';
import type { IngestService } from '../ingest/service.js';

export interface DemoDeps {
  db: Kysely<DB>;
  clock: Clock;
  ingest: IngestService;
  checks: CheckService;
  evaluateAll: () => Promise<unknown>;
}

export async function loadDemo(deps: DemoDeps, actor: Principal): Promise<{ jobs: number }> {
  const reports = demoJobs(deps.clock.now());
  for (let i = 0; i < reports.length; i += 1000) {
    await deps.ingest.recordJobs(reports.slice(i, i + 1000).map((r) => normaliseJob(r)));
  }
  for (const s of demoSchedules()) {
    const check = await deps.db
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .innerJoin('clients', 'clients.id', 'checks.client_id')
      .select('checks.id')
      .where('clients.name_key', '=', nameKey(s.client))
      .where('devices.name_key', '=', nameKey(s.device))
      .where('checks.name_key', '=', nameKey(s.check))
      .executeTakeFirst();
    if (check) await deps.checks.update(actor, check.id, { schedule: { type: 'interval', interval_seconds: s.intervalSeconds } });
  }
  await deps.evaluateAll();
  return { jobs: reports.length };
}
