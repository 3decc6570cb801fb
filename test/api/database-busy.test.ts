// A write the database cannot take in time (another process holds SQLite's write lock longer than
// the 5 s Keepwatch waits: a long `keepwatch` CLI command, a backup tool, a hand-run sqlite3) is
// answered 503 with Retry-After, not a 500: nothing is wrong with the request, the sender should
// send it again, and it was not acknowledged, so it is not stored.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, type Response, startApp, type TestApp } from '../helpers/app.js';
import { TEST_DIALECT } from '../helpers/db.js';

/** Takes SQLite's write lock, says so, and holds it until its standard input closes. */
const HOLD_LOCK = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
process.stdin.resume();
process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
`;

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app?.close());

describe.runIf(TEST_DIALECT === 'sqlite')('a database busy beyond the wait', { timeout: 30_000 }, () => {
  it('answers 503 with Retry-After, stores nothing, and takes the same job once the lock is gone', async () => {
    const job = jobReport({ external_id: 'busy-1', device: { name: 'BUSY-1' } });
    const token = await app.token('ingest');
    // Another process, as in life: SQLite's busy handler sleeps the thread that waits, so a lock
    // held from this process would stall the holder too.
    const holder = spawn(process.execPath, ['-e', HOLD_LOCK, createRequire(import.meta.url).resolve('better-sqlite3'), join(app.db.dataDir, 'keepwatch.db')], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(holder, 'exit');
    let busy: Response<{ detail: string }>;
    try {
      const [line] = (await once(createInterface({ input: holder.stdout! }), 'line')) as [string];
      expect(line).toBe('locked');
      busy = await app.request('POST', '/api/v1/jobs', { body: job, token });
    } finally {
      holder.stdin!.end(); // the holder rolls back and exits when its input closes
      await exited;
    }
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.headers.get('content-type')).toContain('application/problem+json');
    expect(busy.body.detail).toMatch(/database is busy/);

    const stored = () => {
      const reader = new SQLite(join(app.db.dataDir, 'keepwatch.db'), { readonly: true });
      try {
        return (reader.prepare("SELECT count(*) AS n FROM jobs WHERE external_id = 'busy-1'").get() as { n: number }).n;
      } finally {
        reader.close();
      }
    };
    expect(stored()).toBe(0);

    const again = await app.request('POST', '/api/v1/jobs', { body: job, token });
    expect(again.status).toBe(202);
    expect(stored()).toBe(1);
  });
});
