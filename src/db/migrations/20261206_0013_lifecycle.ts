// Objects have a lifecycle (issue #16): a person can retire a device. Evaluation also retires a
// device whose protected resource is gone (`retired_at`, recomputed each pass); a person's choice
// is kept apart so evaluation never undoes it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('retired_manually_at', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
