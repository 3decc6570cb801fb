// The notification loops: the router (outbox → deliveries, plus the schedule of digests, repeats
// and the weekly summary) and the sender (due deliveries, per channel, in order). Two loops, so a
// burst is routed while earlier deliveries are being sent. Woken at once in-process when the
// evaluator has written events or the router has queued deliveries; otherwise they poll, which is
// how instances on one PostgreSQL see each other's work.
import type { Logger } from 'pino';
import type { DeliverySender } from './sender.js';
import type { NotifyRouter } from './router.js';
import type { NotifySchedule } from './schedule.js';
import { Loop } from '../lib/loop.js';

export interface NotifierOptions {
  pollMs: number;
  /** How often the schedule (digests, repeats, summary) is looked at, in real time. */
  scheduleEveryMs: number;
}

export class NotifierWorker {
  private readonly routerLoop: Loop;
  private readonly senderLoop: Loop;
  private lastSchedule = 0;

  constructor(
    private readonly router: NotifyRouter,
    private readonly schedule: NotifySchedule,
    private readonly sender: DeliverySender,
    logger: Logger,
    private readonly options: NotifierOptions,
  ) {
    this.routerLoop = new Loop(() => this.routePass(), options.pollMs, logger, 'notification router');
    this.senderLoop = new Loop(() => this.sender.tick(), options.pollMs, logger, 'delivery sender');
  }

  start(): void {
    this.routerLoop.start();
    this.senderLoop.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.routerLoop.stop(), this.senderLoop.stop()]);
  }

  /** New outbox events. */
  wakeRouter(): void {
    this.routerLoop.wake();
  }

  /** New deliveries. */
  wakeSender(): void {
    this.senderLoop.wake();
  }

  private async routePass(): Promise<number> {
    let n = await this.router.tick();
    // New alerts may page at once: do not wait for the schedule's next look.
    if (n > 0) n += await this.schedule.pages();
    if (Date.now() - this.lastSchedule >= this.options.scheduleEveryMs) {
      this.lastSchedule = Date.now();
      n += await this.schedule.tick();
    }
    return n;
  }

  /** Routes, schedules and sends until nothing is left that is due now (tests, benchmarks). */
  async runUntilIdle(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 1000; round++) {
      let n = 0;
      while ((await this.router.tick()) > 0) n++;
      n += await this.schedule.tick();
      n += await this.sender.tick();
      total += n;
      if (n === 0) return total;
    }
    return total;
  }
}
