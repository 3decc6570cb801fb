import { type Expression, type SqlBool, sql } from 'kysely';

/** `column LIKE '%text%'` with the text taken literally, on both dialects (SQLite has no default ESCAPE). */
export function contains(column: string, text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
