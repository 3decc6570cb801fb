// Durable intake of raw messages: every transport (SMTP, IMAP, Graph) hands a message here and
// may acknowledge it (250, or move it out of the polled folder) only once this resolves, which is
// after the transaction holding it has committed. Concurrent messages share one commit.
import type { Transactor, } from '../../db/transaction.js';
import type { Dialect } from '../../db/connection.js';
import type { EmailRepository, NewEmail } from '../../db/repositories/emails.js';
import type { Clock } from '../../lib/clock.js';
import { GroupCommitter } from '../../lib/group-commit.js';
import { newId } from '../../lib/ids.js';

export type IncomingEmail = Omit<NewEmail, 'id' | 'receivedAt'>;

export class EmailIntake {
  private readonly committer: GroupCommitter<NewEmail, string>;
  stored = 0;

  constructor(
    private readonly db: Transactor,
    dialect: Dialect,
    private readonly repo: EmailRepository,
    private readonly clock: Clock,
    private readonly onStored: () => void,
  ) {
    this.committer = new GroupCommitter<NewEmail, string>({
      runBatch: (emails) => this.write(emails),
      runOne: async (email) => (await this.write([email]))[0]!,
      weight: (e) => 1 + Math.floor(e.raw.length / 65_536),
      maxWeight: 500,
      concurrency: dialect === 'sqlite' ? 1 : 4,
    });
  }

  /** Resolves with the stored message's id once it is committed. */
  store(email: IncomingEmail): Promise<string> {
    const now = this.clock.now();
    return this.committer.submit({ ...email, id: newId(now), receivedAt: now });
  }

  drain(): Promise<void> {
    return this.committer.drain();
  }

  private async write(emails: NewEmail[]): Promise<string[]> {
    await this.db.run((tx) => this.repo.insert(tx, emails));
    this.stored += emails.length;
    this.onStored();
    return emails.map((e) => e.id);
  }
}
