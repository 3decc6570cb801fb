// Polled mailboxes and their schedule; the poll worker claims due ones under a lease.
import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { claimStatement } from '../claims.js';
import { run, statement } from '../raw.js';
import type { DB, MailboxPollRow, MailboxRow } from '../schema.js';

/** Polls kept per mailbox: enough for a day and more at the default interval. */
export const POLLS_KEPT = 100;

export class MailboxRepository {
  private readonly sql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    this.sql = {
      claimDue: claimStatement(dialect, { from: 'mailboxes', where: 'enabled = 1 AND next_poll_at <= ?', orderBy: 'next_poll_at', returning: '*' }),
      claimOne: statement(dialect, 'UPDATE mailboxes SET claimed_until = ? WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ?) RETURNING *'),
    };
  }

  list(): Promise<MailboxRow[]> {
    return this.db.selectFrom('mailboxes').selectAll().orderBy('id').execute();
  }

  byId(id: string): Promise<MailboxRow | undefined> {
    return this.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: MailboxRow): Promise<void> {
    await this.db.insertInto('mailboxes').values(row).execute();
  }

  async update(id: string, changes: Partial<MailboxRow>): Promise<void> {
    await this.db.updateTable('mailboxes').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('mailboxes').where('id', '=', id).executeTakeFirst();
    await this.db.deleteFrom('mailbox_polls').where('mailbox_id', '=', id).execute();
    return Number(r.numDeletedRows) > 0;
  }

  /** Records a poll and forgets the ones beyond the newest POLLS_KEPT of its mailbox. */
  async recordPoll(row: MailboxPollRow): Promise<void> {
    await this.db.insertInto('mailbox_polls').values(row).execute();
    const oldestKept = await this.db
      .selectFrom('mailbox_polls')
      .select('id')
      .where('mailbox_id', '=', row.mailbox_id)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(POLLS_KEPT - 1)
      .executeTakeFirst();
    if (oldestKept) await this.db.deleteFrom('mailbox_polls').where('mailbox_id', '=', row.mailbox_id).where('id', '<', oldestKept.id).execute();
  }

  /** Newest first, after the cursor's id. */
  polls(mailboxId: string, before: string | null, limit: number): Promise<MailboxPollRow[]> {
    let q = this.db.selectFrom('mailbox_polls').selectAll().where('mailbox_id', '=', mailboxId);
    if (before) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  claimDue(now: number, leaseMs: number, limit: number): Promise<MailboxRow[]> {
    return run<MailboxRow>(this.db, this.sql.claimDue, [now + leaseMs, now, now, limit]);
  }

  async claimOne(id: string, now: number, leaseMs: number): Promise<MailboxRow | null> {
    return (await run<MailboxRow>(this.db, this.sql.claimOne, [now + leaseMs, id, now]))[0] ?? null;
  }

  async finish(id: string, r: { at: number; ok: boolean; error: string | null; count: number; nextPollAt: number }): Promise<void> {
    await this.db
      .updateTable('mailboxes')
      .set({
        claimed_until: null,
        last_poll_at: r.at,
        last_error: r.error,
        last_count: r.count,
        next_poll_at: r.nextPollAt,
        ...(r.ok ? { last_success_at: r.at } : {}),
      })
      .where('id', '=', id)
      .execute();
  }
}
