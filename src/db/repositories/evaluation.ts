// What the evaluator reads and writes: claims on the evaluation queue and on due deadlines, the
// snapshot of a device, and its summary columns. Claims are leases: a dead instance's work is
// claimable again when the lease runs out. PostgreSQL adds SKIP LOCKED so instances never wait
// on each other's claims.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../connection.js';
import { run, skipLocked, statement } from '../raw.js';
import type { CheckRow, DB, DeviceRow, JobRow, MaintenanceWindowRow } from '../schema.js';

type Tx = Kysely<DB>;

export type HistoryRow = Pick<
  JobRow,
  | 'id'
  | 'check_id'
  | 'source'
  | 'status'
  | 'operation'
  | 'reason'
  | 'started_at'
  | 'ended_at'
  | 'occurred_at'
  | 'duration_ms'
  | 'bytes'
  | 'message'
  | 'error_code'
  | 'health_replication'
  | 'health_failover'
>;

const HISTORY_COLUMNS = [
  'id', 'check_id', 'source', 'status', 'operation', 'reason', 'started_at', 'ended_at', 'occurred_at', 'duration_ms',
  'bytes', 'message', 'error_code', 'health_replication', 'health_failover',
] as const;

// Parameters in an INSERT … SELECT list have no type for PostgreSQL to infer: cast them.
const typedSeq = (seq: string) => sql<string>`cast(${seq} as text)`.as('seq');
const typedTime = (ms: number) => sql<number>`cast(${ms} as bigint)`.as('queued_at');

