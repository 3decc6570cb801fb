// recordJobs, the one entry point for every job: committed jobs wake the evaluator.
import type { CoreDeps } from '../core.js';
import { IngestRepository } from '../db/repositories/ingest.js';
import { PingRepository } from '../db/repositories/pings.js';
import { PingNameService } from './ping/names.js';
import { IngestService } from './service.js';

export function buildIngest(c: CoreDeps) {
  const repo = new IngestRepository(c.dialect);
  const ingest = new IngestService(c.tx, c.dialect, repo, c.clock, c.bus.waker('evaluator'), c.metrics);
  const pings = new PingNameService({ db: c.tx, pings: new PingRepository(c.db), ingest: repo, audit: c.audit, clock: c.clock });
  return { ingest, repo, pings };
}
