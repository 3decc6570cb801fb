// A stored message's raw bytes move to a table of their own (issue #18, e-mail throughput). On
// SQLite an UPDATE rewrites the whole row, overflow pages included: with the ~20 kB raw copy in
// `emails`, claiming a message and noting its outcome wrote it twice more, tripling the WAL
// volume of every message. `emails` keeps the small, often-updated columns.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = await isPostgres(db);
  await db.schema
    .createTable('email_raw')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('raw', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO email_raw (id, raw) SELECT id, raw FROM emails`.execute(db);
  await db.schema.alterTable('emails').dropColumn('raw').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
