// Operations: the audit log, Prometheus metrics and the retention worker.
import type { CoreDeps } from '../core.js';
import { AuditRepository } from '../db/repositories/audit.js';
import { MetricsRepository } from '../db/repositories/metrics.js';
import { RetentionRepository } from '../db/repositories/retention.js';
import type { Database } from '../db/connection.js';
import type { Clock } from '../lib/clock.js';
import type { Config } from '../config/index.js';
import { AuditService } from './audit.js';
import { Metrics } from './metrics.js';
import { RetentionWorker } from './retention.js';

/** The audit log and metrics: everything else records into them, so they come first. */
export function buildRecorders(d: { db: Database['db']; clock: Clock; config: Config; checkpoints?: Database['checkpoints'] }) {
  const metrics = new Metrics(new MetricsRepository(d.db), d.clock, { clientLabels: d.config.metricsClientLabels }, d.checkpoints);
  const audit = new AuditService(new AuditRepository(d.db), d.clock);
  return { metrics, audit };
}

export function buildRetention(c: CoreDeps): RetentionWorker {
  return new RetentionWorker(new RetentionRepository(c.db), c.clock, c.logger.child({ worker: 'retention' }), [
    { table: 'jobs', days: c.config.retainJobsDays },
    // `/log` ping lines are part of a check's timeline: kept as long as its jobs.
    { table: 'check_logs', days: c.config.retainJobsDays },
    { table: 'audit_log', days: c.config.retainAuditDays },
    // Domain events the notifier has handled: their effects live on in deliveries and alert history.
    { table: 'outbox', days: 30 },
    { table: 'deliveries', days: c.config.retainDeliveriesDays },
  ], c.metrics);
}
