// Issue #23: urgent queue entries are taken in the order their urgency began (the oldest job that
// may raise an alert and nobody has evaluated yet), not the order they were first queued. Under a
// flood in which most devices have failures, a device that queued long ago with successes and
// turned urgent a moment ago went ahead of a device whose failure came before: a new failure waited
// for a whole round of the busy devices (alerts ~3 s late in the ingestion benchmark). Entries
// urgent when this runs take their queued_at (the urgent job came no earlier).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('eval_queue').addColumn('urgent_at', 'bigint').execute();
  await sql`UPDATE eval_queue SET urgent_at = queued_at WHERE urgent_seq IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
