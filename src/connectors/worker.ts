// The sync scheduler: claims connectors whose next run is due (a lease in the database, so
// instances on one PostgreSQL never sync the same connector at once and a dead instance's
// connector is taken over when its lease runs out) and runs a few at a time. Woken at once
// when a connector is created or changed; otherwise it polls.
import type { Logger } from 'pino';
import type { ConnectorRunner } from './runner.js';
import { Loop } from '../lib/loop.js';

export interface ConnectorWorkerOptions {
  pollMs: number;
  /** Syncs this instance runs at the same time. */
  concurrency: number;
}

export class ConnectorWorker {
  private readonly loop: Loop;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Periodic checks run from this loop (the stale-collector check), each at most every `everyMs`. */
  private readonly chores: Array<{ everyMs: number; lastAt: number; run: () => Promise<unknown> }> = [];

  constructor(
    private readonly runner: ConnectorRunner,
    private readonly logger: Logger,
    private readonly options: ConnectorWorkerOptions,
  ) {
    // Syncs run in the background, so a pass never asks to go again at once: it sleeps until a
    // sync ends (which wakes it) or the poll interval.
    this.loop = new Loop(
      async () => {
        await this.runChores();
        await this.tick();
        return 0;
      },
      options.pollMs,
      logger,
      'connector scheduling',
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming; running syncs are aborted and keep their old cursors. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.runner.abortAll();
    await Promise.allSettled([...this.inflight]);
  }

  wake(): void {
    this.loop.wake();
  }

  /** Runs `run` from this loop at most every `everyMs` (real time); a failure is logged and tried again next time. */
  addChore(everyMs: number, run: () => Promise<unknown>): void {
    this.chores.push({ everyMs, lastAt: 0, run });
  }

  private async runChores(): Promise<void> {
    const now = Date.now();
    for (const chore of this.chores) {
      if (now - chore.lastAt < chore.everyMs) continue;
      chore.lastAt = now;
      await chore.run().catch((err) => this.logger.error({ err }, 'connector scheduler chore failed'));
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
}
