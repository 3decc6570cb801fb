// Reviews of runs (docs/review.md): the rows themselves, the queue of failed and warning runs no
// one has reviewed yet, and the runs with their reviews for statistics and the evidence report.
import { type Kysely, sql } from 'kysely';
import { REVIEW_STATUSES, type ReviewedRun } from '../../domain/review.js';
import { nextTurn } from '../../lib/turn.js';
import type { DB, JobReviewRow, JobRow } from '../schema.js';
import type { Tx } from '../transaction.js';

const CHUNK = 500;
/** Rows a page of `reviewTimes` reads before the event loop gets a turn (~40 ms on the big estate, SQLite). */
const REVIEW_TIMES_PAGE = 5000;
/** Runs with their names a page of `runs` reads before the event loop gets a turn. */
const RUNS_PAGE = 1000;

/** A failed or warning run as figures over a period need it: the review rules' run and its client. */
export type RunReviewTime = ReviewedRun & { client_id: string };

/** A run as the queue and the report list it: the job (without log and payload) with its names. */
export type ReviewRun = Omit<JobRow, 'raw' | 'log'> & {
  check_name: string | null;
  device_name: string;
  client_name: string;
  review: JobReviewRow | null;
};

export interface RunFilter {
  /** null: every client. */
  clientIds: readonly string[] | null;
  client?: string;
  from: number;
  /** Exclusive; none: up to now and beyond. */
  to?: number;
}

const JOB_COLUMNS = [
  'jobs.id', 'jobs.client_id', 'jobs.device_id', 'jobs.check_id', 'jobs.source', 'jobs.external_id', 'jobs.status', 'jobs.raw_status',
  'jobs.operation', 'jobs.trigger', 'jobs.started_at', 'jobs.ended_at', 'jobs.occurred_at', 'jobs.duration_ms', 'jobs.bytes', 'jobs.message',
  'jobs.error_code', 'jobs.reason', 'jobs.health_replication', 'jobs.health_failover', 'jobs.received_at', 'jobs.updated_at', 'jobs.clock_skew',
] as const;

const REVIEW_COLUMNS = [
  'job_reviews.job_id as review_job_id',
  'job_reviews.by_kind as review_by_kind',
  'job_reviews.by_id as review_by_id',
  'job_reviews.by_name as review_by_name',
  'job_reviews.at as review_at',
  'job_reviews.note as review_note',
  'job_reviews.ticket as review_ticket',
] as const;

type Joined = Record<string, unknown> & { review_job_id: string | null };

function toRun(r: Joined): ReviewRun {
  const { review_job_id, review_by_kind, review_by_id, review_by_name, review_at, review_note, review_ticket, ...job } = r;
  const review =
    review_job_id === null
      ? null
      : { job_id: review_job_id, by_kind: review_by_kind as string, by_id: review_by_id as string, by_name: review_by_name as string, at: Number(review_at), note: review_note as string | null, ticket: review_ticket as string | null };
  return { ...(job as Omit<ReviewRun, 'review'>), review };
}

const STATUS_PREDICATE = sql<boolean>`jobs.status IN (${sql.raw(REVIEW_STATUSES.map((x) => `'${x}'`).join(', '))})`;

/**
 * Failed and warning runs in the filter's period with their reviews: what jobs_review_idx holds
 * (occurred_at, client_id, id, status), so counting reads the index alone (migration 0026).
 */
