// The Proxmox Backup Server connector end to end: a real Keepwatch syncing over HTTP(S) from a
// stand-in of the PBS REST API (test/helpers/pbs-fake.ts), through Keepwatch's public API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNamed, jobsOf } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { type FakePbs, snapshot, startFakePbs, task } from '../helpers/pbs-fake.js';

const T0 = '2026-11-20T06:00:00Z';
const GIB = 1024 ** 3;
const TIB = 1024 ** 4;
let app: EngineApp;
let fake: FakePbs;
let S: number;

function seed(f: FakePbs, now: number) {
  S = Math.floor(now / 1000);
  f.datastores.push({ store: 'store1', comment: 'local ZFS' }, { store: 'offsite' });
  f.usage.push(
    { store: 'store1', total: 4 * TIB, used: TIB, avail: 3 * TIB, 'estimated-full-date': S + 200 * 86400, history: [0.2, 0.24, 0.25] },
    { store: 'offsite', total: 8 * TIB, used: 2 * TIB, avail: 6 * TIB },
  );
  f.snapshots.set('store1', [
    snapshot('vm', '100', S - 29 * 3600, 39 * GIB, 'ok', 'UPID:pbs:v1'),
    snapshot('vm', '100', S - 5 * 3600 - 2, 40 * GIB, 'ok', 'UPID:pbs:v2'),
    snapshot('ct', '101', S - 4 * 3600, 3 * GIB, 'failed', 'UPID:pbs:v3'),
    snapshot('host', 'fileserver', S - 27 * 3600, 120 * GIB),
    snapshot('vm', '200', S - 40 * 86400, 10 * GIB),
  ]);
  f.snapshots.set('offsite', [snapshot('vm', '100', S - 29 * 3600, 39 * GIB)]);
  f.tasks.push(
    task('backup', 'store1:vm/100', S - 5 * 3600, 'OK', 900),
    task('backup', 'store1:ct/101', S - 4 * 3600, 'WARNINGS: 2', 300),
    task('backup', 'store1:host/fileserver', S - 3 * 3600, 'connection error: Connection reset by peer', 40),
    task('backup', 'store1:vm/300', S - 2.5 * 3600, 'abort requested - aborting task', 20),
    task('verificationjob', 'store1:v-daily', S - 2 * 3600, 'OK', 1200),
    task('syncjob', 'remote1:store1:offsite:s-offsite', S - 1.5 * 3600, 'OK', 1800),
    task('garbage_collection', 'store1', S - 3600, 'OK', 400),
    task('prunejob', 'store1:daily', S - 3000, 'OK', 30),
    task('reader', 'store1_vm_100', S - 2000, 'OK', 30),
    task('backup', 'store1:vm/100', S - 600),
  );
}

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await startFakePbs();
  seed(fake, app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const config = (f: FakePbs, over: Record<string, unknown> = {}) => ({ url: f.url, token_id: f.tokenId, token_secret: f.tokenSecret, ...over });
async function create(f: FakePbs, over: Record<string, unknown> = {}, name = 'Site A PBS'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'pbs', name, config: config(f, over) } });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}
async function sync(id: string): Promise<any> {
  const res = await app.request('POST', `/api/v1/connectors/${id}/sync`);
  if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${res.text}`);
  await app.evaluate();
  return res.body;
}
const testConnection = async (id: string) => (await app.request('POST', `/api/v1/connectors/${id}/test`)).body;

describe('first sync', () => {
  it('records backup groups as devices, tasks as jobs by UPID, and the datastores on the server device', async () => {
    const c = await create(fake);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ datastores: 2, snapshots: 6, tasks_seen: 10 });

    const devices = (await app.request('GET', '/api/v1/devices?limit=500')).body.items;
    expect(devices.map((d: any) => d.name).sort()).toEqual(['127.0.0.1', 'ct/101', 'fileserver', 'vm/100', 'vm/200', 'vm/300']);
    const [client] = (await app.request('GET', '/api/v1/clients?q=Site')).body.items;
    expect(client.name).toBe('Site A PBS');
    expect(new Set(devices.map((d: any) => d.client_id))).toEqual(new Set([client.id]));
    // The server is the connector's one tenant, mappable like any other.
    expect((await app.request('GET', `/api/v1/connectors/${c.id}/tenants`)).body.items).toEqual([expect.objectContaining({ tenant_id: 'server', tenant_name: 'Site A PBS', client_id: client.id })]);
    expect(devices.find((d: any) => d.name === 'vm/100')).toMatchObject({ type: 'vm' });
    expect(devices.find((d: any) => d.name === 'ct/101')).toMatchObject({ type: 'container' });

    const vm100 = await jobsOf(app, 'vm/100');
    const backups = vm100.filter((j: any) => j.operation === 'backup');
    expect(backups.map((j: any) => j.status)).toEqual(['running', 'succeeded']);
    // The finished backup's size is its snapshot's; its id is the task's UPID.
    const done = fake.tasks[0]!;
    expect(backups[1]).toMatchObject({ external_id: done.upid, bytes: 40 * GIB, raw_status: 'OK', duration_seconds: 900 });
    expect(vm100.filter((j: any) => j.operation === 'verification').map((j: any) => j.status)).toEqual(['succeeded']);

    expect((await jobsOf(app, 'ct/101')).map((j: any) => [j.operation, j.status])).toEqual(
      expect.arrayContaining([
        ['backup', 'warning'],
        ['verification', 'failed'],
      ]),
    );
    expect((await jobsOf(app, 'fileserver'))[0]).toMatchObject({ status: 'failed', message: 'connection error: Connection reset by peer' });
    expect((await jobsOf(app, 'vm/300'))[0]).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_user' });
    // A group without a backup task in the task log shows its newest snapshot.
    expect((await jobsOf(app, 'vm/200'))[0]).toMatchObject({ status: 'succeeded', raw_status: 'snapshot', bytes: 10 * GIB });

    const server = await deviceNamed(app, '127.0.0.1');
    expect(server).toMatchObject({ type: 'backup_server', storage_used_bytes: 3 * TIB, storage_quota_bytes: 12 * TIB });
    expect(server.checks.map((k: any) => [k.name, k.kind]).sort()).toEqual([
      ['PBS sync job s-offsite', 'copy'],
      ['PBS verify store1', 'verification'],
    ]);
    const serverJobs = await jobsOf(app, '127.0.0.1');
    const maintenance = serverJobs.filter((j: any) => j.operation === 'other' && j.check_id === null).map((j: any) => j.message);
    expect(maintenance).toEqual(expect.arrayContaining(['garbage collection of store1', 'prune of store1']));

    expect(fake.requests.find((r) => r.path === '/api2/json/version')).toBeUndefined();
    const tasksCall = fake.requests.find((r) => r.path === '/api2/json/nodes/localhost/tasks')!;
    expect(tasksCall.headers.authorization).toBe(`PBSAPIToken=${fake.tokenId}:${fake.tokenSecret}`);
    expect(Number(tasksCall.query.get('since'))).toBe(S - 30 * 86400);
  });

  it('re-syncing records nothing new; an hour later it reads the overlap, finishes the running task and adds the new one', async () => {
    const c = await create(fake, { overlap_minutes: 5 });
    await sync(c.id);
    expect((await sync(c.id)).counts.jobs_created).toBe(0);

    app.clock.advance(HOUR);
    const running = fake.tasks.at(-1)!;
    running.endtime = S + 300;
    running.status = 'OK';
    fake.tasks.push(task('backup', 'store1:ct/101', S + 1800, 'OK', 200));
    const before = fake.requests.length;
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.counts.jobs_created).toBe(1);
    // The window reached back to the task that was running.
    const since = fake.requests.slice(before).find((r) => r.path.endsWith('/tasks'))!.query.get('since');
    expect(Number(since)).toBe(S - 600);
    expect((await jobsOf(app, 'vm/100')).filter((j: any) => j.operation === 'backup').map((j: any) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect((await jobsOf(app, 'ct/101')).filter((j: any) => j.operation === 'backup')).toHaveLength(2);
  });
});

describe('the API as it is', () => {
  it('pages through the task list with start and limit', async () => {
    for (let i = 0; i < 520; i++) fake.tasks.push(task('prune', `store1:vm/${1000 + i}`, S - 7200 - i * 60, 'OK', 5));
    const c = await create(fake);
    const run = await sync(c.id);
    expect(run.counts.tasks_seen).toBe(530);
    const pages = fake.requests.filter((r) => r.path.endsWith('/tasks')).map((r) => [r.query.get('start'), r.query.get('limit')]);
    expect(pages).toEqual([
      ['0', '500'],
      ['500', '500'],
    ]);
  });

  it('waits out 429 as Retry-After asks', async () => {
    const c = await create(fake);
    fake.throttle(2, 5);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(run.counts).toMatchObject({ throttled: 2, throttle_wait_ms: 10_000 });
  });

  it('isolates a datastore whose snapshots cannot be read', async () => {
    fake.failing.set('offsite', { status: 500, message: 'unable to open chunk store' });
    const c = await create(fake);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.errors).toEqual([{ scope: 'datastore offsite', kind: 'other', message: expect.stringContaining('unable to open chunk store') }]);
    expect(await deviceNamed(app, 'vm/100')).toBeDefined();
  });
});

describe('credentials and settings', () => {
  it('a wrong token secret raises integration_auth and fails the token step; the right one resolves it', async () => {
    const c = await create(fake);
    expect((await sync(c.id)).outcome).toBe('ok');
    fake.tokenSecret = 'regenerated-secret';
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain('authentication failed');
    expect(await app.alerts('type=integration_auth')).toHaveLength(1);
    expect(await testConnection(c.id)).toEqual({ ok: false, steps: [{ step: 'token', ok: false, message: expect.stringContaining(`PBS refused API token ${fake.tokenId}`) }] });

    expect((await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { token_secret: 'regenerated-secret' } } })).status).toBe(200);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    const good = await testConnection(c.id);
    expect(good.ok).toBe(true);
    expect(good.steps.map((s: any) => s.step)).toEqual(['token', 'permission']);
  });

  it('names a token that sees no datastore', async () => {
    fake.datastores.length = 0;
    const c = await create(fake);
    const report = await testConnection(c.id);
    expect(report.ok).toBe(false);
    expect(report.steps.at(-1)).toMatchObject({ step: 'permission', ok: false, message: expect.stringContaining('DatastoreAudit') });
  });

  it('never answers the token secret, and names each bad field', async () => {
    const c = await create(fake);
    expect(c.config).toMatchObject({ token_secret: '***', token_id: fake.tokenId, client: 'Site A PBS' });
    expect(JSON.stringify((await app.request('GET', `/api/v1/connectors/${c.id}`)).body)).not.toContain(fake.tokenSecret);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: undefined }, 'config.url'],
      [{ token_id: 'root@pam' }, 'config.token_id'],
      [{ token_id: 'monitor' }, 'config.token_id'],
      [{ token_secret: undefined }, 'config.token_secret'],
      [{ token_secret: '***' }, 'config.token_secret'],
      [{ fingerprint: 'not-a-fingerprint' }, 'config.fingerprint'],
      [{ url: 'pbs.example:8007' }, 'config.url'],
    ];
    for (const [over, field] of cases) {
      const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'pbs', name: 'bad', config: config(fake, over) } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
  });
});

describe('https with a self-signed certificate', () => {
  let tlsFake: FakePbs;
  beforeEach(async () => {
    tlsFake = await startFakePbs({ tls: true });
    seed(tlsFake, app.clock.now());
  });
  afterEach(async () => {
    await tlsFake.close();
  });

  it('shows the certificate fingerprint when unpinned, and refuses to sync until it is pinned', async () => {
    const c = await create(tlsFake, {}, 'TLS PBS');
    const report = await testConnection(c.id);
    expect(report.ok).toBe(false);
    expect(report.steps).toEqual([{ step: 'certificate', ok: false, message: expect.stringContaining(tlsFake.fingerprint!) }]);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'failed', outcome: 'other' });
    expect(tlsFake.requests).toHaveLength(0);
    expect(run.error).toContain(tlsFake.fingerprint!);

    // A wrong pin is named as such.
    const wrong = 'AA:'.repeat(31) + 'AA';
    await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { fingerprint: wrong, token_secret: tlsFake.tokenSecret } } });
    expect((await testConnection(c.id)).steps[0]).toMatchObject({ step: 'certificate', ok: false, message: expect.stringContaining('not the pinned one') });
  });

  it('syncs once the fingerprint is pinned', async () => {
    const c = await create(tlsFake, { fingerprint: tlsFake.fingerprint }, 'TLS PBS');
    const report = await testConnection(c.id);
    expect(report).toMatchObject({ ok: true });
    expect(report.steps.map((s: any) => s.step)).toEqual(['certificate', 'token', 'permission']);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(await deviceNamed(app, 'vm/100')).toBeDefined();
  });
});
