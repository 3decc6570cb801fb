// Transactions as use cases see them. Services decide where a unit of work begins and ends and
// hand the open transaction to repositories; only repositories (src/db) build queries on it.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/** An open transaction, or the database outside one: an argument for repository methods. */
export type Tx = Kysely<DB>;

export interface Transactor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** The database outside any transaction, for repository reads that need no unit of work. */
  readonly plain: Tx;
}

export function transactor(db: Kysely<DB>): Transactor {
  return { run: (work) => db.transaction().execute(work), plain: db };
}
