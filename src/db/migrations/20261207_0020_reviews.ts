// The daily review (issue #22, docs/review.md): a person's "I looked at this run", one per job,
// with who, when, a note and a ticket reference. A review goes with its job (device deleted,
// retention). `by_name` is kept as written then, so a renamed or deleted user's reviews still say
// who made them. The partial index serves the review queue, the overdue check and the evidence
// report, which read failed and warning runs by time across the workspace; it holds only those
// runs, so the ingest path pays for it only on them.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_reviews')
    .addColumn('job_id', 'text', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
    .addColumn('by_kind', 'text', (c) => c.notNull())
    .addColumn('by_id', 'text', (c) => c.notNull())
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('ticket', 'text')
    .execute();
  await sql`CREATE INDEX jobs_review_idx ON jobs (occurred_at) WHERE status IN ('failed', 'partial', 'warning')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
