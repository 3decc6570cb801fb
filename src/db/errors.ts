// What a driver's error means, read from its `code` in one place: better-sqlite3 answers SQLite's
// extended result codes as text ('SQLITE_BUSY'), pg answers PostgreSQL's SQLSTATE ('40P01').

/** The error's driver code, or null when it has none (not a database error). */
export function dbErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** PostgreSQL chose this transaction as a deadlock's victim: it was rolled back and may run again. */
export function isDeadlock(err: unknown): boolean {
  return dbErrorCode(err) === '40P01';
}

/** A unique key was taken (on PostgreSQL or SQLite). */
export function isUniqueViolation(err: unknown): boolean {
  const code = dbErrorCode(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The database could not take the transaction in time, through no fault of the request: SQLite's
 * write lock held by another process past the 5 s Keepwatch waits (db/connection.ts), or a
 * PostgreSQL transaction chosen as a deadlock's (40P01) or a serialisation conflict's (40001)
 * victim, a lock timeout (55P03), too many connections (53300), a server starting up (57P03). The
 * transaction was rolled back; the client should retry.
 */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', '40001', '40P01', '55P03', '53300', '57P03']);

export function isDatabaseBusy(err: unknown): boolean {
  const code = dbErrorCode(err);
  return code !== null && BUSY_CODES.has(code);
}
