// Loads the demo estate through recordJobs, as a real source would, then sets server schedules
// and evaluates, so the first look at the console shows states, scores and alerts.
import type { CheckRepository } from '../db/repositories/checks.js';
import type { Principal } from '../domain/access.js';
import { nameKey } from '../domain/job.js';
import { normaliseJob } from '../domain/job-report.js';
import type { Clock } from '../lib/clock.js';
import type { CheckService } from '../catalog/checks.js';
import { demoJobs, demoSchedules } from './estate.js';
import type { IngestService } from '../ingest/service.js';

export interface DemoDeps {
  checkRepo: CheckRepository;
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
    const check = await deps.checkRepo.byNames(nameKey(s.client), nameKey(s.device), nameKey(s.check));
    if (check) await deps.checks.update(actor, check.id, { schedule: { type: 'interval', interval_seconds: s.intervalSeconds } });
  }
  await deps.evaluateAll();
  return { jobs: reports.length };
}
