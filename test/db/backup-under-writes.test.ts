// `keepwatch backup` copies a live SQLite database through SQLite's backup API. Copied in steps,
// the copy starts over whenever another connection writes between two steps, so under a steady
// stream of jobs it never finished (CI, 2026-12-07: the CLI timed out after 60 s). Here a second
// connection writes between every two turns of the event loop, the worst case for steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/db/backup.js';
import { TEST_DIALECT } from '../helpers/db.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe.runIf(TEST_DIALECT === 'sqlite')('backup of a SQLite database being written', { timeout: 30_000 }, () => {
  it('finishes while another connection writes between every turn of the event loop, with a consistent copy', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-backup-'));
    const live = join(dir, 'live.db');
    const writer = new SQLite(live);
    writer.pragma('journal_mode = WAL');
    // A Keepwatch database as checkBackup reads it: the migrations table, here with none applied.
    writer.exec('CREATE TABLE kysely_migration (name TEXT PRIMARY KEY, timestamp TEXT NOT NULL)');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    // ~4 MB, about a thousand pages: many steps for a copy made a hundred pages at a time.
    writer.exec('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO t (body) SELECT randomblob(1000) FROM n');
    const insert = writer.prepare('INSERT INTO t (body) VALUES (randomblob(1000))');
    const before = 4000;
    let written = 0;
    let writing = true;
    const writeOne = () => {
      if (!writing) return;
      insert.run();
      written++;
      setImmediate(writeOne);
    };
    setImmediate(writeOne);

    const dest = join(dir, 'copy.db');
    const gaveUp = new Promise<'gave up'>((resolve) => setTimeout(() => resolve('gave up'), 10_000).unref());
    const outcome = await Promise.race([backupSqlite(live, dest).then(() => 'done' as const), gaveUp]);
    writing = false;
    writer.close();

    expect(outcome).toBe('done');
    expect(written).toBeGreaterThan(0);
    const copy = new SQLite(dest, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = (copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
      expect(rows).toBeGreaterThanOrEqual(before);
      expect(rows).toBeLessThanOrEqual(before + written);
    } finally {
      copy.close();
    }
  });
});
