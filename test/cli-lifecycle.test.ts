// The CLI and the lifecycle of what it creates (issue #16): --version, which database a command
// opens, refusing to create an empty one by accident, and removing exactly the demo estate.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from './helpers/app.js';
import { TEST_DIALECT, testEnv } from './helpers/db.js';
import { cli, cliFails } from './helpers/process.js';

let app: TestApp;
let env: Record<string, string>;
beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  env = testEnv(app.db);
});
afterAll(async () => app.close());

describe('keepwatch CLI and the lifecycle', { timeout: 180_000 }, () => {
  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await cli(['--version'], {})).stdout.trim()).toBe(version);
  });

  it('says which database a command opened', async () => {
    const { stderr } = await cli(['token', 'list'], env);
    if (TEST_DIALECT === 'sqlite') expect(stderr).toContain(`keepwatch: using SQLite ${join(app.db.dataDir, 'keepwatch.db')}`);
    else expect(stderr).toMatch(/keepwatch: using PostgreSQL 127\.0\.0\.1:5432\/kw_test_/);
  });

  it('refuses to create a new empty database outside the data directory, and says what to do', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'kw-elsewhere-'));
    try {
      const sqliteEnv: Record<string, string> = { ...env, KEEPWATCH_DATA_DIR: join(elsewhere, 'data') };
      delete sqliteEnv.KEEPWATCH_DATABASE_URL;
      for (const args of [['token', 'create', '--scope', 'admin'], ['user', 'create', '--email', 'a@example.com', '--password', 'correct horse battery', '--role', 'owner'], ['demo']]) {
        const { code, stderr } = await cliFails(args, sqliteEnv);
        expect(code).not.toBe(0);
        expect(stderr).toMatch(/no database at .*keepwatch\.db/);
        expect(stderr).toMatch(/KEEPWATCH_DATA_DIR/);
        expect(stderr).toMatch(/KEEPWATCH_DATABASE_URL/);
      }
      expect(existsSync(join(elsewhere, 'data', 'keepwatch.db'))).toBe(false);
      // migrate creates one on purpose.
      expect((await cli(['migrate'], sqliteEnv)).stdout).toMatch(/Applied/);
      expect(existsSync(join(elsewhere, 'data', 'keepwatch.db'))).toBe(true);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('demo --remove removes the demo clients with everything under them, and nothing else', async () => {
    const kept = await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Keep Me Ltd', device: { name: 'KEEP-01', class: 'server', type: 'vm' } }) });
    expect(kept.status).toBe(202);
    expect((await cli(['demo'], env)).stdout).toMatch(/Loaded \d+ demo jobs/);
    const names = async () => (await app.request('GET', '/api/v1/clients?limit=100')).body.items.map((c: { name: string }) => c.name);
    expect(await names()).toEqual(['Acme Widgets', 'Contoso Legal', 'default', 'Keep Me Ltd', 'Northwind Dental']);

    const { stdout } = await cli(['demo', '--remove'], env);
    expect(stdout).toMatch(/^Removed the demo clients /);
    for (const name of ['Acme Widgets', 'Contoso Legal', 'Northwind Dental']) expect(stdout).toContain(name);
    expect(await names()).toEqual(['default', 'Keep Me Ltd']);
    const devices = (await app.request('GET', '/api/v1/devices?limit=500')).body.items.map((d: { name: string }) => d.name);
    expect(devices).toEqual(['KEEP-01']);
    expect((await app.request('GET', `/api/v1/jobs/${kept.body.items[0].id}`)).status).toBe(200);
    expect((await cli(['demo', '--remove'], env)).stdout).toMatch(/No demo clients to remove/);
  });
});
