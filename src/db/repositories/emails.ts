// Stored e-mail: written raw before the SMTP 250 (or before a poller moves the message away),
// claimed under a lease by the processing worker, listed by the unmatched inbox.
import { type Kysely, sql } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { Dialect } from '../connection.js';
import { claimStatement } from '../claims.js';
import { run, statement } from '../raw.js';
import type { DB, EmailRow } from '../schema.js';

type Tx = Kysely<DB>;

export interface NewEmail {
  id: string;
  receivedAt: number;
  transport: 'smtp' | 'imap' | 'graph';
  mailboxId: string | null;
  remoteKey: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  raw: Buffer;
}

export interface ClaimedEmail {
  id: string;
  received_at: number;
  transport: string;
  mailbox_id: string | null;
  envelope_to: string;
  raw: Buffer;
  attempts: number;
}

export interface EmailOutcome {
  state: 'processed' | 'unmatched' | 'ignored' | 'error';
  messageId: string | null;
  from: string | null;
  subject: string | null;
  subjectPattern: string | null;
  template: string | null;
  clientId: string | null;
  checkIds: string[];
  jobCount: number;
  error: string | null;
}

export interface EmailListQuery {
  clientIds: readonly string[] | null;
  state?: string;
  from?: string;
  subjectPattern?: string;
  after: CursorKey | null;
  limit: number;
}

export interface UnmatchedGroup {
  from_addr: string | null;
  subject_pattern: string | null;
  count: number;
  last_received_at: number;
  last_id: string;
}

/** Summary columns: everything but the raw message. */
export const EMAIL_SUMMARY = [
  'id', 'received_at', 'transport', 'mailbox_id', 'envelope_from', 'envelope_to', 'size', 'state', 'attempts',
  'processed_at', 'message_id', 'from_addr', 'subject', 'subject_pattern', 'template', 'client_id', 'check_ids',
  'job_count', 'error',
] as const;
export type EmailSummary = Omit<EmailRow, 'raw' | 'claimed_until' | 'remote_key'>;

const INSERT_PER_STATEMENT = 200;

/** The columns of a ClaimedEmail but its raw bytes, read from email_raw afterwards. */
const CLAIMED = 'id, received_at, transport, mailbox_id, envelope_to, attempts';

