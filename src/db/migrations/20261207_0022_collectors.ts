// Collectors (issue #19, collector mode): a `keepwatch collect` process at a client's site that
// runs pull connectors there and pushes their jobs here. Each one calls in after every cycle; the
// centre keeps its last contact and last report, one row per (token, name).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('collectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    // The client of the token it uses (null: a token not limited to one client).
    .addColumn('client_id', 'text')
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('last_contact_at', 'bigint', (c) => c.notNull())
    // Silent for longer than this: collector_stale (3 × its longest interval, at least 15 minutes).
    .addColumn('stale_after_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_report', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collectors_token_name_idx').unique().on('collectors').columns(['token_id', 'name_key']).execute();
  await db.schema.createIndex('collectors_client_idx').on('collectors').column('client_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
