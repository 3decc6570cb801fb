// What a driver's error means (src/db/errors.ts), on errors the real drivers raise: the codes are
// a contract with better-sqlite3 and pg, and a 503 or a retry depends on reading them right.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbErrorCode, isDatabaseBusy, isDeadlock, isUniqueViolation } from '../../src/db/errors.js';
import { type ScratchDb, scratchDatabase, TEST_DIALECT } from '../helpers/db.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('database errors from better-sqlite3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a write lock held by another connection as busy, and a taken key as a unique violation', () => {
    const file = join(dir, 'x.db');
    const a = new SQLite(file);
    const b = new SQLite(file);
    try {
      a.pragma('journal_mode = WAL');
      a.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
      a.exec("INSERT INTO t VALUES (1, 'one')");
      b.pragma('busy_timeout = 0');
      a.exec('BEGIN IMMEDIATE');
      const busy = thrown(() => b.exec('BEGIN IMMEDIATE'));
      expect(dbErrorCode(busy)).toBe('SQLITE_BUSY');
      expect(isDatabaseBusy(busy)).toBe(true);
      expect(isUniqueViolation(busy)).toBe(false);
      a.exec('ROLLBACK');

      const key = thrown(() => a.exec("INSERT INTO t VALUES (1, 'again')"));
      const name = thrown(() => a.exec("INSERT INTO t VALUES (2, 'one')"));
      expect([dbErrorCode(key), dbErrorCode(name)]).toEqual(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);
      expect(isUniqueViolation(key) && isUniqueViolation(name)).toBe(true);
      expect(isDatabaseBusy(key)).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });

  it('has no code for an error that is not the database’s', () => {
    expect(dbErrorCode(new Error('x'))).toBeNull();
    expect(dbErrorCode(null)).toBeNull();
    expect(isDatabaseBusy({ code: 42 })).toBe(false);
  });
});

// PostgreSQL's own errors need a server: this part runs in the PostgreSQL run of the suite.
describe.skipIf(TEST_DIALECT !== 'postgres')('database errors from pg (needs PostgreSQL: runs with KEEPWATCH_TEST_DB=postgres)', () => {
  let scratch: ScratchDb;
  const clients: pg.Client[] = [];

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: scratch.databaseUrl! });
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    scratch = await scratchDatabase();
    const c = await client();
    await c.query('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL)');
    await c.query('INSERT INTO t VALUES (1, 0), (2, 0)');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await scratch?.drop();
  });

  it('reads a taken key as a unique violation', async () => {
    const c = await client();
    const err = await rejected(c.query('INSERT INTO t VALUES (1, 0)'));
    expect(dbErrorCode(err)).toBe('23505');
    expect(isUniqueViolation(err)).toBe(true);
    expect(isDatabaseBusy(err)).toBe(false);
  });

  it('reads a lock timeout as busy', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
    await b.query("SET lock_timeout = '50ms'");
    const err = await rejected(b.query('SELECT * FROM t'));
    await a.query('ROLLBACK');
    expect(dbErrorCode(err)).toBe('55P03');
    expect(isDatabaseBusy(err)).toBe(true);
  });

  it('reads a serialisation failure as busy', async () => {
    const a = await client();
    const b = await client();
    // Write skew: each reads what the other writes; the second to commit is the victim.
    await a.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    await b.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    await a.query('SELECT sum(n) FROM t');
    await b.query('SELECT sum(n) FROM t');
    await a.query('UPDATE t SET n = n + 1 WHERE id = 1');
    await b.query('UPDATE t SET n = n + 1 WHERE id = 2');
    await a.query('COMMIT');
    const err = await rejected(b.query('COMMIT'));
    expect(dbErrorCode(err)).toBe('40001');
    expect(isDatabaseBusy(err)).toBe(true);
    expect(isDeadlock(err)).toBe(false);
  });

  it('reads a deadlock as a deadlock and as busy', async () => {
    const a = await client();
    const b = await client();
    await b.query("SET deadlock_timeout = '50ms'");
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE t SET n = n + 1 WHERE id = 1');
    await b.query('UPDATE t SET n = n + 1 WHERE id = 2');
    // a waits for b's row; b then waits for a's: one of them is chosen as the victim.
    const first = a.query('UPDATE t SET n = n + 1 WHERE id = 2').then(() => null, (e: unknown) => e);
    const second = await b.query('UPDATE t SET n = n + 1 WHERE id = 1').then(() => null, (e: unknown) => e);
    const err = second ?? (await first);
    await Promise.all([a.query('ROLLBACK'), b.query('ROLLBACK')]);
    expect(dbErrorCode(err)).toBe('40P01');
    expect(isDeadlock(err)).toBe(true);
    expect(isDatabaseBusy(err)).toBe(true);
  });
});
