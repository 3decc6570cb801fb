// A job whose reported time was ahead of the server's clock (e-mail, connectors: sources that
// cannot be refused) is stored at its received time and flagged, so the console can say so.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('clock_skew', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
