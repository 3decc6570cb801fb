// Hand-written SQL for the hot paths, compiled once per dialect. Kysely still executes it
// (its connection mutex and transactions apply); only the per-call query building is skipped.
import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from './connection.js';
import type { DB } from './schema.js';

export type Statement = (params: readonly unknown[]) => CompiledQuery;

/** Write SQL with `?` placeholders; PostgreSQL gets `$1…$n`. No `?` may appear inside literals. */
export function statement(dialect: Dialect, text: string): Statement {
  let sql = text.replace(/\s+/g, ' ').trim();
  if (dialect === 'postgres') {
    let n = 0;
    sql = sql.replace(/\?/g, () => `$${++n}`);
  }
  return (params) => CompiledQuery.raw(sql, params as unknown[]);
}

/** The claim queries' row-lock clause: on PostgreSQL, instances skip rows another one is claiming;
 * SQLite has one writer and no row locks. */
export function skipLocked(dialect: Dialect): string {
  return dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
}

export async function run<R>(db: Kysely<DB>, stmt: Statement, params: readonly unknown[]): Promise<R[]> {
  const result = await db.executeQuery<R>(stmt(params));
  return result.rows as R[];
}
