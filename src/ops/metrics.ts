// Prometheus metrics: process metrics, counters and histograms that the code paths record as they
// run, and gauges read from the database at scrape time (devices by status, open alerts, evaluator
// lag), so every instance of a cluster reports the same cluster-wide figures for those.
// Per-client labels only when the operator asks for them (one series per client and status).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsRepository } from '../db/repositories/metrics.js';
import type { Clock } from '../lib/clock.js';

export interface MetricsOptions {
  clientLabels: boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

export class Metrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];

  readonly jobsIngested = new Counter({
    name: 'keepwatch_jobs_ingested_total',
    help: 'Jobs stored (new or updated), by normalised status, check kind and source',
    labelNames: ['status', 'kind', 'source'] as const,
    registers: this.r,
  });
  readonly ingestDuration = new Histogram({
    name: 'keepwatch_ingest_duration_seconds',
    help: 'Time from handing jobs to recordJobs until they are committed (a request or a batch)',
    buckets: LATENCY_BUCKETS,
    registers: this.r,
  });
  readonly evaluations = new Counter({
    name: 'keepwatch_evaluations_total',
    help: 'Device evaluations, by outcome',
    labelNames: ['outcome'] as const,
    registers: this.r,
  });
  readonly evaluationDelay = new Histogram({
    name: 'keepwatch_evaluation_delay_seconds',
    help: 'How long after a job was committed (trigger=job) or a deadline passed (trigger=deadline) its device was evaluated',
    labelNames: ['trigger'] as const,
    buckets: DELAY_BUCKETS,
    registers: this.r,
  });
  readonly deliveries = new Counter({
    name: 'keepwatch_deliveries_total',
    help: 'Notification delivery attempts, by channel type and outcome (sent, retry, failed)',
    labelNames: ['channel_type', 'outcome'] as const,
    registers: this.r,
  });
  readonly connectorSyncs = new Counter({
    name: 'keepwatch_connector_syncs_total',
    help: 'Connector syncs, by connector type and outcome (ok, auth, quota, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: this.r,
  });
  readonly connectorSyncDuration = new Histogram({
    name: 'keepwatch_connector_sync_duration_seconds',
    help: 'Connector sync duration, by connector type',
    labelNames: ['type'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: this.r,
  });
  readonly smtpMessages = new Counter({
    name: 'keepwatch_smtp_messages_total',
    help: 'Messages offered to the SMTP listener, by outcome (accepted; refused: 550, 552, 535; error: 451)',
    labelNames: ['outcome'] as const,
    registers: this.r,
  });
  readonly retentionDeleted = new Counter({
    name: 'keepwatch_retention_deleted_rows_total',
    help: 'Rows deleted by retention, by table',
    labelNames: ['table'] as const,
    registers: this.r,
  });

  constructor(repo: MetricsRepository, clock: Clock, options: MetricsOptions) {
    collectDefaultMetrics({ register: this.registry, prefix: 'keepwatch_' });
    const clientLabels = options.clientLabels;
    new Gauge({
      name: 'keepwatch_devices',
      help: `Devices by health status${clientLabels ? ' and client' : ''}`,
      labelNames: clientLabels ? ['status', 'client'] : ['status'],
      registers: this.r,
      async collect() {
        this.reset();
        for (const row of await repo.devicesByStatus(clientLabels)) {
          this.set(clientLabels ? { status: row.status, client: row.client ?? '' } : { status: row.status }, row.n);
        }
      },
    });
    new Gauge({
      name: 'keepwatch_alerts_open',
      help: `Open and acknowledged alerts by type and severity${clientLabels ? ' and client' : ''}`,
      labelNames: clientLabels ? ['type', 'severity', 'client'] : ['type', 'severity'],
      registers: this.r,
      async collect() {
        this.reset();
        for (const row of await repo.openAlerts(clientLabels)) {
          this.set(clientLabels ? { type: row.type, severity: row.severity, client: row.client ?? '' } : { type: row.type, severity: row.severity }, row.n);
        }
      },
    });
    new Gauge({
      name: 'keepwatch_evaluator_lag_seconds',
      help: 'Age of the oldest evaluation that is due and not done: a queued device or a passed deadline (0 when none)',
      registers: this.r,
      async collect() {
        const oldest = await repo.oldestDue(clock.now());
        this.set(oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000));
      },
    });
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
