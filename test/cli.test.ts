import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScratchDb, scratchDatabase, testEnv } from './helpers/db.js';
import { cli, cliFails, startServer } from './helpers/process.js';

let db: ScratchDb;
let env: Record<string, string>;
beforeAll(async () => {
  db = await scratchDatabase();
  env = testEnv(db);
});
afterAll(async () => db.drop());

// Each command is a process of its own (a second or more on a busy machine): generous time.
describe('keepwatch CLI', { timeout: 120_000 }, () => {
  it('migrates, and says so when there is nothing to do', async () => {
    expect((await cli(['migrate'], env)).stdout).toMatch(/Applied 20261122_0001_foundation/);
    expect((await cli(['migrate'], env)).stdout).toBe('Already up to date\n');
  });

  it('prints a new token alone on the last line, lists it, and revokes it', async () => {
    const { stdout } = await cli(['token', 'create', '--scope', 'ingest', '--name', 'veeam'], env);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^kw_[\w-]{32}$/);
    const list = (await cli(['token', 'list'], env)).stdout;
    expect(list).toMatch(/\tingest\tveeam\tall clients\t-\t-\tactive/);
    expect(list).not.toContain(lines.at(-1));
    expect((await cli(['token', 'revoke', 'veeam'], env)).stdout).toMatch(/Revoked token "veeam"/);
    expect((await cli(['token', 'list'], env)).stdout).toMatch(/veeam.*revoked/);
  });

  it('refuses an unknown scope with a clear message', async () => {
    const { code, stderr } = await cliFails(['token', 'create', '--scope', 'superuser'], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/scope: must be one of: ingest, read, admin/);
  });

  it('creates a user limited to a client', async () => {
    const { stdout } = await cli(['user', 'create', '--email', 'Tech@Example.com', '--password', 'correct horse battery', '--role', 'viewer', '--client', 'default'], env);
    expect(stdout).toMatch(/Created viewer tech@example.com/);
    const again = await cliFails(['user', 'create', '--email', 'tech@example.com', '--password', 'correct horse battery', '--role', 'viewer'], env);
    expect(again.stderr).toMatch(/exists/);
  });

  it('fails loudly, naming the variable, on bad configuration', async () => {
    const { code, stderr } = await cliFails(['migrate'], { ...env, KEEPWATCH_PORT: 'eighty' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/KEEPWATCH_PORT: expected a TCP port/);
  });

  it('loads the demo estate, which the API then serves', async () => {
    const { stdout } = await cli(['demo'], env);
    expect(stdout).toMatch(/Loaded \d{4,} demo jobs for 3 clients/);
    const read = (await cli(['token', 'create', '--scope', 'read'], env)).stdout.trim().split('\n').pop()!;
    const server = await startServer(env);
    try {
      const get = async (path: string): Promise<any> => (await fetch(server.url + path, { headers: { authorization: `Bearer ${read}` } })).json();
      const clients = await get('/api/v1/clients');
      expect(clients.items.map((c: { name: string }) => c.name)).toEqual(['Acme Widgets', 'Contoso Legal', 'default', 'Northwind Dental']);
      const devices = await get('/api/v1/devices?limit=500');
      expect(devices.items.length).toBeGreaterThanOrEqual(38);
      expect(new Set(devices.items.map((d: { class: string }) => d.class))).toEqual(new Set(['server', 'workstation', 'saas']));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
