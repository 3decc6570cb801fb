// The lease claim the worker loops share (outbox, channels, e-mails, mailboxes): one statement
// sets `claimed_until` on up to `limit` due rows whose lease ran out or that never had one, and
// answers them. On PostgreSQL, instances skip the rows another one is claiming at that moment.
import type { Dialect } from './connection.js';
import { type Statement, skipLocked, statement } from './raw.js';

export interface ClaimQuery {
  /** The table, and an alias for it in `where` and `orderBy` (`channels c`). */
  from: string;
  /** More to set on a claimed row (`attempts = attempts + 1`). */
  set?: string;
  /** Which rows are due, besides the lease: its `?` come after the lease's end in the parameters. */
  where: string;
  orderBy: string;
  returning: string;
}

/** Parameters: the new lease's end, those of `where`, now (an older lease has run out), the limit. */
export function claimStatement(dialect: Dialect, q: ClaimQuery): Statement {
  const [table, alias] = q.from.split(' ');
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  return statement(
    dialect,
    `UPDATE ${table} SET claimed_until = ?${q.set ? `, ${q.set}` : ''} WHERE id IN (
      SELECT ${col('id')} FROM ${q.from} WHERE ${q.where} AND (${col('claimed_until')} IS NULL OR ${col('claimed_until')} < ?)
      ORDER BY ${q.orderBy} LIMIT ? ${skipLocked(dialect)})
    RETURNING ${q.returning}`,
  );
}
