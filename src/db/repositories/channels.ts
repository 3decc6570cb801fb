// Notification channels: CRUD, and the delivery loop's lease on a channel (one sender per channel
// at a time keeps its queue in order; a dead instance's lease runs out and another takes over).
import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { claimStatement } from '../claims.js';
import { run } from '../raw.js';
import type { ChannelRow, DB } from '../schema.js';

type Tx = Kysely<DB>;

export class ChannelRepository {
  private readonly claimDueSql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    // Channels with something queued that are not backing off, broken or leased by another sender.
    this.claimDueSql = claimStatement(dialect, {
      from: 'channels c',
      where: `c.enabled = 1 AND c.broken_at IS NULL AND (c.hold_until IS NULL OR c.hold_until <= ?)
        AND EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = c.id AND d.state = 'pending')`,
      orderBy: 'c.id',
      returning: '*',
    });
  }

  async list(after: string | null, limit: number): Promise<ChannelRow[]> {
    let q = this.db.selectFrom('channels').selectAll().orderBy('id').limit(limit + 1);
    if (after) q = q.where('id', '>', after);
    return q.execute();
  }

  async all(): Promise<ChannelRow[]> {
    return this.db.selectFrom('channels').selectAll().orderBy('id').execute();
  }

  async byId(id: string, tx: Tx = this.db): Promise<ChannelRow | undefined> {
    return tx.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: ChannelRow, tx: Tx = this.db): Promise<void> {
    await tx.insertInto('channels').values(row).execute();
  }

  /** Inserts the row unless one with its id exists (the built-in channel, made at start). Looks
   * first: an instance starting on a database that has it writes nothing. */
  async ensure(row: ChannelRow): Promise<void> {
    if (await this.byId(row.id)) return;
    await this.db.insertInto('channels').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
  }

  async update(id: string, cols: Partial<ChannelRow>, tx: Tx = this.db): Promise<void> {
    await tx.updateTable('channels').set(cols).where('id', '=', id).execute();
  }

  async remove(id: string, tx: Tx = this.db): Promise<void> {
    await tx.deleteFrom('channel_alert_state').where('channel_id', '=', id).execute();
    await tx.deleteFrom('deliveries').where('channel_id', '=', id).execute();
    await tx.deleteFrom('channels').where('id', '=', id).execute();
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<ChannelRow[]> {
    return run<ChannelRow>(this.db, this.claimDueSql, [now + leaseMs, now, now, limit]);
  }

  /** Extends this sender's lease; false when it ran out and another sender may hold the channel. */
  async renew(id: string, held: number, until: number): Promise<boolean> {
    const r = await this.db.updateTable('channels').set({ claimed_until: until }).where('id', '=', id).where('claimed_until', '=', held).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async release(id: string, held: number, cols: Partial<ChannelRow> = {}): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({ ...cols, claimed_until: null })
      .where('id', '=', id)
      .where('claimed_until', '=', held)
      .execute();
  }

  /** Moves a digest channel's mark forward, once: false when another instance did it first. */
  async advanceDigest(tx: Tx, id: string, from: number | null, to: number): Promise<boolean> {
    let q = tx.updateTable('channels').set({ digest_through: to }).where('id', '=', id);
    q = from === null ? q.where('digest_through', 'is', null) : q.where('digest_through', '=', from);
    return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
  }

  /** The ids among these that are not clients. */
  async unknownClients(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = new Set((await this.db.selectFrom('clients').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  }

  async ownerAndAdminEmails(): Promise<string[]> {
    const rows = await this.db.selectFrom('users').select('email').where('role', 'in', ['owner', 'admin']).where('disabled_at', 'is', null).orderBy('email').execute();
    return rows.map((r) => r.email);
  }
}
