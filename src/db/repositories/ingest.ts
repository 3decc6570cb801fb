// The statements on the path of every job: hand-written, compiled once per dialect, and
// multi-row, so a batch of 1,000 jobs is a handful of statements (see docs/PERFORMANCE.md).
// Both dialects support `INSERT … ON CONFLICT … RETURNING`.
import type { Kysely } from 'kysely';
import type { HistoryJob } from '../../domain/history.js';
import { randomKey } from '../../lib/ids.js';
import type { Dialect } from '../connection.js';
import { run, type Statement, statement } from '../raw.js';
import type { DB } from '../schema.js';

type Tx = Kysely<DB>;

/** A job as the engine reads it back (HistoryJob), and what is stored besides. */
export interface JobWrite extends HistoryJob {
  clientId: string;
  deviceId: string;
  externalId: string;
  rawStatus: string;
  trigger: string;
  log: string | null;
  raw: string;
  receivedAt: number;
  /** A reported time was ahead of the clock and replaced by the received time. */
  clockSkew: boolean;
}

export interface FactsWrite {
  storageUsedBytes: number | null;
  storageQuotaBytes: number | null;
  freeSpacePercent: number | null;
  purgeable: boolean | null;
}

export interface PingTarget {
  checkId: string;
  deviceId: string;
  clientId: string;
  kind: string;
}

const JOB_COLUMNS = [
  'id', 'client_id', 'device_id', 'check_id', 'source', 'external_id', 'status', 'raw_status', 'operation', 'trigger',
  'started_at', 'ended_at', 'occurred_at', 'duration_ms', 'bytes', 'message', 'error_code', 'reason',
  'health_replication', 'health_failover', 'log', 'raw', 'received_at', 'updated_at', 'clock_skew',
];
const JOBS_PER_STATEMENT = 250;
const QUEUE_PER_STATEMENT = 500;
const NONE: ReadonlySet<string> = new Set();
/** Checks per open-run lookup: SQLite allows 500 terms in a compound SELECT. */
const OPEN_RUNS_PER_STATEMENT = 100;

// A stale `running` report (an overlapping pull window) never rewinds a finished job.
const JOB_UPSERT_TAIL = `ON CONFLICT (source, external_id) DO UPDATE SET
  client_id = excluded.client_id, device_id = excluded.device_id, check_id = excluded.check_id,
  status = excluded.status, raw_status = excluded.raw_status, operation = excluded.operation,
  trigger = excluded.trigger,
  started_at = COALESCE(excluded.started_at, jobs.started_at),
  ended_at = excluded.ended_at,
  occurred_at = CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.ended_at
    ELSE COALESCE(excluded.started_at, jobs.started_at, jobs.received_at) END,
  duration_ms = COALESCE(excluded.duration_ms,
    CASE WHEN excluded.ended_at IS NOT NULL AND jobs.started_at IS NOT NULL
      THEN excluded.ended_at - jobs.started_at END),
  bytes = COALESCE(excluded.bytes, jobs.bytes),
  message = excluded.message, error_code = excluded.error_code, reason = excluded.reason,
  health_replication = COALESCE(excluded.health_replication, jobs.health_replication),
  health_failover = COALESCE(excluded.health_failover, jobs.health_failover),
  log = COALESCE(excluded.log, jobs.log),
  raw = excluded.raw, updated_at = excluded.updated_at, clock_skew = excluded.clock_skew
WHERE NOT (excluded.status = 'running' AND jobs.status <> 'running')
RETURNING id, source, external_id`;

function jobParams(j: JobWrite): unknown[] {
  return [
    j.id, j.clientId, j.deviceId, j.checkId, j.source, j.externalId, j.status, j.rawStatus, j.operation, j.trigger,
    j.startedAt, j.endedAt, j.occurredAt, j.durationMs, j.bytes, j.message, j.errorCode, j.reason,
    j.healthReplication, j.healthFailover, j.log, j.raw, j.receivedAt, j.receivedAt, j.clockSkew ? 1 : 0,
  ];
}

const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;

/** Splits key-ordered writes into statements of at most `max` rows, none holding the same key
 * twice (PostgreSQL refuses to update one row twice in a statement). */
function chunks<T extends { k: string }>(writes: T[], max: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const w of writes) {
    if (current.length === max || keys.has(w.k)) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(w);
    keys.add(w.k);
  }
  if (current.length > 0) out.push(current);
  return out;
}

export class IngestRepository {
  private readonly sql;
  private readonly jobStatements = new Map<number, Statement>();
  private readonly queueStatements = new Map<number, Statement>();
  private readonly openRunStatements = new Map<number, Statement>();

