// Helpers shared by migrations. Migrations get an untyped Kysely and no dialect: they ask.
import { type Kysely, sql } from 'kysely';

/** True on PostgreSQL (SQLite has no version() function). */
export async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`SELECT version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
