// The mailbox poll loop: every few seconds, claim the mailboxes whose next poll is due (a lease,
// so instances on one PostgreSQL poll each mailbox once) and poll them.
import type { Logger } from 'pino';
import type { MailboxService } from './mailboxes.js';

export class MailboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly mailboxes: MailboxService,
    private readonly logger: Logger,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.mailboxes
        .pollDue()
        .then(() => {}, (err) => this.logger.error({ err }, 'mailbox poll pass failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