  constructor(private readonly dialect: Dialect) {
    const s = (text: string) => statement(dialect, text);
    this.sql = {
      // Find first, create only what is missing, and never update a row found: an upsert's
      // DO UPDATE would lock an existing client, device or check exclusively (it names a key
      // column), which blocks every other transaction's foreign-key check on it and, across
      // instances on PostgreSQL, deadlocks with them. DO NOTHING takes no lock on a row found.
      clientId: s('SELECT id FROM clients WHERE name_key = ?'),
      client: s(`INSERT INTO clients (id, name, name_key, inbound_key, ping_key, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING RETURNING id`),
      deviceId: s('SELECT id FROM devices WHERE client_id = ? AND name_key = ?'),
      device: s(`INSERT INTO devices (id, client_id, name, name_key, class, type, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, name_key) DO NOTHING RETURNING id`),
      checkId: s('SELECT id FROM checks WHERE device_id = ? AND name_key = ?'),
      check: s(`INSERT INTO checks (id, device_id, client_id, name, name_key, kind, tier, ping_key, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, name_key) DO NOTHING RETURNING id`),
      jobIdByKey: s('SELECT id FROM jobs WHERE source = ? AND external_id = ?'),
      facts: s(`UPDATE devices SET
          storage_used_bytes = COALESCE(?, storage_used_bytes),
          storage_quota_bytes = COALESCE(?, storage_quota_bytes),
          free_space_percent = COALESCE(?, free_space_percent),
          purgeable = COALESCE(?, purgeable),
          facts_updated_at = ?, updated_at = ?
        WHERE id = ?`),
      pingTarget: s('SELECT id AS "checkId", device_id AS "deviceId", client_id AS "clientId", kind FROM checks WHERE ping_key = ?'),
    };
  }

  private jobStatement(rows: number): Statement {
    let stmt = this.jobStatements.get(rows);
    if (!stmt) {
      const tuple = `(${JOB_COLUMNS.map(() => '?').join(', ')})`;
      const values = Array.from({ length: rows }, () => tuple).join(', ');
      stmt = statement(this.dialect, `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES ${values} ${JOB_UPSERT_TAIL}`);
      this.jobStatements.set(rows, stmt);
    }
    return stmt;
  }

