// What the evaluator reads and writes: the snapshot of a batch of devices, and their summary
// columns; its claims on the queue and on due deadlines are in eval-queue.ts (`queue`).
import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { run, type Statement, statement } from '../raw.js';
import { EvalQueueRepository } from './eval-queue.js';
import type { AlertRow, CheckRow, DB, DeviceRow, JobRow, MaintenanceWindowRow } from '../schema.js';

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

/**
 * An id parameter of a statement on `jobs`. Not a bare `?`: deciding whether one of jobs' partial
 * indexes applies, SQLite's planner compares a bare parameter with the index's literals and from
 * then on re-prepares the statement every time that parameter is bound, i.e. on every execution
 * (~9 µs a subquery; the open-run lookup in ingest.ts measured 690 → 77 µs a batch). A cast is no
 * bare parameter; the plan and the rows are the same (ids are text on both databases).
 */
const ID = 'CAST(? AS TEXT)';

/** Values per IN list: far under SQLite's 32,766 parameters and PostgreSQL's 65,535. */
const IN_CHUNK = 500;
/** Subqueries per UNION ALL: SQLite allows 500 terms in a compound SELECT (SQLITE_MAX_COMPOUND_SELECT). */
const UNION_CHUNK = 100;

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}


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
  private readonly pg: boolean;
  /** The batch reads' statements by kind and size (see `many`, `perRequest`). */
  private readonly compiled = new Map<string, Statement>();
  /** Claims on the evaluation queue and on due deadlines (eval-queue.ts). */
  readonly queue: EvalQueueRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {
    this.pg = dialect === 'postgres';
    this.queue = new EvalQueueRepository(db, dialect);
  }

  // ---- snapshots, a batch of devices at a time ---------------------------------------------
  // Each read below answers for every device of an evaluation batch in one statement (chunked),
  // instead of one statement per device: a batch of 20 devices costs a dozen reads, not 200
  // (docs/PERFORMANCE.md, "Engine off the request path"). Reads that need their own ORDER BY …
  // LIMIT per device or check are the same per-device subquery repeated under UNION ALL, so each
  // is still one bounded index range scan; `k` says which request a row answers.

  /** The device rows, in id order, locked for this transaction on PostgreSQL (evaluations of one
   * device serialise; locks are taken in id order, the order every writer uses). */
  async lockDevices(tx: Tx, ids: string[]): Promise<DeviceRow[]> {
    return this.inChunks(tx, ids, (n) => this.many('lock', n, (list) => `SELECT * FROM devices WHERE id IN (${list}) ORDER BY id ${this.pg ? 'FOR NO KEY UPDATE' : ''}`));
  }

  /** The device rows, in id order, without a lock: an evaluation thread's read (engine/eval-threads.ts). */
  async readDevices(tx: Tx, ids: string[]): Promise<DeviceRow[]> {
    return this.inChunks(tx, ids, (n) => this.many('devices', n, (list) => `SELECT * FROM devices WHERE id IN (${list}) ORDER BY id`));
  }

  /** Every check of these devices, by device and name. */
  async checksOfDevices(tx: Tx, deviceIds: string[]): Promise<Map<string, CheckRow[]>> {
    const rows = await this.inChunks<CheckRow>(tx, deviceIds, (n) => this.many('checks', n, (list) => `SELECT * FROM checks WHERE device_id IN (${list}) ORDER BY device_id, name_key`));
    return groupBy(rows, (r) => r.device_id);
  }

  /** Each request's device history since its time, oldest first, at most `limit` (the newest ones). */
  async historiesSince(tx: Tx, reqs: Array<{ deviceId: string; since: number }>, limit: number): Promise<HistoryRow[][]> {
    return this.perRequest(
      tx,
      reqs.map((r) => [r.deviceId, r.since, limit]),
      'history',
      `SELECT ${HISTORY_COLUMNS.join(', ')} FROM jobs WHERE device_id = ${ID} AND occurred_at >= ? ORDER BY occurred_at DESC, id DESC LIMIT ?`,
      'occurred_at, id',
    );
  }

  /** Each request's jobs of one check before a time, oldest first, the newest `limit` of them. */
  async olderOfChecks(tx: Tx, reqs: Array<{ deviceId: string; checkId: string; before: number }>, limit: number): Promise<HistoryRow[][]> {
    return this.perRequest(
      tx,
      reqs.map((r) => [r.deviceId, r.before, r.checkId, limit]),
      'older',
      `SELECT ${HISTORY_COLUMNS.join(', ')} FROM jobs WHERE device_id = ${ID} AND occurred_at < ? AND check_id = ${ID} ORDER BY occurred_at DESC LIMIT ?`,
      'occurred_at, id',
    );
  }

  /** Each request's last good run of a check before a time (null: none). */
  async lastGoodBeforeMany(tx: Tx, reqs: Array<{ deviceId: string; checkId: string; before: number }>): Promise<Array<{ endedAt: number; startedAt: number } | null>> {
    const rows = await this.perRequest<{ ended_at: number | null; started_at: number | null; occurred_at: number }>(
      tx,
      reqs.map((r) => [r.deviceId, r.before, r.checkId]),
      'lastGood',
      `SELECT ended_at, started_at, occurred_at FROM jobs WHERE device_id = ${ID} AND occurred_at < ? AND check_id = ${ID}
        AND status IN ('succeeded', 'warning') ORDER BY occurred_at DESC LIMIT 1`,
      null,
    );
    return rows.map(([r]) => (r ? { endedAt: r.ended_at ?? r.occurred_at, startedAt: r.started_at ?? r.occurred_at } : null));
  }

  /** Each request's last job before a time (null: none). */
  async lastJobBeforeMany(tx: Tx, reqs: Array<{ deviceId: string; before: number }>): Promise<Array<number | null>> {
    const rows = await this.perRequest<{ occurred_at: number }>(
      tx,
      reqs.map((r) => [r.deviceId, r.before]),
      'lastJob',
      `SELECT occurred_at FROM jobs WHERE device_id = ${ID} AND occurred_at < ? ORDER BY occurred_at DESC LIMIT 1`,
      null,
    );
    return rows.map(([r]) => (r ? Number(r.occurred_at) : null));
  }

  /** The destructive operations of these devices, oldest first (served by the partial index jobs_destructive_idx). */
  async destructiveOfDevices(tx: Tx, deviceIds: string[]): Promise<Map<string, HistoryRow[]>> {
    const rows = await this.inChunks<HistoryRow & { device_id: string }>(tx, deviceIds, (n) =>
      this.many('destructive', n, (list) => `SELECT device_id, ${HISTORY_COLUMNS.join(', ')} FROM jobs
        WHERE device_id IN (${list}) AND operation IN ('delete_backup_data', 'stop_protection_delete') ORDER BY device_id, occurred_at, id`),
    );
    return groupBy(rows, (r) => r.device_id);
  }

  /** Through when each device's destructive operations were acknowledged (absent: never). */
  async destructiveAckedMany(tx: Tx, deviceIds: string[]): Promise<Map<string, number>> {
    const rows = await this.inChunks<{ device_id: string; t: number | null }>(tx, deviceIds, (n) =>
      this.many('acked', n, (list) => `SELECT device_id, MAX(covers_until) AS t FROM alerts
        WHERE device_id IN (${list}) AND type = 'destructive_operation' AND state = 'resolved' GROUP BY device_id`),
    );
    return new Map(rows.filter((r) => r.t !== null).map((r) => [r.device_id, Number(r.t)]));
  }

  /** The open (active) alerts of these devices. */
  async activeAlertsOf(tx: Tx, deviceIds: string[]): Promise<Map<string, AlertRow[]>> {
    const rows = await this.inChunks<AlertRow>(tx, deviceIds, (n) => this.many('active', n, (list) => `SELECT * FROM alerts WHERE device_id IN (${list}) AND active = 1`));
    return groupBy(rows, (r) => r.device_id!);
  }

  /** Maintenance windows of these clients that had not ended by `endedAfter`. */
  async windowsOfClients(tx: Tx, clientIds: string[], endedAfter: number): Promise<Map<string, MaintenanceWindowRow[]>> {
    const rows = await this.inChunks<MaintenanceWindowRow>(
      tx,
      clientIds,
      (n) => this.many('windows', n, (list) => `SELECT * FROM maintenance_windows WHERE client_id IN (${list}) AND (ends_at IS NULL OR ends_at > ?)`),
      [endedAfter],
    );
    return groupBy(rows, (r) => r.client_id);
  }

  async clientNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
    const rows = await this.inChunks<{ id: string; name: string }>(tx, ids, (n) => this.many('names', n, (list) => `SELECT id, name FROM clients WHERE id IN (${list})`));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** A statement for `n` values, compiled once per kind and size. */
  private many(kind: string, n: number, text: (list: string) => string): Statement {
    const key = `${kind}:${n}`;
    let s = this.compiled.get(key);
    if (s === undefined) {
      s = statement(this.dialect, text(Array(n).fill('?').join(', ')));
      this.compiled.set(key, s);
    }
    return s;
  }

  /** Runs an IN-list statement over `values` in chunks (parameter limits); `extra` parameters follow the list. */
  private async inChunks<R>(tx: Tx, values: string[], stmt: (n: number) => Statement, extra: unknown[] = []): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      const part = values.slice(i, i + IN_CHUNK);
      out.push(...(await run<R>(tx, stmt(part.length), [...part, ...extra])));
    }
    return out;
  }

  /**
   * One `sub` query per request (its parameters in `params`), joined by UNION ALL in chunks:
   * answers each request's rows, in `order` (ascending) when given. The per-request subquery keeps
   * its own ORDER BY … LIMIT, so it picks exactly the rows the one-device statement picked.
   */
  private async perRequest<R>(tx: Tx, params: unknown[][], kind: string, sub: string, order: string | null): Promise<R[][]> {
    const out: R[][] = params.map(() => []);
    for (let i = 0; i < params.length; i += UNION_CHUNK) {
      const part = params.slice(i, i + UNION_CHUNK);
      const key = `${kind}:${part.length}`;
      let s = this.compiled.get(key);
      if (s === undefined) {
        const terms = part.map((_, k) => `SELECT * FROM (SELECT ${k} AS k, ${sub.replace(/^SELECT /, '')}) AS t${k}`);
        s = statement(this.dialect, `${terms.join(' UNION ALL ')}${order === null ? '' : ` ORDER BY k, ${order}`}`);
        this.compiled.set(key, s);
      }
      // The row keeps its `k`: callers read only the columns they know.
      for (const r of await run<R & { k: number }>(tx, s, part.flat())) out[i + Number(r.k)]!.push(r);
    }
    return out;
  }

  // ---- results ----------------------------------------------------------------------------

  async updateCheck(tx: Tx, id: string, cols: Partial<CheckRow>): Promise<void> {
    await this.updateRow(tx, 'checks', id, cols);
  }

  async updateDevice(tx: Tx, id: string, cols: Partial<DeviceRow>): Promise<void> {
    await this.updateRow(tx, 'devices', id, cols);
  }

  /** One row's changed columns, through a statement compiled once per table and set of columns:
   * a full pass writes every device, and building each UPDATE with Kysely cost more than running it. */
  private async updateRow(tx: Tx, table: 'checks' | 'devices', id: string, cols: Record<string, unknown>): Promise<void> {
    const names = Object.keys(cols);
    if (names.length === 0) return;
    const key = `update:${table}:${names.join(',')}`;
    let s = this.compiled.get(key);
    if (s === undefined) {
      // Column names come from our own code (DeviceRow/CheckRow keys), never from a request.
      for (const n of names) if (!/^[a-z_]+$/.test(n)) throw new Error(`not a column: ${n}`);
      s = statement(this.dialect, `UPDATE ${table} SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`);
      this.compiled.set(key, s);
    }
    await run(tx, s, [...names.map((n) => cols[n]), id]);
  }

  /** Device ids in id order, a page at a time (full passes). */
  async deviceIds(after: string | null, limit: number): Promise<string[]> {
    let q = this.db.selectFrom('devices').select('id').orderBy('id').limit(limit);
    if (after !== null) q = q.where('id', '>', after);
    return (await q.execute()).map((r) => r.id);
  }
}
