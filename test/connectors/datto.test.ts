// The Datto BCDR connector end to end: a real Keepwatch syncing over HTTP from a stand-in of the
// Datto Partner Portal REST API (test/helpers/datto-fake.ts), through Keepwatch's public API.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNamed, jobsOf } from '../helpers/azure.js';
import { dattoAgent, dattoDevice, type FakeDatto, startFakeDatto } from '../helpers/datto-fake.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

const T0 = '2026-11-20T06:00:00Z';
let app: EngineApp;
let fake: FakeDatto;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/connectors/datto/${name}`, import.meta.url), 'utf8'));

/** Two clients' appliances and one without a client company. */
function seed(now: number) {
  fake.devices.push(dattoDevice('A1B2C3D4E5F6', 'siris-contoso', 'Contoso Ltd'), dattoDevice('0011AABBCCDD', 'alto-fabrikam', 'Fabrikam Inc'), dattoDevice('FFEE00112233', 'siris-lab', null));
  fake.assets.set('A1B2C3D4E5F6', [
    dattoAgent('dc01', 'vol-dc01', 'Windows Server 2019', now, [
      [iso(now - 5 * HOUR), 'success'],
      [iso(now - 4 * HOUR), 'failed', 'Unable to connect to agent'],
      [iso(now - HOUR), 'success'],
    ]),
    dattoAgent('reception-pc', 'vol-reception', 'Windows 10 Pro', now, [[iso(now - 2 * HOUR), 'success']], { lastScreenshotAttemptStatus: false }),
    { ...dattoAgent('old-fs', 'vol-oldfs', 'Windows Server 2012 R2', now, [[iso(now - 30 * HOUR), 'success']]), isArchived: true },
  ]);
  fake.assets.set('0011AABBCCDD', [
    dattoAgent('sql01', 'vol-sql01', 'Windows Server 2022', now, [[iso(now - 3 * HOUR), 'success']], { isPaused: true }),
    { ...dattoAgent('Finance', 'vol-share-fin', '', now, [[iso(now - HOUR), 'success']]), type: 'share', os: null, agentVersion: null },
  ]);
  fake.assets.set('FFEE00112233', [fixture('asset.json')]);
}

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await startFakeDatto();
  seed(app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const config = (over: Record<string, unknown> = {}) => ({ url: fake.url, public_key: fake.publicKey, private_key: fake.secretKey, ...over });
async function create(over: Record<string, unknown> = {}, name = 'Datto EU'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'datto', name, config: config(over) } });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}
async function sync(id: string): Promise<any> {
  const res = await app.request('POST', `/api/v1/connectors/${id}/sync`);
  if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${res.text}`);
  await app.evaluate();
  return res.body;
}
const clientOf = async (device: string) => {
  const d = await deviceNamed(app, device);
  const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items;
  return clients.find((c: any) => c.id === d.client_id)?.name;
};

