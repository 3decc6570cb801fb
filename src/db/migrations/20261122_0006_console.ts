// The console: server-side sessions of signed-in users, the one-time setup claim, and an index
// for the Devices view's "worst first" order.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    // SHA-256 of the cookie's value: a copy of this table does not let anyone sign in.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id', 'revoked_at']).execute();

  // First-run setup inserts one row here in the transaction that creates the owner: of two
  // setups racing on two instances, the second hits the primary key and gets a conflict.
  await db.schema
    .createTable('setup_claims')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('devices_score_idx').on('devices').columns(['score', 'name_key', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
