// The sync scheduler: claims connectors whose next run is due (a lease in the database, so
// instances on one PostgreSQL never sync the same connector at once and a dead instance's
// connector is taken over when its lease runs out) and runs a few at a time. Woken at once
// when a connector is created or changed; otherwise it polls.
import type { Logger } from 'pino';
import type { ConnectorRunner } from '../services/connector-runner.js';

export interface ConnectorWorkerOptions {
  pollMs: number;
  /** Syncs this instance runs at the same time. */
  concurrency: number;
}

export class ConnectorWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly runner: ConnectorRunner,
    private readonly logger: Logger,
    private readonly options: ConnectorWorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming; running syncs are aborted and keep their old cursors. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.runner.abortAll();
    await Promise.allSettled([...this.inflight]);
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.tick();
      } catch (err) {
        this.logger.error({ err }, 'connector scheduling pass failed');
      }
      if (this.running) await this.sleep();
    }
  }

  /** Claims what is due, up to the free slots, and starts each in the background. */
  async tick(): Promise<number> {
    const free = this.options.concurrency - this.inflight.size;
    if (free <= 0) return 0;
    const claimed = await this.runner.claimDue(free);
    for (const { row, runId } of claimed) {
      const p = this.runner
        .execute(row, runId, 'schedule')
        .catch((err) => this.logger.error({ err, connector: row.id }, 'connector sync crashed'))
        .finally(() => {
          this.inflight.delete(p);
          this.wake();
        });
      this.inflight.add(p);
    }
    return claimed.length;
  }

  private sleep(): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        self.pendingWake = false;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
