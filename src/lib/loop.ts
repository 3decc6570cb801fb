// The loop every background worker runs: a pass, and when it found nothing to do, a sleep that a
// wake() cuts short (in-process work just written) or that ends after the idle delay (work another
// instance wrote, or a deadline). A failed pass is logged and the loop goes on.
import type { Logger } from 'pino';

export class Loop {
  private running = false;
  private done: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pending = false;

  /**
   * @param pass does one round of work and answers how much it did; 0 means sleep before the next.
   * @param idleMs how long to sleep when idle: a number, or asked afresh before each sleep.
   */
  constructor(
    private readonly pass: () => Promise<number>,
    private readonly idleMs: number | (() => Promise<number>),
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
  }

  /** Something changed: look now rather than after the idle delay. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      try {
        n = await this.pass();
      } catch (err) {
        this.logger.error({ err }, `${this.name} pass failed`);
      }
      if (n === 0 && this.running) await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const delay = typeof this.idleMs === 'number' ? this.idleMs : await this.idleMs();
    if (this.pending || !this.running) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
    this.pending = false;
  }
}
