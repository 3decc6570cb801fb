// Deliveries: the durable queue of notifications and their log. The router claims outbox rows
// under a lease and turns them into deliveries; the delivery loop reads a channel's queue head
// first and records each attempt.
import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { claimStatement } from '../claims.js';
import { run } from '../raw.js';
import type { DB, DeliveryRow } from '../schema.js';

type Tx = Kysely<DB>;

export interface OutboxEvent {
  id: string;
  topic: string;
  alert_id: string | null;
  payload: string;
  created_at: number;
}

export type DeliveryLogRow = DeliveryRow & { channel_name: string | null; channel_type: string | null };

const CHUNK = 100;

export class DeliveryRepository {
  private readonly claimOutboxSql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    this.claimOutboxSql = claimStatement(dialect, { from: 'outbox', where: 'processed_at IS NULL', orderBy: 'id', returning: 'id, topic, alert_id, payload, created_at' });
  }

  async claimOutbox(now: number, leaseMs: number, limit: number): Promise<OutboxEvent[]> {
    const rows = await run<OutboxEvent>(this.db, this.claimOutboxSql, [now + leaseMs, now, limit]);
    return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async markOutboxProcessed(tx: Tx, ids: string[], now: number): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await tx.updateTable('outbox').set({ processed_at: now }).where('id', 'in', ids.slice(i, i + 500)).execute();
    }
  }

  async pendingOutbox(): Promise<number> {
    const r = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('processed_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Inserts new deliveries; one that exists already (same idempotency key) is left as it is. */
  async insertMany(tx: Tx, rows: DeliveryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx
        .insertInto('deliveries')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    }
  }

  /** Leaves outbox rows unrouted until `until` (a device's group window): claimable again after it. */
  async holdOutbox(tx: Tx, ids: string[], until: number): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await tx.updateTable('outbox').set({ claimed_until: until }).where('id', 'in', ids.slice(i, i + 500)).where('processed_at', 'is', null).execute();
    }
  }

  /** For each of these devices, when a channel was last queued a raise of one of its alerts, if after `since`. */
  async lastRaiseQueued(deviceIds: string[], since: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < deviceIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('deliveries')
        .innerJoin('alerts', 'alerts.id', 'deliveries.alert_id')
        .select(['alerts.device_id', (eb) => eb.fn.max('deliveries.created_at').as('last')])
        .where('alerts.device_id', 'in', deviceIds.slice(i, i + 500))
        .where('deliveries.topic', '=', 'alert.raised')
        .where('deliveries.created_at', '>', since)
        .groupBy('alerts.device_id')
        .execute();
      for (const r of rows) if (r.device_id !== null) out.set(r.device_id, Number(r.last));
    }
    return out;
  }

  /**
   * For each of these devices that has outbox rows not yet routed, held or claimed until after `now`
   * (besides `except`, the caller's own batch): the latest such time. Its later events wait behind them.
   */
  async devicesWaiting(deviceIds: string[], except: string[], now: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < deviceIds.length; i += 500) {
      let q = this.db
        .selectFrom('outbox')
        .innerJoin('alerts', 'alerts.id', 'outbox.alert_id')
        .select(['alerts.device_id', (eb) => eb.fn.max('outbox.claimed_until').as('until')])
        .where('outbox.processed_at', 'is', null)
        .where('outbox.claimed_until', '>', now)
        .where('alerts.device_id', 'in', deviceIds.slice(i, i + 500))
        .groupBy('alerts.device_id');
      if (except.length > 0) q = q.where('outbox.id', 'not in', except);
      const rows = await q.execute();
      for (const r of rows) if (r.device_id !== null && r.until !== null) out.set(r.device_id, Number(r.until));
    }
    return out;
  }

  /** Which of these idempotency keys are taken. */
  async existingKeys(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db.selectFrom('deliveries').select('idempotency_key').where('idempotency_key', 'in', keys.slice(i, i + 500)).execute();
      for (const r of rows) out.add(r.idempotency_key);
    }
    return out;
  }

  /** Inserts outside any transaction (rows whose key exists are skipped). */
  async insertAll(rows: DeliveryRow[]): Promise<void> {
    await this.insertMany(this.db, rows);
  }

  /** For each alert, the channels that were told of it. */
  async channelsNotified(alertIds: string[], tx: Tx = this.db): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (let i = 0; i < alertIds.length; i += 500) {
      const rows = await tx
        .selectFrom('deliveries')
        .select(['alert_id', 'channel_id'])
        .distinct()
        .where('alert_id', 'in', alertIds.slice(i, i + 500))
        .where('state', 'in', ['pending', 'sent', 'grouped'])
        .execute();
      for (const r of rows) {
        if (r.alert_id === null) continue;
        if (!out.has(r.alert_id)) out.set(r.alert_id, new Set());
        out.get(r.alert_id)!.add(r.channel_id);
      }
    }
    return out;
  }

  /** A channel's queue, head first. */
  async pendingOf(channelId: string, limit: number): Promise<DeliveryRow[]> {
    return this.db.selectFrom('deliveries').selectAll().where('channel_id', '=', channelId).where('state', '=', 'pending').orderBy('seq').orderBy('id').limit(limit).execute();
  }

  async markSent(ids: string[], now: number, status: string, response: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set((eb) => ({
        state: 'sent',
        attempts: eb('attempts', '+', 1),
        last_attempt_at: now,
        sent_at: now,
        last_status: status,
        last_response: response,
        updated_at: now,
      }))
      .where('id', 'in', ids)
      .execute();
  }

  async recordAttempt(id: string, cols: Pick<DeliveryRow, 'state' | 'next_attempt_at' | 'last_status' | 'last_response'>, now: number, tx: Tx = this.db): Promise<void> {
    await tx
      .updateTable('deliveries')
      .set((eb) => ({ ...cols, attempts: eb('attempts', '+', 1), last_attempt_at: now, updated_at: now }))
      .where('id', '=', id)
      .execute();
  }

  async setState(id: string, state: string, status: string, response: string | null, now: number): Promise<void> {
    await this.db.updateTable('deliveries').set({ state, last_status: status, last_response: response, updated_at: now }).where('id', '=', id).execute();
  }

  async insertOne(row: DeliveryRow): Promise<void> {
    await this.insertMany(this.db, [row]);
  }

  async byKey(key: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('deliveries').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  }

  private log() {
    return this.db
      .selectFrom('deliveries')
      .leftJoin('channels', 'channels.id', 'deliveries.channel_id')
      .selectAll('deliveries')
      .select(['channels.name as channel_name', 'channels.type as channel_type']);
  }

  async ofAlert(alertId: string): Promise<DeliveryLogRow[]> {
    return this.log().where('deliveries.alert_id', '=', alertId).orderBy('deliveries.seq').orderBy('deliveries.id').execute() as Promise<DeliveryLogRow[]>;
  }

  /** Newest first. */
  async ofChannel(channelId: string, before: string | null, limit: number, state?: string): Promise<DeliveryLogRow[]> {
    let q = this.log().where('deliveries.channel_id', '=', channelId).orderBy('deliveries.id', 'desc').limit(limit + 1);
    if (before) q = q.where('deliveries.id', '<', before);
    if (state) q = q.where('deliveries.state', '=', state);
    return q.execute() as Promise<DeliveryLogRow[]>;
  }

  /**
   * A channel's newest delivery attempts (notifications and tests), newest queued first: what its
   * health is read from. Bounded, so a long log is never scanned.
   */
  async lastAttempts(channelId: string, limit = 10): Promise<Array<Pick<DeliveryRow, 'state' | 'last_attempt_at' | 'last_status' | 'last_response'>>> {
    return this.db
      .selectFrom('deliveries')
      .select(['state', 'last_attempt_at', 'last_status', 'last_response'])
      .where('channel_id', '=', channelId)
      .where('last_attempt_at', 'is not', null)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Gives up deliveries queued before `before` and still not done. */
  async expire(before: number, now: number): Promise<number> {
    const r = await this.db
      .updateTable('deliveries')
      .set({ state: 'expired', last_status: 'expired', updated_at: now })
      .where('state', '=', 'pending')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async getState(channelId: string, alertId: string): Promise<unknown> {
    const r = await this.db.selectFrom('channel_alert_state').select('state').where('channel_id', '=', channelId).where('alert_id', '=', alertId).executeTakeFirst();
    return r ? (JSON.parse(r.state) as unknown) : null;
  }

  /** The alert whose state on this channel names the ticket (the state is written with `ticket_id` first). */
  async alertOfTicket(channelId: string, ticketId: number): Promise<{ alert_id: string; state: unknown } | undefined> {
    const r = await this.db
      .selectFrom('channel_alert_state')
      .select(['alert_id', 'state'])
      .where('channel_id', '=', channelId)
      .where('state', 'like', `{"ticket_id":${Math.trunc(ticketId)},%`)
      .executeTakeFirst();
    return r ? { alert_id: r.alert_id, state: JSON.parse(r.state) as unknown } : undefined;
  }

  async putState(channelId: string, alertId: string, state: unknown, now: number): Promise<void> {
    const doc = JSON.stringify(state);
    await this.db
      .insertInto('channel_alert_state')
      .values({ channel_id: channelId, alert_id: alertId, state: doc, updated_at: now })
      .onConflict((oc) => oc.columns(['channel_id', 'alert_id']).doUpdateSet({ state: doc, updated_at: now }))
      .execute();
  }

  /**
   * Open alerts this channel was last told about at or before `before` (repeat notifications).
   * Driven from the open alerts (few) into their deliveries, never through the channel's whole log.
   */
  async repeatDue(channelId: string, before: number): Promise<Array<{ alert_id: string; last: number }>> {
    const rows = await this.db
      .selectFrom('alerts')
      .innerJoin('deliveries', (j) => j.onRef('deliveries.alert_id', '=', 'alerts.id').on('deliveries.channel_id', '=', channelId))
      .select(['alerts.id as alert_id', (eb) => eb.fn.max('deliveries.created_at').as('last')])
      .where('alerts.state', '=', 'open')
      .where('deliveries.topic', 'in', ['alert.raised', 'alert.escalated', 'alert.repeat'])
      .groupBy('alerts.id')
      .having((eb) => eb.fn.max('deliveries.created_at'), '<=', before)
      .execute();
    return rows.map((r) => ({ alert_id: r.alert_id, last: Number(r.last) }));
  }

  async mark(key: string): Promise<number | null> {
    const r = await this.db.selectFrom('notify_marks').select('at').where('key', '=', key).executeTakeFirst();
    return r ? Number(r.at) : null;
  }

  /** Sets a mark from `from` to `to`, once: false when another instance moved it first. */
  async moveMark(tx: Tx, key: string, from: number | null, to: number): Promise<boolean> {
    if (from === null) {
      const r = await tx.insertInto('notify_marks').values({ key, at: to }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const r = await tx.updateTable('notify_marks').set({ at: to }).where('key', '=', key).where('at', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
