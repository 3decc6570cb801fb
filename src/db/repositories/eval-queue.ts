// The evaluation queue (eval_queue: a row per device with jobs nobody has evaluated yet) and the
// devices' deadlines (devices.next_eval_at), as the evaluator claims them. Claims are leases: a
// dead instance's work is claimable again when the lease runs out. PostgreSQL adds SKIP LOCKED so
// instances never wait on each other's claims. The order the queue is worked in: docs/engine.md,
// "The queue".
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../connection.js';
import { run, skipLocked, statement } from '../raw.js';
import type { DB } from '../schema.js';

type Tx = Kysely<DB>;

/**
 * An urgent queue entry (a job that may raise an alert) is claimed as if it had waited this much
 * longer: ahead of anything a burst or a re-evaluation of every device queued in the last five
 * minutes, and no entry waits more than this behind urgent ones (docs/engine.md, "The queue").
 */
const URGENT_HEAD_START_MS = 300_000;
/**
 * A device whose jobs kept coming while it was evaluated is taken again by the background loop
 * this long after that evaluation began, with everything that came meanwhile, unless a job that
 * may raise an alert came (urgent): under a stream the evaluator then costs ingestion a bounded
 * share, and only successes wait (docs/engine.md, "The queue").
 */
export const BUSY_DEVICE_INTERVAL_MS = 2000;

/** The latest `queued_at` claimable under a hold; no hold: every entry, whatever the clock says. */
function queuedBy(now: number, holdMs: number): number {
  return holdMs > 0 ? now - holdMs : Number.MAX_SAFE_INTEGER;
}

/**
 * Claims the entries that waited longest, `extra` narrowing them: an urgent entry as if it had
 * waited five minutes longer *since it turned urgent* (urgent_at), not since it was first queued —
 * else, when most devices have failures, a device queued long ago with successes that turned urgent
 * a moment ago goes ahead of one whose failure came first, and a new failure waits a whole round.
 */
const claimQueued = (extra: string, lockClause: string) => `UPDATE eval_queue SET claimed_until = ? WHERE device_id IN (
    SELECT device_id FROM eval_queue WHERE (claimed_until IS NULL OR claimed_until < ?) ${extra}
    ORDER BY CASE WHEN urgent_seq IS NULL THEN queued_at ELSE COALESCE(urgent_at, queued_at) - ${URGENT_HEAD_START_MS} END LIMIT ? ${lockClause})
  RETURNING device_id, seq, queued_at`;
// Parameters in an INSERT … SELECT list have no type for PostgreSQL to infer: cast them.
const typedSeq = (seq: string) => sql<string>`cast(${seq} as text)`.as('seq');
const typedTime = (ms: number) => sql<number>`cast(${ms} as bigint)`.as('queued_at');

