import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { Checkpointer, type CheckpointerOptions, type CheckpointStats } from './checkpointer.js';
import { dbErrorCode } from './errors.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** The SQLite file, for `keepwatch backup`; null on PostgreSQL. */
  readonly sqliteFile: string | null;
  /** The raw better-sqlite3 handle (online backup); null on PostgreSQL. */
  readonly sqlite: SQLite.Database | null;
  /** What the WAL checkpointer thread has done so far; null on PostgreSQL. */
  checkpoints(): CheckpointStats | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  pgPoolSize?: number;
  /** SQLite: the checkpointer's tuning (tests use a small restart threshold). */
  checkpoints?: Partial<CheckpointerOptions>;
}

/** How long a write waits for another connection's lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * A spell of SQLITE_BUSY answers on one connection. Its statements take turns (Kysely's mutex), so
 * while one retries, the others queue behind it; each waiting 5 s from its own turn would add the
 * waits up (tens of seconds with a few background loops and a request in line). Instead every
 * statement gives up 5 s after the spell began: a spell goes on while BUSY answers keep coming
 * (a retry meets one at least every 50 ms) and ends after a quiet gap.
 */
class BusySpell {
  private since = 0;
  private last = Number.NEGATIVE_INFINITY;

  /** Records a SQLITE_BUSY answer; the time from which the 5 s are counted. */
  met(now: number): number {
    if (now - this.last > SPELL_GAP_MS) this.since = now;
    this.last = now;
    return this.since;
  }
}

/** Longer than a retry's longest pause (50 ms) and the hand-over to the next statement in line. */
const SPELL_GAP_MS = 250;

/**
 * Runs `attempt` again while SQLite answers SQLITE_BUSY (another connection holds the write lock),
 * pausing 1…50 ms between tries without blocking the thread, until BUSY_TIMEOUT_MS into the spell;
 * then throws the SQLITE_BUSY error, which the API answers with 503 and Retry-After.
 */
async function retryWhileBusy<T>(spell: BusySpell, attempt: () => Promise<T>): Promise<T> {
  for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
    try {
      return await attempt();
    } catch (err) {
      if (dbErrorCode(err) !== 'SQLITE_BUSY') throw err;
      const now = performance.now();
      if (now - spell.met(now) > BUSY_TIMEOUT_MS) throw err;
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

// int8 (counts, epoch-ms columns) as JS numbers: epoch ms stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * better-sqlite3 compiles a statement on every prepare(); Kysely prepares per query. Keeping
 * compiled statements by SQL text removes that cost from the hot path. Bounded, so dynamic SQL
 * (IN lists of varying length) cannot grow it without limit.
 */
function withStatementCache(raw: SQLite.Database, options: { immediate: boolean }, max = 1000) {
  const cache = new Map<string, SQLite.Statement>();
  // Kysely begins every transaction with a plain (deferred) 'begin'. A deferred transaction that
  // has read and then writes must upgrade to the write lock, and if another connection holds it
  // (the checkpointer's RESTART, a CLI command) SQLite fails at once with SQLITE_BUSY instead of
  // waiting busy_timeout: its snapshot could be stale. BEGIN IMMEDIATE takes the write lock
  // first (the connection has no busy_timeout: GatedSqliteDialect retries asynchronously). Only
  // for a connection that writes: readers stay deferred, or they would queue behind the writer.
  const immediate = raw.prepare('begin immediate');
  const beginNow: SqliteStatement = {
    reader: false,
    all: () => [],
    iterate: () => [][Symbol.iterator](),
    run: () => immediate.run(),
  };
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      if (options.immediate && sql === 'begin') return beginNow;
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        stmt = raw.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * SQLite through better-sqlite3 on the thread that serves every request. The connection has
 * busy_timeout 0: SQLite's busy handler sleeps the thread, so while another process held the
 * write lock (a CLI command, a backup tool, sqlite3 by hand) each background loop's statement
 * froze the whole server for 5 s in turn, and no request was answered for tens of seconds. Here a
 * statement or BEGIN that meets SQLITE_BUSY is retried asynchronously instead, for as long as
 * busy_timeout would have waited; a transaction first waits for `ready` (the checkpointer's
 * RESTART) when it returns a promise.
 */
class GatedSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly ready: () => Promise<void> | null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const spell = new BusySpell();
    const begin = driver.beginTransaction.bind(driver);
    // BEGIN runs through the connection's executeQuery, which retries it (below); a transaction
    // first waits out a RESTART in progress rather than spend its retries on it.
    driver.beginTransaction = async (connection: DatabaseConnection, settings: TransactionSettings) => {
      const wait = this.ready();
      if (wait) await wait;
      return begin(connection, settings);
    };
    const acquire = driver.acquireConnection.bind(driver);
    const patched = new WeakSet<DatabaseConnection>();
    driver.acquireConnection = async () => {
      const connection = await acquire();
      if (!patched.has(connection)) {
        // One connection for the driver's life: patched once. A statement that failed with
        // SQLITE_BUSY did nothing (in autocommit it was rolled back; a transaction stays open).
        const execute = connection.executeQuery.bind(connection);
        connection.executeQuery = (query) => retryWhileBusy(spell, () => execute(query));
        patched.add(connection);
      }
      return connection;
    };
    return driver;
  }
}

export function openSqlite(file: string): SQLite.Database {
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a process crash (SIGKILL); only an OS crash or power
  // loss can lose the last transactions. See docs/decisions/0001-storage.md.
  raw.pragma('synchronous = NORMAL');
  // No busy handler on this thread: GatedSqliteDialect waits for a lock asynchronously.
  raw.pragma('busy_timeout = 0');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -65536');
  raw.pragma('temp_store = MEMORY');
  // Checkpoints run on a worker thread (Checkpointer); after one that starts the log over, the
  // next commit cuts the WAL file back to this size.
  raw.pragma('wal_autocheckpoint = 0');
  raw.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  return raw;
}

export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.pgPoolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqliteFile: null, sqlite: null, checkpoints: () => null, close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'keepwatch.db');
  const raw = openSqlite(file);
  const checkpointer = new Checkpointer(file, options.checkpoints);
  const dialect = new GatedSqliteDialect({ database: withStatementCache(raw, { immediate: true }) }, () => checkpointer.whenWritable());
  const db = new Kysely<DB>({ dialect });
  return {
    db,
    dialect: 'sqlite',
    sqliteFile: file,
    sqlite: raw,
    checkpoints: () => checkpointer.stats,
    close: async () => {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

/**
 * A second connection to the same database for a thread that only reads (engine/eval-threads.ts):
 * SQLite in WAL mode lets it read a consistent snapshot while the main connection writes, and
 * `query_only` makes sure it never becomes a second writer; on PostgreSQL, a small pool of its own.
 */
export function openReader(where: { sqliteFile: string | null; databaseUrl: string | null }): { db: Kysely<DB>; dialect: Dialect } {
  if (where.databaseUrl) {
    const pool = new pg.Pool({ connectionString: where.databaseUrl, max: 2 });
    pool.on('error', () => {});
    return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  const raw = new SQLite(where.sqliteFile!);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -65536');
  raw.pragma('temp_store = MEMORY');
  raw.pragma('query_only = 1');
  return { db: new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(raw, { immediate: false }) }) }), dialect: 'sqlite' };
}
