// `keepwatch backup` and `restore`, as an operator runs them next to a running service.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScratchDb, scratchDatabase, TEST_DIALECT, testEnv } from './helpers/db.js';
import { cli, cliFails, type Server, startServer } from './helpers/process.js';

let db: ScratchDb;
let env: Record<string, string>;
let token: string;

beforeAll(async () => {
  db = await scratchDatabase();
  env = testEnv(db);
  await cli(['migrate'], env);
  token = (await cli(['token', 'create', '--scope', 'admin'], env)).stdout.trim().split('\n').pop()!;
}, 120_000);
afterAll(async () => db.drop());

async function post(server: Server, from: number, n: number): Promise<number> {
  const jobs = Array.from({ length: n }, (_, i) => ({
    source: 'backup-test',
    external_id: `job-${from + i}`,
    client: 'Backup Co',
    device: { name: `DEV-${(from + i) % 7}` },
    status: 'succeeded',
    ended_at: '2026-11-20T01:00:00Z',
  }));
  const res = await fetch(`${server.url}/api/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jobs }),
  });
  expect(res.status).toBe(202);
  return n;
}

async function stop(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

// Each database has its own way: the SQLite file is copied by Keepwatch, PostgreSQL by pg_dump.
describe.runIf(TEST_DIALECT === 'sqlite')('keepwatch backup and restore on SQLite', { timeout: 120_000 }, () => {
  it('copies the database consistently while jobs keep arriving, refuses to restore under a running service, and restores after', async () => {
    const file = join(db.dataDir, '..', `kw-backup-${process.pid}.db`);
    const server = await startServer(env);
    let acknowledged = await post(server, 0, 500);
    // Jobs keep coming while the backup runs.
    let writing = true;
    const writer = (async () => {
      while (writing) acknowledged += await post(server, acknowledged, 50);
    })();
    const out = await cli(['backup', file], env);
    writing = false;
    await writer;
    expect(out.stdout).toMatch(/Backed up [\d.]+ MB to .*\(checked; \d+ migrations\)/);
    // The test sets KEEPWATCH_SECRET_KEY; without it the generated key file is copied beside the backup.
    expect(out.stdout).toContain('Keep KEEPWATCH_SECRET_KEY with the backup');
    const copy = new SQLite(file, { readonly: true });
    const inBackup = (copy.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(inBackup).toBeGreaterThanOrEqual(500);
    expect(inBackup).toBeLessThanOrEqual(acknowledged);

    const refused = await cliFails(['restore', file], env);
    expect(refused.stderr).toMatch(/in use.*stop keepwatch serve first/);
    await post(server, 100_000, 10);
    await stop(server);

    const restored = await cli(['restore', file], env);
    expect(restored.stdout).toMatch(/Restored .* The database it replaced is kept as .*before-restore/);
    const again = await startServer(env);
    try {
      const devices = await fetch(`${again.url}/api/v1/jobs/does-not-exist`, { headers: { authorization: `Bearer ${token}` } });
      expect(devices.status).toBe(404);
      const live = new SQLite(join(db.dataDir, 'keepwatch.db'), { readonly: true });
      expect((live.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n).toBe(inBackup);
      expect(live.prepare("SELECT 1 FROM jobs WHERE external_id = 'job-100000'").get()).toBeUndefined();
      live.close();
    } finally {
      await stop(again);
    }
  });

  it('refuses a file that is not a Keepwatch backup, naming why', async () => {
    const bogus = join(db.dataDir, 'not-a-backup.db');
    new SQLite(bogus).exec('CREATE TABLE t (x)');
    expect((await cliFails(['restore', bogus], env)).stderr).toMatch(/not a Keepwatch database/);
    expect((await cliFails(['restore', join(db.dataDir, 'missing.db')], env)).stderr).toMatch(/does not exist/);
    expect(existsSync(join(db.dataDir, 'keepwatch.db'))).toBe(true);
  });
});

describe.runIf(TEST_DIALECT === 'postgres')('keepwatch backup on PostgreSQL', { timeout: 120_000 }, () => {
  it('prints a pg_dump command that works, after checking the client can dump this server', async () => {
    const file = join(db.dataDir, 'kw.dump');
    const { stdout } = await cli(['backup', file], env);
    const command = /^ {2}(pg_dump .*)$/m.exec(stdout)?.[1];
    expect(command).toContain('--format=custom');
    expect(stdout).toMatch(/pg_dump \(PostgreSQL\) \d+.* can dump this server/);
    execFileSync('bash', ['-c', command!]);
    const listing = execFileSync('pg_restore', ['--list', file], { encoding: 'utf8' });
    expect(listing).toMatch(/TABLE public jobs/);
  });
});