describe('first sync', () => {
  it("records each appliance with its storage, and its agents' snapshots, screenshots and off-site syncs under the appliance's client", async () => {
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ appliances: 3, appliances_failed: 0, assets: 6 });

    expect(await clientOf('dc01')).toBe('Contoso Ltd');
    expect(await clientOf('siris-contoso')).toBe('Contoso Ltd');
    expect(await clientOf('sql01')).toBe('Fabrikam Inc');
    // An appliance that names no client company lands in the connector's own client.
    expect(await clientOf('siris-lab')).toBe('Datto EU');

    const appliance = await deviceNamed(app, 'siris-contoso');
    expect(appliance).toMatchObject({ type: 'bcdr_appliance', storage_used_bytes: 1200 * 1024 ** 3, storage_quota_bytes: 4000 * 1024 ** 3 });

    const dc = await jobsOf(app, 'dc01');
    const backups = dc.filter((j: any) => j.operation === 'backup');
    expect(backups.map((j: any) => j.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(backups[1]).toMatchObject({ message: 'Unable to connect to agent', raw_status: 'failed' });
    expect(dc.filter((j: any) => j.operation === 'verification').map((j: any) => j.status)).toEqual(['succeeded']);
    expect(dc.filter((j: any) => j.operation === 'copy').map((j: any) => j.status)).toEqual(['succeeded']);
    const dcDevice = await deviceNamed(app, 'dc01');
    expect(dcDevice).toMatchObject({ class: 'server' });
    expect(dcDevice.checks.map((k: any) => [k.name, k.kind]).sort()).toEqual([
      ['Datto backup', 'backup'],
      ['Datto off-site sync', 'copy'],
      ['Datto screenshot verification', 'verification'],
    ]);

    // A failed screenshot is a failed verification; a Windows 10 agent is a workstation.
    expect(await deviceNamed(app, 'reception-pc')).toMatchObject({ class: 'workstation' });
    const shot = (await jobsOf(app, 'reception-pc')).find((j: any) => j.operation === 'verification');
    expect(shot).toMatchObject({ status: 'failed', raw_status: 'screenshot failed' });

    // A share is a file share; an archived agent is retired and raises nothing.
    expect(await deviceNamed(app, 'Finance')).toMatchObject({ type: 'file_share' });
    expect((await deviceNamed(app, 'old-fs')).status).toBe('retired');
    expect((await app.alerts()).filter((a: any) => a.device_name === 'old-fs')).toEqual([]);
    // A paused agent says so.
    expect((await jobsOf(app, 'sql01'))[0]).toMatchObject({ status: 'skipped', raw_status: 'paused', message: 'Backups are paused on alto-fabrikam' });

    // The documented example asset (test/fixtures/connectors/datto/asset.json) maps too.
    // Its placeholder status ("string") is not a known word: a failure, so it is seen.
    expect(await deviceNamed(app, 'test-host')).toMatchObject({ class: 'workstation' });
    const example = await jobsOf(app, 'test-host');
    expect(example.map((j: any) => [j.operation, j.status, j.raw_status]).sort()).toEqual([
      ['backup', 'failed', 'string'],
      ['copy', 'succeeded', 'offsite synced'],
      ['verification', 'succeeded', 'screenshot verified'],
    ]);
    expect(fake.calls(/\/v1\/bcdr\/device$/)[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.publicKey}:${fake.secretKey}`).toString('base64')}`);
  });

  it('re-syncing records nothing new, and an hour later reads only the overlap and what is new', async () => {
    const c = await create({ overlap_minutes: 60 });
    const first = await sync(c.id);
    expect(first.counts.jobs_created).toBeGreaterThan(0);
    const again = await sync(c.id);
    expect(again.counts.jobs_created).toBe(0);
    expect(again.counts.jobs_recorded).toBe(0);

    app.clock.advance(HOUR);
    const now = app.clock.now();
    const dc01 = fake.assets.get('A1B2C3D4E5F6')![0] as any;
    dc01.backups.push({ timestamp: iso(now - 10 * 60_000), backup: { status: 'success', errorMessage: null }, localVerification: { status: 'success', errors: [] }, advancedVerification: null });
    dc01.lastSnapshot = Math.floor((now - 10 * 60_000) / 1000);
    const third = await sync(c.id);
    expect(third).toMatchObject({ status: 'succeeded' });
    expect(third.counts.jobs_created).toBe(1);
    expect((await jobsOf(app, 'dc01')).filter((j: any) => j.operation === 'backup')).toHaveLength(4);
  });
});

describe('tenants', () => {
  it("lists each appliance's organisation as a tenant, puts it in the client of its name, and follows a mapping", async () => {
    await app.report(job(app.clock.now() - HOUR, { client: 'FABRIKAM INC', device: { name: 'fab-srv', class: 'server' } }));
    await app.report(job(app.clock.now() - HOUR, { client: 'Contoso Group', device: { name: 'cg-srv', class: 'server' } }));
    const c = await create();
    await sync(c.id);
    const items = (await app.request('GET', `/api/v1/connectors/${c.id}/tenants`)).body.items;
    expect(items.map((t: any) => [t.tenant_name, t.client_name]).sort()).toEqual([
      ['Contoso Ltd', 'Contoso Ltd'],
      ['Datto EU', 'Datto EU'],
      ['Fabrikam Inc', 'FABRIKAM INC'],
    ]);
    // An existing client of exactly its name (case aside) takes the appliance's devices.
    expect(await clientOf('sql01')).toBe('FABRIKAM INC');

    const contoso = items.find((t: any) => t.tenant_name === 'Contoso Ltd');
    const group = (await app.request('GET', '/api/v1/clients?limit=100')).body.items.find((x: any) => x.name === 'Contoso Group');
    const mapped = await app.request('PUT', `/api/v1/connectors/${c.id}/tenants/${encodeURIComponent(contoso.tenant_id)}`, { body: { client_id: group.id } });
    expect(mapped.status).toBe(200);
    app.clock.advance(HOUR);
    fake.assets.get('A1B2C3D4E5F6')!.push(dattoAgent('new-pc', 'vol-new', 'Windows 11 Pro', app.clock.now(), [[iso(app.clock.now() - 10 * 60_000), 'success']]));
    await sync(c.id);
    expect(await clientOf('new-pc')).toBe('Contoso Group');
  });
});

