import { type Expression, type SqlBool, sql } from 'kysely';

/** `column LIKE '%text%'` with the text taken literally, on both dialects (SQLite has no default ESCAPE). A column name or an expression such as `lower(title)`. */
export function contains(column: string | Expression<unknown>, text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${typeof column === 'string' ? sql.ref(column) : column} like ${pattern} escape '\\'`;
}