/** The last good run of a check before a time, through the device index. */
export async function lastGoodOfCheck(
  db: Kysely<DB>,
  deviceId: string,
  checkId: string,
  before: number,
): Promise<{ endedAt: number; startedAt: number } | null> {
  const r = await db
    .selectFrom('jobs')
    .select(['ended_at', 'started_at', 'occurred_at'])
    .where('device_id', '=', deviceId)
    .where('occurred_at', '<', before)
    .where('check_id', '=', checkId)
    .where('status', 'in', ['succeeded', 'warning'])
    .orderBy('occurred_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? { endedAt: r.ended_at ?? r.occurred_at, startedAt: r.started_at ?? r.occurred_at } : null;
}

export class EvaluationRepository {
  private readonly sql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    const pg = dialect === 'postgres';
    const skipLockedRows = skipLocked(dialect);
    // Devices are only ever locked FOR NO KEY UPDATE: that keeps a row from changing under us
    // without blocking the foreign-key checks (FOR KEY SHARE) of jobs being inserted for it.
    const skipLockedDevices = pg ? 'FOR NO KEY UPDATE SKIP LOCKED' : '';
    const s = (text: string) => statement(dialect, text);
    this.sql = {
      claimQueued: s(`UPDATE eval_queue SET claimed_until = ? WHERE device_id IN (
          SELECT device_id FROM eval_queue WHERE claimed_until IS NULL OR claimed_until < ?
          ORDER BY queued_at LIMIT ? ${skipLockedRows})
        RETURNING device_id, seq, queued_at`),
      // A device whose queue entry is being evaluated now gets its deadline from that evaluation;
      // one merely waiting in the queue does not wait there past its deadline.
      claimDue: s(`UPDATE devices SET eval_claimed_until = ? WHERE id IN (
          SELECT id FROM devices WHERE next_eval_at <= ? AND (eval_claimed_until IS NULL OR eval_claimed_until < ?)
            AND NOT EXISTS (SELECT 1 FROM eval_queue q WHERE q.device_id = devices.id AND q.claimed_until >= ?)
          ORDER BY next_eval_at LIMIT ? ${skipLockedDevices})
        RETURNING id, next_eval_at`),
      nextDeadlines: s('SELECT next_eval_at AS t, eval_claimed_until AS claimed FROM devices WHERE next_eval_at IS NOT NULL ORDER BY next_eval_at LIMIT 20'),
      finishQueued: s('DELETE FROM eval_queue WHERE device_id = ? AND seq = ?'),
      releaseQueued: s('UPDATE eval_queue SET claimed_until = NULL WHERE device_id = ?'),
      lock: s(`SELECT * FROM devices WHERE id = ? ${pg ? 'FOR NO KEY UPDATE' : ''}`),
      // The reads of every evaluation, compiled once (a full pass runs them 100,000 times).
      checksOf: s('SELECT * FROM checks WHERE device_id = ? ORDER BY name_key'),
      history: s(`SELECT ${HISTORY_COLUMNS.join(', ')} FROM jobs WHERE device_id = ? AND occurred_at >= ?
        ORDER BY occurred_at DESC, id DESC LIMIT ?`),
      windows: s('SELECT * FROM maintenance_windows WHERE client_id = ? AND (ends_at IS NULL OR ends_at > ?)'),
      destructiveAcked: s(`SELECT MAX(covers_until) AS t FROM alerts
        WHERE device_id = ? AND type = 'destructive_operation' AND state = 'resolved'`),
      clientName: s('SELECT name FROM clients WHERE id = ?'),
      olderOfCheck: s(`SELECT ${HISTORY_COLUMNS.join(', ')} FROM jobs WHERE device_id = ? AND occurred_at < ? AND check_id = ?
        ORDER BY occurred_at DESC LIMIT ?`),
      // Served by the partial index jobs_destructive_idx.
      destructive: s(`SELECT ${HISTORY_COLUMNS.join(', ')} FROM jobs
        WHERE device_id = ? AND operation IN ('delete_backup_data', 'stop_protection_delete') ORDER BY occurred_at`),
    };
  }

  async claimQueued(now: number, leaseMs: number, limit: number): Promise<Array<{ device_id: string; seq: string; queued_at: number }>> {
    return run(this.db, this.sql.claimQueued, [now + leaseMs, now, limit]);
  }

  /** Devices whose deadline passed, with that deadline. */
  async claimDue(now: number, leaseMs: number, limit: number): Promise<Array<{ id: string; next_eval_at: number }>> {
    return run<{ id: string; next_eval_at: number }>(this.db, this.sql.claimDue, [now + leaseMs, now, now, now, limit]);
  }

  /** Removes the queue entry if nothing was enqueued since the claim; otherwise frees it for another pass. */
  async finishQueued(tx: Tx, deviceId: string, seq: string): Promise<void> {
    const r = await tx.executeQuery(this.sql.finishQueued([deviceId, seq]));
    if (Number(r.numAffectedRows ?? 0) === 0) await tx.executeQuery(this.sql.releaseQueued([deviceId]));
  }

  /** The queue entries of these devices that nobody is evaluating now: device id → seq. */
  async unclaimedSeqs(tx: Tx, deviceIds: string[], now: number): Promise<Map<string, string>> {
    if (deviceIds.length === 0) return new Map();
    const rows = await tx
      .selectFrom('eval_queue')
      .select(['device_id', 'seq'])
      .where('device_id', 'in', deviceIds)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .execute();
    return new Map(rows.map((r) => [r.device_id, r.seq]));
  }

  /**
   * Removes a queue entry a deadline evaluation has made redundant: only if no job came since its
   * seq was read (before the evaluation read the history) and nobody has claimed it meanwhile.
   */
  async dropQueuedIfUnchanged(tx: Tx, deviceId: string, seq: string, now: number): Promise<void> {
    await tx
      .deleteFrom('eval_queue')
      .where('device_id', '=', deviceId)
      .where('seq', '=', seq)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .execute();
  }

  async releaseQueued(deviceId: string): Promise<void> {
    await this.db.executeQuery(this.sql.releaseQueued([deviceId]));
  }

  /** Queues every device, or a client's. */
  async enqueueAll(now: number, seq: string, clientId: string | null = null): Promise<void> {
    await this.db
      .insertInto('eval_queue')
      .columns(['device_id', 'seq', 'queued_at'])
      .expression((eb) => {
        // In device id order, like every writer of the queue (lock order, see ingest).
        const q = eb.selectFrom('devices').select(['id', typedSeq(seq), typedTime(now)]).orderBy('id');
        // A WHERE is required: SQLite cannot otherwise tell ON CONFLICT from a join constraint.
        return clientId === null ? q.where(sql<boolean>`1 = 1`) : q.where('client_id', '=', clientId);
      })
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ seq }))
      .execute();
  }

  async enqueueSource(source: string, now: number, seq: string): Promise<void> {
    await this.db
      .insertInto('eval_queue')
      .columns(['device_id', 'seq', 'queued_at'])
      .expression((eb) =>
        eb
          .selectFrom('checks')
          .where('last_source', '=', source)
          .select(['device_id', typedSeq(seq), typedTime(now)])
          .distinct()
          .orderBy('device_id'),
      )
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ seq }))
      .execute();
  }

  async queueLength(): Promise<number> {
    const r = await this.db.selectFrom('eval_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** The earliest deadline nobody has claimed, for the worker to sleep until (claimed ones are
   * another evaluator's; looking at them again at once would only spin). Null: none near. */
  async nextDeadline(now: number): Promise<number | null> {
    const rows = await run<{ t: number; claimed: number | null }>(this.db, this.sql.nextDeadlines, []);
    const free = rows.find((r) => r.claimed === null || Number(r.claimed) < now);
    return free ? Number(free.t) : null;
  }

  // ---- snapshot ---------------------------------------------------------------------------

  /** The device row, locked for this transaction on PostgreSQL (evaluations of one device serialise). */
  async lockDevice(tx: Tx, id: string): Promise<DeviceRow | undefined> {
    return (await run<DeviceRow>(tx, this.sql.lock, [id]))[0];
  }

  async clientName(tx: Tx, id: string): Promise<string> {
    return (await run<{ name: string }>(tx, this.sql.clientName, [id]))[0]?.name ?? '';
  }

  async checksOf(tx: Tx, deviceId: string): Promise<CheckRow[]> {
    return run<CheckRow>(tx, this.sql.checksOf, [deviceId]);
  }

  /** The device's history since a time, oldest first, at most `limit` (the newest ones). */
  async historySince(tx: Tx, deviceId: string, since: number, limit: number): Promise<HistoryRow[]> {
    return (await run<HistoryRow>(tx, this.sql.history, [deviceId, since, limit])).reverse();
  }

  /** A check's jobs before a time, oldest first, the newest `limit` of them. */
  async olderOfCheck(tx: Tx, deviceId: string, checkId: string, before: number, limit: number): Promise<HistoryRow[]> {
    return (await run<HistoryRow>(tx, this.sql.olderOfCheck, [deviceId, before, checkId, limit])).reverse();
  }

  async destructiveOf(tx: Tx, deviceId: string): Promise<HistoryRow[]> {
    return run<HistoryRow>(tx, this.sql.destructive, [deviceId]);
  }

  async lastGoodBefore(tx: Tx, deviceId: string, checkId: string, before: number): Promise<{ endedAt: number; startedAt: number } | null> {
    return lastGoodOfCheck(tx, deviceId, checkId, before);
  }

  async lastJobBefore(tx: Tx, deviceId: string, before: number): Promise<number | null> {
    const r = await tx
      .selectFrom('jobs')
      .select('occurred_at')
      .where('device_id', '=', deviceId)
      .where('occurred_at', '<', before)
      .orderBy('occurred_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? r.occurred_at : null;
  }

  async windowsOfClient(tx: Tx, clientId: string, endedAfter: number): Promise<MaintenanceWindowRow[]> {
    return run<MaintenanceWindowRow>(tx, this.sql.windows, [clientId, endedAfter]);
  }

  async destructiveAckedThrough(tx: Tx, deviceId: string): Promise<number | null> {
    const r = (await run<{ t: number | null }>(tx, this.sql.destructiveAcked, [deviceId]))[0];
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  // ---- results ----------------------------------------------------------------------------

  async updateCheck(tx: Tx, id: string, cols: Partial<CheckRow>): Promise<void> {
    await tx.updateTable('checks').set(cols).where('id', '=', id).execute();
  }

  async updateDevice(tx: Tx, id: string, cols: Partial<DeviceRow>): Promise<void> {
    await tx.updateTable('devices').set(cols).where('id', '=', id).execute();
  }

  /** Device ids in id order, a page at a time (full passes). */
  async deviceIds(after: string | null, limit: number): Promise<string[]> {
    let q = this.db.selectFrom('devices').select('id').orderBy('id').limit(limit);
    if (after !== null) q = q.where('id', '>', after);
    return (await q.execute()).map((r) => r.id);
  }
}
