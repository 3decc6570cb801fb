// The e-mail worker: takes stored messages that wait for processing, a batch at a time under a
// lease (several instances on one PostgreSQL share them; a dead instance's claim runs out and
// another takes it), and runs the pipeline on them. Woken at once in-process when a message is
// stored; otherwise it polls. It also deletes raw messages past retention, in small batches.
import type { Logger } from 'pino';
import type { EmailRepository } from '../../db/repositories/emails.js';
import type { Clock } from '../../lib/clock.js';
import { DAY, HOUR } from '../../lib/time.js';
import type { EmailPipeline } from './pipeline.js';
import { Loop } from '../../lib/loop.js';

export interface EmailWorkerOptions {
  pollMs: number;
  leaseMs: number;
  batch: number;
  retentionDays: number;
  /** Told how many raw messages retention deleted (the `/metrics` retention counter). */
  onPurged?: (rows: number) => void;
}

const RETENTION_BATCH = 500;

export class EmailWorker {
  private readonly loop: Loop;
  private nextRetentionAt = 0;
  processed = 0;

  constructor(
    private readonly repo: EmailRepository,
    private readonly pipeline: EmailPipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: EmailWorkerOptions,
  ) {
    this.loop = new Loop(() => this.pass(), options.pollMs, logger, 'e-mail worker');
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Processes everything pending now; answers how many messages. */
  async runUntilIdle(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.tick();
      if (n === 0) return total;
      total += n;
    }
  }

  async tick(): Promise<number> {
    const claimed = await this.repo.claim(this.clock.now(), this.options.leaseMs, this.options.batch);
    if (claimed.length === 0) return 0;
    await this.pipeline.processBatch(claimed);
    this.processed += claimed.length;
    return claimed.length;
  }

  /** Deletes raw messages older than the retention period; answers how many. */
  async purge(): Promise<number> {
    const cutoff = this.clock.now() - this.options.retentionDays * DAY;
    let total = 0;
    for (;;) {
      const n = await this.repo.deleteOlderThan(cutoff, RETENTION_BATCH);
      total += n;
      if (n > 0) this.options.onPurged?.(n);
      if (n < RETENTION_BATCH) return total;
    }
  }

  /** One batch, and once an hour the retention purge. */
  private async pass(): Promise<number> {
    const n = await this.tick();
    if (this.clock.now() >= this.nextRetentionAt) {
      this.nextRetentionAt = this.clock.now() + HOUR;
      const purged = await this.purge();
      if (purged > 0) this.logger.info({ purged }, 'deleted raw e-mail past retention');
    }
    return n;
  }
}
