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
  // first. It is tried without busy_timeout — SQLite's busy handler sleeps the thread, which here
  // serves every request, and cannot let another connection of this thread finish — and
  // GatedSqliteDialect retries it asynchronously. Only for a connection that writes: readers stay
  // deferred, or they would queue behind the writer.
  const immediate = raw.prepare('begin immediate');
  const beginNow: SqliteStatement = {
    reader: false,
    all: () => [],
    iterate: () => [][Symbol.iterator](),
    run: () => {
      raw.pragma('busy_timeout = 0');
      try {
        return immediate.run();
      } finally {
        raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    },
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

/** SQLite through better-sqlite3, where a transaction first waits for `ready` (when it returns a promise). */
class GatedSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly ready: () => Promise<void> | null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const begin = driver.beginTransaction.bind(driver);
    // BEGIN IMMEDIATE fails at once while another connection writes (withStatementCache): wait
    // for it here, off the thread, as long as busy_timeout would have.
    driver.beginTransaction = async (connection: DatabaseConnection, settings: TransactionSettings) => {
      const started = performance.now();
      for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
        const wait = this.ready();
        if (wait) await wait;
        try {
          return await begin(connection, settings);
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() - started > BUSY_TIMEOUT_MS) throw err;
        }
        await new Promise((r) => setTimeout(r, pause));
      }
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
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
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