describe('the API as it is', () => {
  it('follows the device list page by page', async () => {
    for (let i = 0; i < 101; i++) fake.devices.push(dattoDevice(`SER${String(i).padStart(9, '0')}`, `appliance-${i}`, 'Paged Co'));
    const c = await create();
    const run = await sync(c.id);
    expect(run.counts.appliances).toBe(104);
    expect(fake.calls(/\/v1\/bcdr\/device$/).map((r) => [r.query.get('_page'), r.query.get('_perPage')])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);
    expect(await deviceNamed(app, 'appliance-100')).toBeDefined();
  });

  it('waits out 429 as Retry-After asks', async () => {
    const c = await create();
    const before = app.clock.now();
    fake.throttle(2, 7);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(run.counts).toMatchObject({ throttled: 2, throttle_wait_ms: 14_000 });
    expect(app.clock.now() - before).toBeGreaterThanOrEqual(14_000);
  });

  it('gives up with integration_quota when throttling does not let up', async () => {
    const c = await create();
    fake.throttle(200, 60);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'failed', outcome: 'quota' });
    expect(await app.alerts('type=integration_quota')).toHaveLength(1);
  });

  it("isolates an appliance whose assets cannot be read, and keeps the others", async () => {
    fake.failing.set('0011AABBCCDD', { status: 500, code: 'InternalError', message: 'Device data unavailable' });
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.errors).toEqual([{ scope: 'appliance alto-fabrikam (0011AABBCCDD)', kind: 'other', message: expect.stringContaining('Device data unavailable') }]);
    expect(await deviceNamed(app, 'dc01')).toBeDefined();
    expect(await deviceNamed(app, 'sql01')).toBeUndefined();
    // It is read again when it answers, from its first window.
    fake.failing.clear();
    app.clock.advance(HOUR);
    expect((await sync(c.id)).status).toBe('succeeded');
    expect(await deviceNamed(app, 'sql01')).toBeDefined();
  });
});

describe('credentials and settings', () => {
  it('bad keys raise integration_auth, named by the test; fixed keys resolve it', async () => {
    const c = await create();
    expect((await sync(c.id)).outcome).toBe('ok');
    fake.secretKey = 'rotated-on-the-portal';
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain('Invalid API credentials');
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert).toMatchObject({ severity: 'critical', integration_id: c.id });

    const report = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(report.ok).toBe(false);
    expect(report.steps).toEqual([{ step: 'keys', ok: false, message: expect.stringContaining('Invalid API credentials') }]);

    const patched = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { private_key: 'rotated-on-the-portal' } } });
    expect(patched.status).toBe(200);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    const good = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(good).toMatchObject({ ok: true });
    expect(good.steps.map((s: any) => s.step)).toEqual(['keys', 'devices', 'assets']);
  });

  it('never answers the secret key, and names each bad field', async () => {
    const c = await create();
    expect(c.config).toMatchObject({ private_key: '***', public_key: fake.publicKey, url: fake.url, client: 'Datto EU' });
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.config.private_key).toBe('***');
    expect(JSON.stringify((await app.request('GET', '/api/v1/connectors')).body)).not.toContain(fake.secretKey);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ public_key: undefined }, 'config.public_key'],
      [{ private_key: undefined }, 'config.private_key'],
      [{ private_key: '***' }, 'config.private_key'],
      [{ url: 'ftp://api.datto.com' }, 'config.url'],
      [{ interval_minutes: 0 }, 'config.interval_minutes'],
      [{ region: 'eu' }, 'config.region'],
    ];
    for (const [over, field] of cases) {
      const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'datto', name: 'bad', config: config(over) } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    // A changed URL asks for the secret again.
    const moved = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { url: 'https://api.eu.example' } } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: any) => e.field)).toContain('config.private_key');
    // The type's form lists its fields, the key marked secret.
    const types = (await app.request('GET', '/api/v1/connector-types')).body.items ?? (await app.request('GET', '/api/v1/connector-types')).body;
    const datto = (Array.isArray(types) ? types : []).find((t: any) => t.type === 'datto');
    expect(datto.fields.find((f: any) => f.name === 'private_key')).toMatchObject({ secret: true, required: true });
  });
});
