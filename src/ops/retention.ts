// Retention: once an hour, one instance of the cluster (a named lease) deletes rows older than
// their configured age, a batch at a time with a pause between batches, so ingestion (which shares
// SQLite's single writer) is never held up for long.
import type { Logger } from 'pino';
import type { RetainedTable, RetentionRepository } from '../db/repositories/retention.js';
import type { Clock } from '../lib/clock.js';
import type { Metrics } from './metrics.js';
import { idFloor, newId } from '../lib/ids.js';
import { DAY, HOUR } from '../lib/time.js';

export interface RetentionPolicy {
  table: RetainedTable;
  /** Rows older than this many days go; 0 keeps them forever. */
  days: number;
}

export interface RetentionOptions {
  intervalMs?: number;
  batch?: number;
  pauseMs?: number;
}

export class RetentionWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly holder = newId();

  constructor(
    private readonly repo: RetentionRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly policies: readonly RetentionPolicy[],
    private readonly metrics: Metrics | null = null,
    private readonly options: RetentionOptions = {},
  ) {}

  start(): void {
    const every = this.options.intervalMs ?? HOUR;
    // First pass a minute after start: not in the way of a starting instance.
    this.timer = setTimeout(() => this.tick(every), Math.min(every, 60_000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private tick(every: number): void {
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err) => this.logger.error({ err }, 'retention pass failed'))
      .finally(() => {
        if (!this.stopped) {
          this.timer = setTimeout(() => this.tick(every), every);
          this.timer.unref();
        }
      });
  }

  /** One pass over every policy, if this instance holds the lease; answers rows deleted per table. */
  async runOnce(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    if (!(await this.repo.lease('retention', this.holder, this.clock.now(), 15 * 60_000))) return out;
    for (const p of this.policies) {
      if (p.days <= 0) continue;
      const before = idFloor(this.clock.now() - p.days * DAY);
      let total = 0;
      for (;;) {
        if (this.stopped) break;
        const n = await this.repo.deleteBatch(p.table, before, this.options.batch ?? 1000);
        total += n;
        if (n < (this.options.batch ?? 1000)) break;
        await new Promise((r) => setTimeout(r, this.options.pauseMs ?? 50));
      }
      out[p.table] = total;
      this.metrics?.retentionDeleted.inc({ table: p.table }, total);
      if (total > 0) this.logger.info({ table: p.table, deleted: total, olderThanDays: p.days }, 'retention');
    }
    return out;
  }
}
