// The engine: settings, evaluation, alerts and their lifecycle, maintenance windows, integration
// health, and the evaluator loop. Whatever makes devices due wakes the evaluator through the bus;
// a pass that evaluated devices wakes the notification router.
import { availableParallelism } from 'node:os';
import type { CoreDeps } from '../core.js';
import type { CatalogService } from '../catalog/catalog.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { IngestRepository } from '../db/repositories/ingest.js';
import { IntegrationRepository } from '../db/repositories/integrations.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import { WindowRepository } from '../db/repositories/windows.js';
import { AlertWriter } from './alert-writer.js';
import { AlertService } from './alerts.js';
import { EvaluationService } from './evaluation.js';
import { EvalThreads, threadScript } from './eval-threads.js';
import { EvaluatorWorker } from './evaluator.js';
import { IntegrationService } from './integrations.js';
import { SettingsService } from './settings.js';
import { WindowService } from './windows.js';

export interface EngineNeeds {
  ingestRepo: IngestRepository;
  alertRepo: AlertRepository;
  checkRepo: CheckRepository;
  catalog: CatalogService;
}

export function buildEngine(c: CoreDeps, d: EngineNeeds) {
  const queued = c.bus.waker('evaluator');
  const evaluationRepo = new EvaluationRepository(c.db, c.dialect);
  const windowRepo = new WindowRepository(c.db);
  const integrationRepo = new IntegrationRepository(c.db);
  const settings = new SettingsService(new SettingsRepository(c.db), evaluationRepo, c.audit, c.clock, queued);
  const writer = new AlertWriter(d.alertRepo);
  // The read half of evaluation on threads of its own (KEEPWATCH_EVAL_THREADS; docs/engine.md).
  const script = threadScript();
  // One core for HTTP, SMTP and the writes, the rest (1 to 4) for evaluation, unless configured.
  const size = c.config.evalThreads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  const threads = size > 0 && script !== null ? new EvalThreads(size, script, { sqliteFile: c.sqliteFile, databaseUrl: c.config.databaseUrl }) : null;
  const evaluation = new EvaluationService({
    threads,
    db: c.tx,
    repo: evaluationRepo,
    alerts: d.alertRepo,
    integrations: integrationRepo,
    writer,
    settings,
    clock: c.clock,
  });
  const alerts = new AlertService({
    db: c.tx,
    dialect: c.dialect,
    repo: d.alertRepo,
    writer,
    ingest: d.ingestRepo,
    settings,
    audit: c.audit,
    clock: c.clock,
    onQueued: queued,
  });
  const windows = new WindowService({
    repo: windowRepo,
    catalog: d.catalog,
    checks: d.checkRepo,
    evaluation: evaluationRepo,
    audit: c.audit,
    clock: c.clock,
    onQueued: queued,
  });
  const integrations = new IntegrationService(integrationRepo, evaluationRepo, evaluation, c.clock, queued);
  const sqliteThreads = c.dialect === 'sqlite' && threads !== null;
  const evaluator = new EvaluatorWorker(evaluationRepo.queue, evaluation, c.clock, c.logger.child({ worker: 'evaluator' }), {
    pollMs: c.dialect === 'sqlite' ? 1000 : 250,
    // A pass holds its claims for well under a second; after a crash, its devices (and their
    // deadlines) wait out the lease before another instance takes them.
    leaseMs: 15_000,
    // SQLite with evaluation threads: they read, this thread only writes (~0.1 ms a device), and
    // gives the event loop turns between transactions (writeTurnMs). Under a flood of 1,000-job
    // batches a turn runs whole ingestion batches (~40 ms each), so the evaluator's pace is set by
    // its turns: with 10 devices a transaction it fell to ~100 devices/s and a failure's alert came
    // 10 s late; 100 a transaction, 200 a pass: ~850/s. A pass's end also drains the threads'
    // read-ahead (the next pass is claimed only then): 400 a pass halves those stalls (alerts under
    // the flood p50 ~1.2 → ~0.5 s; docs/PERFORMANCE.md, 2026-12-07, fourth session). Reading here
    // too (no threads), 10 a transaction keep the event loop's pauses short.
    batch: sqliteThreads ? 400 : 100,
    perTransaction: c.dialect === 'postgres' ? 20 : sqliteThreads ? 100 : 10,
    // A pass over the queue at most every 200 ms: a device with a burst of jobs is evaluated once
    // with all of them, and a failure's alert is visible ~0.2 s after its job under load (500 ms
    // gave a p50 of ~400 ms once successes were held back and passes no longer ran back to back).
    coalesceMs: 200,
    // With a backlog, successes wait 5 s and are evaluated together: a device under a stream costs
    // one evaluation per 5 s instead of one per pass, while failures and deadlines go first
    // (docs/engine.md, "The queue").
    holdSuccessesMs: 5000,
    // Writing here (SQLite with threads), up to 50 ms of transactions before the event loop gets a
    // turn: under a flood of 1,000-job batches (a failure every ~1.5 s on each of 2,000 devices)
    // one 100-device write per turn kept ~700 evaluations/s and alerts came up to 3–4 s late; with
    // 50 ms, ~1,100/s (docs/PERFORMANCE.md, 2026-12-07, fourth session). A request waits up to
    // that long behind the evaluator, only while it is behind (a pass took a full batch) and has
    // that much evaluated work ready to write; without a backlog it yields after every transaction
    // (under the single-POST load writing on regardless cost ~6 % of throughput).
    writeTurnMs: sqliteThreads ? 50 : 0,
    afterPass: c.bus.waker('notify-router'),
  }, c.metrics);
  c.bus.on('evaluator', () => evaluator.wake());
  return { settings, writer, evaluation, alerts, windows, integrations, evaluator, windowRepo, threads };
}