export class EvalQueueRepository {
  private readonly sql;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    const skipLockedRows = skipLocked(dialect);
    // Devices are only ever locked FOR NO KEY UPDATE: that keeps a row from changing under us
    // without blocking the foreign-key checks (FOR KEY SHARE) of jobs being inserted for it.
    const skipLockedDevices = dialect === 'postgres' ? 'FOR NO KEY UPDATE SKIP LOCKED' : '';
    const s = (text: string) => statement(dialect, text);
    this.sql = {
      claimQueued: s(claimQueued('', skipLockedRows)),
      claimQueuedPaced: s(claimQueued('AND (urgent_seq IS NOT NULL OR ((not_before IS NULL OR not_before <= ?) AND queued_at <= ?))', skipLockedRows)),
      heldBack: s('SELECT 1 AS held FROM eval_queue WHERE urgent_seq IS NULL AND (not_before > ? OR queued_at > ?) LIMIT 1'),
      // How many entries wait to be claimed, counted up to a limit: a bounded scan of the queue.
      depth: s('SELECT count(*) AS n FROM (SELECT 1 AS one FROM eval_queue WHERE claimed_until IS NULL OR claimed_until < ? LIMIT ?) waiting'),
      // A device whose queue entry is being evaluated now gets its deadline from that evaluation;
      // one merely waiting in the queue does not wait there past its deadline.
      claimDue: s(`UPDATE devices SET eval_claimed_until = ? WHERE id IN (
          SELECT id FROM devices WHERE next_eval_at <= ? AND (eval_claimed_until IS NULL OR eval_claimed_until < ?)
            AND NOT EXISTS (SELECT 1 FROM eval_queue q WHERE q.device_id = devices.id AND q.claimed_until >= ?)
          ORDER BY next_eval_at LIMIT ? ${skipLockedDevices})
        RETURNING id, next_eval_at`),
      nextDeadlines: s('SELECT next_eval_at AS t, eval_claimed_until AS claimed FROM devices WHERE next_eval_at IS NOT NULL ORDER BY next_eval_at LIMIT 20'),
      finishQueued: s('DELETE FROM eval_queue WHERE device_id = ? AND seq = ?'),
      // Jobs came while the entry was evaluated: it waits again from the evaluation's start (its
      // oldest job not yet evaluated came later), behind those that waited longer; urgency the
      // evaluation has seen (an older or the claimed seq) is spent, and urgency it has not seen
      // began after its start too.
      requeue: s(`UPDATE eval_queue SET claimed_until = NULL, not_before = ?,
          queued_at = CASE WHEN queued_at < ? THEN ? ELSE queued_at END,
          urgent_seq = CASE WHEN urgent_seq <= ? THEN NULL ELSE urgent_seq END,
          urgent_at = CASE WHEN urgent_seq IS NULL OR urgent_seq <= ? THEN NULL WHEN urgent_at < ? THEN ? ELSE urgent_at END
        WHERE device_id = ?`),
    };
  }

  /**
   * `paced` (the background loop): leaves entries queued again while busy until their
   * `not_before`, and entries without an urgent job queued less than `holdMs` ago (the evaluator
   * holds successes back while it has a backlog, engine/evaluator.ts).
   */
  async claimQueued(now: number, leaseMs: number, limit: number, paced = false, holdMs = 0): Promise<Array<{ device_id: string; seq: string; queued_at: number }>> {
    return paced
      ? run(this.db, this.sql.claimQueuedPaced, [now + leaseMs, now, now, queuedBy(now, holdMs), limit])
      : run(this.db, this.sql.claimQueued, [now + leaseMs, now, limit]);
  }

  /** Whether entries wait for their `not_before` or the hold of `claimQueued` (and nothing else was claimable). */
  async queueHeldBack(now: number, holdMs = 0): Promise<boolean> {
    return (await run(this.db, this.sql.heldBack, [now, queuedBy(now, holdMs)])).length > 0;
  }

  /** Entries not claimed now, counted up to `limit`. */
  async queueDepth(now: number, limit: number): Promise<number> {
    const rows = await run<{ n: number | string }>(this.db, this.sql.depth, [now, limit]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Devices whose deadline passed, with that deadline. */
  async claimDue(now: number, leaseMs: number, limit: number): Promise<Array<{ id: string; next_eval_at: number }>> {
    return run<{ id: string; next_eval_at: number }>(this.db, this.sql.claimDue, [now + leaseMs, now, now, now, limit]);
  }

  /** Removes the queue entry if nothing was enqueued since the claim; otherwise queues it again
   * as of `evaluatedAt`, the time the evaluation took as now (before it read anything). */
  async finishQueued(tx: Tx, deviceId: string, seq: string, evaluatedAt: number): Promise<void> {
    const r = await tx.executeQuery(this.sql.finishQueued([deviceId, seq]));
    if (Number(r.numAffectedRows ?? 0) === 0) {
      await tx.executeQuery(this.sql.requeue([evaluatedAt + BUSY_DEVICE_INTERVAL_MS, evaluatedAt, evaluatedAt, seq, seq, evaluatedAt, evaluatedAt, deviceId]));
    }
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
}