export function reviewable(db: Kysely<DB>, f: RunFilter) {
  let q = db
    .selectFrom('jobs')
    .leftJoin('job_reviews', 'job_reviews.job_id', 'jobs.id')
    // Written out, not bound: SQLite uses the partial index jobs_review_idx only for its own literal predicate.
    .where(STATUS_PREDICATE)
    .where('jobs.occurred_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('jobs.occurred_at', '<', f.to);
  if (f.clientIds !== null) q = q.where('jobs.client_id', 'in', f.clientIds.length ? [...f.clientIds] : ['']);
  if (f.client) q = q.where('jobs.client_id', '=', f.client);
  return q;
}

/** The same runs joined to their names, for listing them. */
function runsQuery(db: Kysely<DB>, f: RunFilter) {
  return reviewable(db, f)
    .innerJoin('devices', 'devices.id', 'jobs.device_id')
    .innerJoin('clients', 'clients.id', 'jobs.client_id')
    .leftJoin('checks', 'checks.id', 'jobs.check_id');
}

/** The runs with their names and reviews, oldest first (in jobs_review_idx's order, for the keyset). */
function named(q: ReturnType<typeof runsQuery>) {
  return q
    .select([...JOB_COLUMNS, 'checks.name as check_name', 'devices.name as device_name', 'clients.name as client_name', ...REVIEW_COLUMNS])
    .orderBy('jobs.occurred_at')
    .orderBy('jobs.client_id')
    .orderBy('jobs.id');
}

/** Where a page read in jobs_review_idx's order (occurred_at, client_id, id) goes on from. */
type Keyset = { at: number; client: string; id: string };
const keysetOf = (r: { occurred_at: unknown; client_id: string; id: string }): Keyset => ({ at: Number(r.occurred_at), client: r.client_id, id: r.id });
const afterKeyset = (k: Keyset) => sql<boolean>`(jobs.occurred_at, jobs.client_id, jobs.id) > (${k.at}, ${k.client}, ${k.id})`;

export class ReviewRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async byJob(jobId: string, tx: Tx = this.db): Promise<JobReviewRow | undefined> {
    return tx.selectFrom('job_reviews').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  }

  async forJobs(jobIds: readonly string[]): Promise<Map<string, JobReviewRow>> {
    const out = new Map<string, JobReviewRow>();
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const rows = await this.db.selectFrom('job_reviews').selectAll().where('job_id', 'in', jobIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.job_id, { ...r, at: Number(r.at) });
    }
    return out;
  }

  /** Writes the review of a job, replacing an earlier one. */
  async put(tx: Tx, row: JobReviewRow): Promise<void> {
    const { job_id, ...rest } = row;
    await tx
      .insertInto('job_reviews')
      .values(row)
      .onConflict((oc) => oc.column('job_id').doUpdateSet(rest))
      .execute();
  }

  async remove(tx: Tx, jobId: string): Promise<boolean> {
    const r = await tx.deleteFrom('job_reviews').where('job_id', '=', jobId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** A user's display name (else e-mail), for the review's `by`. */
  async userName(userId: string): Promise<string | null> {
    const u = await this.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirst();
    if (!u) return null;
    return u.name?.trim() ? u.name : u.email;
  }

  /**
   * Every failed and warning run of the period, reviewed or not, oldest first, at most `limit`:
   * read in pages of `page` with the event loop served between them (the evidence report of a
   * big estate's week lists 75,000–95,000, which one read held the thread for seconds to join).
   */
  async runs(f: RunFilter, limit: number, page = RUNS_PAGE): Promise<ReviewRun[]> {
    const out: ReviewRun[] = [];
    let after: Keyset | null = null;
    while (out.length < limit) {
      const want = Math.min(page, limit - out.length);
      const q = runsQuery(this.db, f);
      const rows = (await named(after ? q.where(afterKeyset(after)) : q).limit(want).execute()) as Joined[];
      for (const r of rows) out.push(toRun(r));
      if (rows.length < want) break;
      after = keysetOf(rows[rows.length - 1] as Joined & { occurred_at: number; client_id: string; id: string });
      await nextTurn();
    }
    return out;
  }

  /** The runs still to review, oldest first, and how many there are in all. */
  async queue(f: RunFilter, limit: number): Promise<{ runs: ReviewRun[]; total: number }> {
    const rows = await named(runsQuery(this.db, f).where('job_reviews.job_id', 'is', null)).limit(limit).execute();
    // Without the names' joins: a job's device and client exist as long as it does (deleting a
    // device deletes its jobs), and the count reads jobs_review_idx alone.
    const count = await reviewable(this.db, f)
      .where('job_reviews.job_id', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { runs: (rows as Joined[]).map(toRun), total: Number(count.n) };
  }

  /**
   * Every failed and warning run of the period as (client, time, review time), for the review
   * statistics and the compliance report's review figures: no names and no cap. Read from
   * jobs_review_idx in pages of `page` rows (keyset on the index's own order), the event loop
   * served between pages: a big estate's month is ~320,000 runs, which a single read with names
   * and a 100,000-row cap both cut short and held the thread for seconds.
   */
  async reviewTimes(f: RunFilter, page = REVIEW_TIMES_PAGE): Promise<RunReviewTime[]> {
    const out: RunReviewTime[] = [];
    let after: Keyset | null = null;
    for (;;) {
      let q = reviewable(this.db, f).select(['jobs.occurred_at', 'jobs.client_id', 'jobs.id', 'job_reviews.at as reviewed_at']);
      if (after) q = q.where(afterKeyset(after));
      const rows = await q.orderBy('jobs.occurred_at').orderBy('jobs.client_id').orderBy('jobs.id').limit(page).execute();
      for (const r of rows) out.push({ client_id: r.client_id, at: Number(r.occurred_at), reviewedAt: r.reviewed_at === null ? null : Number(r.reviewed_at) });
      if (rows.length < page) return out;
      after = keysetOf(rows[rows.length - 1]!);
      await nextTurn();
    }
  }

  /** Client names by id, for the ids given. */
  async clientNames(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('clients').select(['id', 'name']).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return names;
  }

  /**
   * When the oldest unreviewed failed or warning run since `from` happened, and how many there are
   * counting at most `cap` (null: none). The schedule asks every 15 s; counting a big estate's whole
   * week (100,000 unreviewed failures, each joined to its review) took ~1 s, during which no job
   * was written. Here the runs are read in occurred_at order from jobs_review_idx and the read stops
   * after `cap` + 1: the oldest is the first row, and a count past the cap says only "more".
   */
  async oldestUnreviewed(from: number, cap: number): Promise<{ at: number; count: number; capped: boolean } | null> {
    const rows = await reviewable(this.db, { clientIds: null, from })
      .where('job_reviews.job_id', 'is', null)
      .select('jobs.occurred_at')
      .orderBy('jobs.occurred_at')
      .limit(cap + 1)
      .execute();
    if (rows.length === 0) return null;
    return { at: Number(rows[0]!.occurred_at), count: Math.min(rows.length, cap), capped: rows.length > cap };
  }
}
