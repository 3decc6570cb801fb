// A check may say how long a started run may take (issue #20): `max_runtime_ms`, null when off.
// Past it, a run still without an end raises run_too_long, which tells a run that hangs apart
// from one that never started.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checks').addColumn('max_runtime_ms', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
