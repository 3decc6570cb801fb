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
  const evaluator = new EvaluatorWorker(evaluationRepo, evaluation, c.clock, c.logger.child({ worker: 'evaluator' }), {
    pollMs: c.dialect === 'sqlite' ? 1000 : 250,
    // A pass holds its claims for well under a second; after a crash, its devices (and their
    // deadlines) wait out the lease before another instance takes them.
    leaseMs: 15_000,
    batch: 100,
    perTransaction: c.dialect === 'sqlite' ? 10 : 20,
    // Under a stream of jobs alerts come within ~half a second of their job, and bursts cost one evaluation per device per
    // interval instead of one per job (docs/PERFORMANCE.md, e-mail ingestion).
    coalesceMs: 500,
    afterPass: c.bus.waker('notify-router'),
  }, c.metrics);
  c.bus.on('evaluator', () => evaluator.wake());
  return { settings, writer, evaluation, alerts, windows, integrations, evaluator, windowRepo, threads };
}
