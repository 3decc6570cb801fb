// Single sign-on with OpenID Connect (issue #24). The workspace's SSO settings are one settings
// document (scope `sso`, client secret sealed: src/auth/sso.ts). Here: the pending logins (one
// row per redirect to the issuer: state, nonce and PKCE verifier; short-lived, used once), a
// public id and the sign-in method on sessions (the session list names a session without its
// secret), and the break-glass flag on users (who keeps password sign-in when it is switched off
// for everyone else); existing owners get it, as the first owner does at setup.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = await isPostgres(db);
  await db.schema
    .createTable('oidc_logins')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_logins_created_idx').on('oidc_logins').column('created_at').execute();

  await db.schema.alterTable('sessions').addColumn('public_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('method', 'text', (c) => c.notNull().defaultTo('password')).execute();
  if (postgres) await sql`UPDATE sessions SET public_id = replace(gen_random_uuid()::text, '-', '') WHERE public_id IS NULL`.execute(db);
  else await sql`UPDATE sessions SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL`.execute(db);
  await db.schema.createIndex('sessions_public_id_idx').unique().on('sessions').column('public_id').execute();

  await db.schema.alterTable('users').addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE users SET break_glass = 1 WHERE role = 'owner'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
