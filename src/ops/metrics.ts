// Prometheus metrics: process metrics, counters and histograms that the code paths record as they
// run, and gauges read from the database at scrape time (devices by status, open alerts, evaluator
// lag), so every instance of a cluster reports the same cluster-wide figures for those.
// Per-client labels only when the operator asks for them (one series per client and status).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckpointStats } from '../db/checkpointer.js';
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

  readonly jobsIngested = this.counter('keepwatch_jobs_ingested_total', 'Jobs stored (new or updated), by normalised status, check kind and source', ['status', 'kind', 'source']);
  readonly ingestDuration = this.histogram('keepwatch_ingest_duration_seconds', 'Time from handing jobs to recordJobs until they are committed (a request or a batch)', LATENCY_BUCKETS);
  readonly evaluations = this.counter('keepwatch_evaluations_total', 'Device evaluations, by outcome', ['outcome']);
  readonly evaluationDelay = this.histogram('keepwatch_evaluation_delay_seconds', 'How long after a job was committed (trigger=job) or a deadline passed (trigger=deadline) its device was evaluated', DELAY_BUCKETS, ['trigger']);
  readonly deliveries = this.counter('keepwatch_deliveries_total', 'Notification delivery attempts, by channel type and outcome (sent, retry, failed)', ['channel_type', 'outcome']);
  readonly connectorSyncs = this.counter('keepwatch_connector_syncs_total', 'Connector syncs, by connector type and outcome (ok, auth, quota, error)', ['type', 'outcome']);
  readonly connectorSyncDuration = this.histogram('keepwatch_connector_sync_duration_seconds', 'Connector sync duration, by connector type', [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], ['type']);
  readonly smtpMessages = this.counter('keepwatch_smtp_messages_total', 'Messages offered to the SMTP listener, by outcome (accepted; refused: 550, 552, 535; error: 451)', ['outcome']);
  readonly signIns = this.counter('keepwatch_sign_ins_total', 'Console sign-ins, by method (password, oidc, mfa) and outcome (success, failure, refused, throttled)', ['method', 'outcome']);
  readonly retentionDeleted = this.counter('keepwatch_retention_deleted_rows_total', 'Rows deleted by retention, by table', ['table']);

  /** `checkpoints`: the SQLite checkpointer's counts (absent, or answering null, on PostgreSQL). */
  constructor(repo: MetricsRepository, clock: Clock, options: MetricsOptions, checkpoints: () => CheckpointStats | null = () => null) {
    collectDefaultMetrics({ register: this.registry, prefix: 'keepwatch_' });
    const clientLabels = options.clientLabels;
    this.rowGauge('keepwatch_devices', 'Devices by health status', ['status'], clientLabels, () => repo.devicesByStatus(clientLabels));
    this.rowGauge('keepwatch_alerts_open', 'Open and acknowledged alerts by type and severity', ['type', 'severity'], clientLabels, () => repo.openAlerts(clientLabels));
    new Gauge({
      name: 'keepwatch_evaluator_lag_seconds',
      help: 'Age of the oldest evaluation that is due and not done: a queued device or a passed deadline (0 when none)',
      registers: this.r,
      async collect() {
        const oldest = await repo.oldestDue(clock.now());
        this.set(oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000));
      },
    });
    if (checkpoints() !== null) this.checkpointMetrics(checkpoints as () => CheckpointStats);
  }

  /** SQLite's write-ahead log (db/checkpointer.ts): is it kept bounded, and how long are writers held for it. */
  private checkpointMetrics(stats: () => CheckpointStats): void {
    new Counter({
      name: 'keepwatch_sqlite_wal_restarts_total',
      help: 'RESTART checkpoints of the SQLite write-ahead log: done (the log started over) or busy (gave up, tried again at the next interval)',
      labelNames: ['outcome'],
      registers: this.r,
      collect() {
        const s = stats();
        this.reset();
        this.inc({ outcome: 'done' }, s.restarts);
        this.inc({ outcome: 'busy' }, s.restartsBusy);
      },
    });
    new Gauge({
      name: 'keepwatch_sqlite_wal_restart_max_seconds',
      help: 'Longest RESTART checkpoint since start, waiting for the write lock included: how long writers were held at most',
      registers: this.r,
      collect() {
        this.set(stats().maxRestartMs / 1000);
      },
    });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: this.r });
  }

  private histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: this.r });
  }

  /**
   * A gauge read from the database at scrape time: one series per row, labelled by the row's
   * `labels` and, with client labels on, its client ('' for none).
   */
  private rowGauge<R extends { client: string | null; n: number }>(
    name: string,
    help: string,
    labels: ReadonlyArray<keyof R & string>,
    clientLabels: boolean,
    read: () => Promise<R[]>,
  ): void {
    new Gauge<string>({
      name,
      help: `${help}${clientLabels ? ' and client' : ''}`,
      labelNames: clientLabels ? [...labels, 'client'] : [...labels],
      registers: this.r,
      async collect() {
        this.reset();
        for (const row of await read()) {
          const values: Record<string, string> = Object.fromEntries(labels.map((l) => [l, String(row[l])]));
          this.set(clientLabels ? { ...values, client: row.client ?? '' } : values, row.n);
        }
      },
    });
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