export class EmailRepository {
  private readonly sql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    this.sql = {
      claim: claimStatement(dialect, { from: 'emails', set: 'attempts = attempts + 1', where: "state = 'pending'", orderBy: 'id', returning: CLAIMED }),
      claimOne: statement(
        dialect,
        `UPDATE emails SET claimed_until = ? WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ? OR state <> 'pending')
        RETURNING ${CLAIMED}`,
      ),
      finish: statement(
        dialect,
        `UPDATE emails SET state = ?, claimed_until = NULL, processed_at = ?, message_id = ?, from_addr = ?, subject = ?,
          subject_pattern = ?, template = ?, client_id = ?, check_ids = ?, job_count = ?, error = ? WHERE id = ?`,
      ),
    };
  }

  /** Inserts in the caller's transaction; a poller's copy already stored is skipped. */
  async insert(tx: Tx, emails: NewEmail[]): Promise<void> {
    for (let i = 0; i < emails.length; i += INSERT_PER_STATEMENT) {
      const part = emails.slice(i, i + INSERT_PER_STATEMENT);
      const rows = part.map((e) => ({
        id: e.id,
        received_at: e.receivedAt,
        transport: e.transport,
        mailbox_id: e.mailboxId,
        remote_key: e.remoteKey,
        envelope_from: e.envelopeFrom,
        envelope_to: JSON.stringify(e.envelopeTo),
        size: e.raw.length,
        state: 'pending',
        attempts: 0,
        job_count: 0,
      }));
      const inserted = await tx
        .insertInto('emails')
        .values(rows)
        .onConflict((oc) => oc.columns(['mailbox_id', 'remote_key']).doNothing())
        .returning('id')
        .execute();
      const kept = new Set(inserted.map((r) => r.id));
      const raws = part.filter((e) => kept.has(e.id)).map((e) => ({ id: e.id, raw: e.raw }));
      if (raws.length > 0) await tx.insertInto('email_raw').values(raws).execute();
    }
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<ClaimedEmail[]> {
    return this.withRaw(await run<Omit<ClaimedEmail, 'raw'>>(this.db, this.sql.claim, [now + leaseMs, now, limit]));
  }

  /** Claims one message whatever its state (reprocessing), unless a worker holds it now. */
  async claimOne(id: string, now: number, leaseMs: number): Promise<ClaimedEmail | null> {
    const rows = await run<Omit<ClaimedEmail, 'raw'>>(this.db, this.sql.claimOne, [now + leaseMs, id, now]);
    return (await this.withRaw(rows))[0] ?? null;
  }

  /** The rows with their raw bytes, in their order (a row whose raw copy is gone is dropped). */
  private async withRaw<R extends { id: string }>(rows: R[]): Promise<Array<R & { raw: Buffer }>> {
    if (rows.length === 0) return [];
    const raws = await this.db.selectFrom('email_raw').select(['id', 'raw']).where('id', 'in', rows.map((r) => r.id)).execute();
    const byId = new Map(raws.map((r) => [r.id, r.raw]));
    return rows.filter((r) => byId.has(r.id)).map((r) => ({ ...r, raw: byId.get(r.id)! }));
  }

  /** Emails joined to their raw bytes. */
  private withRawQuery() {
    return this.db.selectFrom('emails').innerJoin('email_raw', 'email_raw.id', 'emails.id').selectAll('emails').select('email_raw.raw');
  }

  /** Notes several outcomes in one transaction (one commit for a worker's batch). */
  async finishMany(outcomes: Array<{ id: string; outcome: EmailOutcome }>, now: number): Promise<void> {
    if (outcomes.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const o of outcomes) await this.finish(o.id, o.outcome, now, tx);
    });
  }

  async finish(id: string, o: EmailOutcome, now: number, tx: Tx = this.db): Promise<void> {
    await tx.executeQuery(
      this.sql.finish([
        o.state, now, o.messageId, o.from, o.subject, o.subjectPattern, o.template, o.clientId,
        o.checkIds.length > 0 ? JSON.stringify(o.checkIds) : null, o.jobCount, o.error, id,
      ]),
    );
  }

  /** Frees a claim after a failure that a later attempt may not repeat. */
  async release(id: string, error: string): Promise<void> {
    await this.db.updateTable('emails').set({ claimed_until: null, error }).where('id', '=', id).execute();
  }

  async byId(id: string): Promise<EmailRow | undefined> {
    return this.withRawQuery().where('emails.id', '=', id).executeTakeFirst();
  }

  async list(q: EmailListQuery): Promise<EmailSummary[]> {
    let query = this.db.selectFrom('emails').select(EMAIL_SUMMARY).orderBy('id', 'desc').limit(q.limit + 1);
    query = this.scoped(query, q.clientIds);
    if (q.state) query = query.where('state', '=', q.state);
    if (q.from !== undefined) query = query.where('from_addr', '=', q.from);
    if (q.subjectPattern !== undefined) query = query.where('subject_pattern', '=', q.subjectPattern);
    if (q.after) query = query.where('id', '<', q.after[0] as string);
    return query.execute();
  }

  /** Unmatched messages grouped by sender and subject pattern, most recent group first. */
  async unmatchedGroups(clientIds: readonly string[] | null, limit: number): Promise<UnmatchedGroup[]> {
    let q = this.db
      .selectFrom('emails')
      .select(['from_addr', 'subject_pattern'])
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('received_at').as('last_received_at'), eb.fn.max('id').as('last_id')])
      .where('state', '=', 'unmatched')
      .groupBy(['from_addr', 'subject_pattern'])
      .orderBy(sql`max(id)`, 'desc')
      .limit(limit);
    q = this.scoped(q, clientIds);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, count: Number(r.count), last_received_at: Number(r.last_received_at) }));
  }

  /** The newest messages (for testing draft rules), raw included. */
  async recent(clientIds: readonly string[] | null, limit: number): Promise<EmailRow[]> {
    const q = this.withRawQuery().orderBy('emails.id', 'desc').limit(limit);
    return this.scoped(q, clientIds).execute();
  }

  /** A sender's newest messages (the trial of a correction's rules), raw included. */
  async fromSender(clientIds: readonly string[] | null, from: string, limit: number): Promise<EmailRow[]> {
    const q = this.withRawQuery().where('from_addr', '=', from).orderBy('emails.id', 'desc').limit(limit);
    return this.scoped(q, clientIds).execute();
  }

  /** Raw copies of some messages (suggestions are read from the raw message). */
  async rawOf(ids: readonly string[]): Promise<Array<Pick<EmailRow, 'id' | 'raw' | 'envelope_to' | 'transport' | 'received_at'>>> {
    if (ids.length === 0) return [];
    return this.withRawQuery().where('emails.id', 'in', [...ids]).execute();
  }

  /** Puts messages back in the queue; answers how many. */
  async requeue(filter: { ids?: string[]; state?: string; from?: string; subjectPattern?: string; since?: number }): Promise<number> {
    let q = this.db.updateTable('emails').set({ state: 'pending', claimed_until: null });
    if (filter.ids) q = q.where('id', 'in', filter.ids.length > 0 ? filter.ids : ['']);
    if (filter.state) q = q.where('state', '=', filter.state);
    else q = q.where('state', '<>', 'pending');
    if (filter.from !== undefined) q = q.where('from_addr', '=', filter.from);
    if (filter.subjectPattern !== undefined) q = q.where('subject_pattern', '=', filter.subjectPattern);
    if (filter.since !== undefined) q = q.where('received_at', '>=', filter.since);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Deletes up to `batch` messages received before `cutoff`; answers how many. */
  async deleteOlderThan(cutoff: number, batch: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const ids = (await tx.selectFrom('emails').select('id').where('received_at', '<', cutoff).limit(batch).execute()).map((r) => r.id);
      if (ids.length === 0) return 0;
      await tx.deleteFrom('email_raw').where('id', 'in', ids).execute();
      const r = await tx.deleteFrom('emails').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  async countByState(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('emails').select(['state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('state').execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  // biome-ignore lint/suspicious/noExplicitAny: any of Kysely's select builders, whose where() is overloaded
  private scoped<Q extends { where: (...args: any[]) => Q }>(q: Q, clientIds: readonly string[] | null): Q {
    if (clientIds === null) return q;
    return q.where('client_id', 'in', clientIds.length > 0 ? [...clientIds] : ['']);
  }
}
