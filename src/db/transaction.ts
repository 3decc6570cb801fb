// Transactions as use cases see them. Services decide where a unit of work begins and ends and
// hand the open transaction to repositories; only repositories (src/db) build queries on it.
import type { Kysely } from 'kysely';
import { ConflictError } from '../domain/errors.js';
import { isDeadlock, isUniqueViolation } from './errors.js';
import type { DB } from './schema.js';

/** An open transaction, or the database outside one: an argument for repository methods. */
export type Tx = Kysely<DB>;

export interface Transactor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** The database outside any transaction, for repository reads that need no unit of work. */
  readonly plain: Tx;
}

/**
 * One transaction, run again (up to three times) when PostgreSQL chose it as a deadlock's victim:
 * it was rolled back whole. A unique key taken by a concurrent write between a use case's look and
 * its insert (two requests creating the same check at once) is the answer the look would have
 * given: a 409, not a 500.
 */
export function transactor(db: Kysely<DB>): Transactor {
  return {
    async run(work) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(work);
        } catch (err) {
          if (isUniqueViolation(err)) throw new ConflictError('that already exists: a concurrent request created it first');
          if (!isDeadlock(err) || attempt >= 3) throw err;
        }
      }
    },
    plain: db,
  };
}
