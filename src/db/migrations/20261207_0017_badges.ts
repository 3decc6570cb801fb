// Badges and status pages (issue #20). Clients and checks get a `badge_key`: the secret in their
// public badge URL. Every row, old or new, must have one, and rows are inserted in many places
// (the ingest hot path's hand-written SQL among them), so the database fills it in: PostgreSQL with
// a volatile column default, SQLite (which refuses one in ALTER TABLE) with an AFTER INSERT trigger.
// A client's status page is off until someone turns it on (`status_page`); its key is made then.
// Tag badges need no rows: their keys are derived from a per-workspace secret (settings scope
// `badges`), made here once so two instances never race to create different ones.
import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './util.js';

const TABLES = ['clients', 'checks'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = await isPostgres(db);
  for (const table of TABLES) {
    if (postgres) {
      // gen_random_uuid() draws from the OS's strong random source: 122 random bits.
      await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN badge_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')`.execute(db);
    } else {
      await db.schema.alterTable(table).addColumn('badge_key', 'text').execute();
      await sql`UPDATE ${sql.table(table)} SET badge_key = lower(hex(randomblob(16))) WHERE badge_key IS NULL`.execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${table}_badge_key AFTER INSERT ON ${table} FOR EACH ROW WHEN NEW.badge_key IS NULL ` +
            `BEGIN UPDATE ${table} SET badge_key = lower(hex(randomblob(16))) WHERE id = NEW.id; END`,
        )
        .execute(db);
    }
    await db.schema.createIndex(`${table}_badge_key_idx`).unique().on(table).column('badge_key').execute();
  }
  await db.schema.alterTable('clients').addColumn('status_page', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('clients').addColumn('status_page_key', 'text').execute();
  await db.schema.createIndex('clients_status_page_key_idx').unique().on('clients').column('status_page_key').execute();
  const doc = JSON.stringify({ tag_secret: randomBytes(32).toString('base64url') });
  await sql`INSERT INTO settings (scope, doc, updated_at, updated_by) VALUES ('badges', ${doc}, ${Date.now()}, 'migration')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}