  private queueStatement(rows: number): Statement {
    let stmt = this.queueStatements.get(rows);
    if (!stmt) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
      // queued_at stays: the entry waits since its oldest job nobody has evaluated yet; so does
      // urgent_at, since its oldest urgent one. urgent_seq moves on to the newest urgent enqueue
      // (an evaluation that claimed an older seq has not seen it).
      stmt = statement(
        this.dialect,
        `INSERT INTO eval_queue (device_id, seq, queued_at, urgent_seq, urgent_at) VALUES ${values}
         ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, urgent_seq = COALESCE(excluded.urgent_seq, eval_queue.urgent_seq),
           urgent_at = COALESCE(eval_queue.urgent_at, excluded.urgent_at)`,
      );
      this.queueStatements.set(rows, stmt);
    }
    return stmt;
  }

  /** The id of the row `find` answers, or of the one `create` inserts; if another transaction
   * inserts the same key meanwhile, `create` waits for it and answers nothing, and `find` sees it. */
  private async findOrCreate(tx: Tx, find: Statement, findParams: unknown[], create: Statement, createParams: unknown[]): Promise<string> {
    const found = await run<{ id: string }>(tx, find, findParams);
    if (found[0]) return found[0].id;
    const created = await run<{ id: string }>(tx, create, createParams);
    if (created[0]) return created[0].id;
    return (await run<{ id: string }>(tx, find, findParams))[0]!.id;
  }

  async ensureClient(tx: Tx, id: string, name: string, key: string, inboundKey: string, now: number): Promise<string> {
    return this.findOrCreate(tx, this.sql.clientId, [key], this.sql.client, [id, name, key, inboundKey, randomKey(), now, now]);
  }

  async clientIdByKey(tx: Tx, key: string): Promise<string | null> {
    const rows = await run<{ id: string }>(tx, this.sql.clientId, [key]);
    return rows[0]?.id ?? null;
  }

  async ensureDevice(
    tx: Tx,
    d: { id: string; clientId: string; name: string; key: string; class: string; type: string },
    now: number,
  ): Promise<string> {
    return this.findOrCreate(tx, this.sql.deviceId, [d.clientId, d.key], this.sql.device, [d.id, d.clientId, d.name, d.key, d.class, d.type, now, now]);
  }

  async ensureCheck(
    tx: Tx,
    c: { id: string; deviceId: string; clientId: string; name: string; key: string; kind: string; tier: string | null; pingKey: string },
    now: number,
  ): Promise<string> {
    const params = [c.id, c.deviceId, c.clientId, c.name, c.key, c.kind, c.tier, c.pingKey, now, now];
    return this.findOrCreate(tx, this.sql.checkId, [c.deviceId, c.key], this.sql.check, params);
  }

  /** Inserts or updates each job by (source, external_id); answers the stored ids, in order.
   * Rows are written in key order, so two transactions re-sending the same jobs lock them in
   * the same order and never deadlock; a key given twice keeps its last version. */
  async upsertJobs(tx: Tx, writes: JobWrite[]): Promise<string[]> {
    const sorted = writes.map((w, i) => ({ w, i, k: keyOf(w.source, w.externalId) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    const ids: string[] = new Array(writes.length);
    for (const chunk of chunks(sorted, JOBS_PER_STATEMENT)) {
      const params: unknown[] = [];
      for (const { w } of chunk) params.push(...jobParams(w));
      const rows = await run<{ id: string; source: string; external_id: string }>(tx, this.jobStatement(chunk.length), params);
      const stored = new Map(rows.map((r) => [keyOf(r.source, r.external_id), r.id]));
      for (const { w, i, k } of chunk) {
        // Absent from RETURNING: the update was refused (stale `running`); the stored job stands.
        ids[i] = stored.get(k) ?? (await this.jobIdByKey(tx, w.source, w.externalId));
      }
    }
    return ids;
  }

  private async jobIdByKey(tx: Tx, source: string, externalId: string): Promise<string> {
    const rows = await run<{ id: string }>(tx, this.sql.jobIdByKey, [source, externalId]);
    return rows[0]!.id;
  }

  async updateFacts(tx: Tx, deviceId: string, f: FactsWrite, now: number): Promise<void> {
    const purgeable = f.purgeable === null ? null : f.purgeable ? 1 : 0;
    await run(tx, this.sql.facts, [
      f.storageUsedBytes, f.storageQuotaBytes, f.freeSpacePercent, purgeable, now, now, deviceId,
    ]);
  }

  /** Puts devices on the evaluation queue; `seq` marks this enqueue (see eval_queue). Rows are
   * locked in device id order, as every writer of the queue does (see docs/deploy.md). `urgent`:
   * the devices (or all of them) to evaluate ahead of a deep queue (docs/engine.md, "The queue"). */
  async enqueue(tx: Tx, deviceIds: string[], seq: string, now: number, urgent: ReadonlySet<string> | 'all' = NONE): Promise<void> {
    const ordered = [...new Set(deviceIds)].sort();
    for (let i = 0; i < ordered.length; i += QUEUE_PER_STATEMENT) {
      const part = ordered.slice(i, i + QUEUE_PER_STATEMENT);
      const params: unknown[] = [];
      for (const id of part) {
        const isUrgent = urgent === 'all' || urgent.has(id);
        params.push(id, seq, now, isUrgent ? seq : null, isUrgent ? now : null);
      }
      await run(tx, this.queueStatement(part.length), params);
    }
  }

  async pingTarget(tx: Tx, pingKey: string): Promise<PingTarget | null> {
    const rows = await run<PingTarget>(tx, this.sql.pingTarget, [pingKey]);
    return rows[0] ?? null;
  }

  /**
   * The external id of the newest unfinished ping run of each check that started after `since`
   * (absent: none), in one statement for a whole batch of pings: the same one-check lookup, served
   * by the partial index jobs_open_ping_idx, once per check under UNION ALL. One statement per
   * ping was ~13 % of the ping path's CPU (docs/PERFORMANCE.md, "Engine off the request path").
   */
  async openPingRuns(tx: Tx, checkIds: string[], since: number): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < checkIds.length; i += OPEN_RUNS_PER_STATEMENT) {
      const part = checkIds.slice(i, i + OPEN_RUNS_PER_STATEMENT);
      const params: unknown[] = [];
      for (const id of part) params.push(id, since);
      for (const r of await run<{ k: number; externalId: string }>(tx, this.openRunsStatement(part.length), params)) found.set(part[Number(r.k)]!, r.externalId);
    }
    return found;
  }

  private openRunsStatement(checks: number): Statement {
    let stmt = this.openRunStatements.get(checks);
    if (!stmt) {
      // CAST(? AS TEXT), not a bare `?`: deciding whether the partial index applies, SQLite's
      // planner compares a bare parameter with the index's literals ('running', 'ping') and then
      // re-prepares the statement every time that parameter is bound again, i.e. on every
      // execution: ~9 µs a term, ~90 % of this statement's time. A cast is no bare parameter; the
      // plan (jobs_open_ping_idx, check_id = ? AND occurred_at > ?) and the rows are the same.
      // check_id is text on both databases.
      const one = (k: number) => `SELECT * FROM (SELECT ${k} AS k, external_id AS "externalId" FROM jobs
        WHERE check_id = CAST(? AS TEXT) AND status = 'running' AND source = 'ping' AND occurred_at >= ?
        ORDER BY occurred_at DESC LIMIT 1) AS r${k}`;
      stmt = statement(this.dialect, Array.from({ length: checks }, (_, k) => one(k)).join(' UNION ALL '));
      this.openRunStatements.set(checks, stmt);
    }
    return stmt;
  }
}
