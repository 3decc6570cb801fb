// The review queue's count (docs/review.md): the navigation badge asks for it every minute from
// every open console. jobs_review_idx held only occurred_at, so counting the week's unreviewed
// runs fetched every run's table row for its id (to look for a review) and client: ~1 s on a
// 100,000-device estate with 95,000 of them, the writer waiting meanwhile. With the id and the
// client in the index the count reads the index alone (PERFORMANCE.md, 2026-12-08); status too,
// or SQLite reads each row to test the predicate the index's own WHERE already guarantees. Still
// partial: only failed, partial and warning runs are in it. Rebuilding it reads every job once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX jobs_review_idx`.execute(db);
  await sql`CREATE INDEX jobs_review_idx ON jobs (occurred_at, client_id, id, status) WHERE status IN ('failed', 'partial', 'warning')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
