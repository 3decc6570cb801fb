// The Acronis Cyber Protect Cloud connector end to end: a real Keepwatch syncing over HTTP from a
// stand-in of an Acronis data centre (test/helpers/acronis-fake.ts), through Keepwatch's public API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAcronis, type FakeAcronisTenant, startFakeAcronis } from '../helpers/acronis-fake.js';
import { deviceNamed, jobsOf } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';

const T0 = '2026-11-20T06:00:00Z';
let app: EngineApp;
let fake: FakeAcronis;
let contoso: FakeAcronisTenant;
let fabrikam: FakeAcronisTenant;

const iso = (ms: number) => new Date(ms).toISOString();

function seed(now: number) {
  const at = (h: number) => iso(now - h * HOUR);
  const emea = fake.addTenant('EMEA', 'folder', fake.partnerId);
  contoso = fake.addTenant('Contoso Ltd', 'customer', emea.id);
  const sales = fake.addTenant('Contoso Sales', 'unit', contoso.id);
  fabrikam = fake.addTenant('Fabrikam Inc', 'customer', fake.partnerId);
  fake.addActivity({ tenant: contoso, resource: 'dc01', policy: 'Servers nightly', startedAt: at(6), completedAt: at(5.5) });
  fake.addActivity({ tenant: contoso, resource: 'sql01', policy: 'Servers nightly', code: 'warning', startedAt: at(6), completedAt: at(5.2) });
  fake.addActivity({ tenant: contoso, resource: 'web01', policy: 'Servers nightly', code: 'error', reason: 'The backup location is not accessible.', startedAt: at(6), completedAt: at(5.9) });
  fake.addActivity({ tenant: contoso, resource: 'reception-pc', policy: 'Workstations', code: 'cancelled', startedAt: at(4), completedAt: at(3.9) });
  fake.addActivity({ tenant: sales, resource: 'sales-pc', policy: 'Workstations', startedAt: at(3), completedAt: at(2.5) });
  fake.addActivity({ tenant: contoso, resource: 'ceo@contoso.com', resourceType: 'resource.microsoft365.mailbox', policy: 'Microsoft 365', startedAt: at(2), completedAt: at(1.8) });
  fake.addActivity({ tenant: fabrikam, resource: 'fs01', policy: 'File server', code: 'timedout', startedAt: at(5), completedAt: at(1) });
  // Still running: not completed, so not read until it is.
  fake.addActivity({ tenant: fabrikam, resource: 'fs02', policy: 'File server', state: 'started', startedAt: at(0.5) });
}

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await startFakeAcronis();
  seed(app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const config = (over: Record<string, unknown> = {}) => ({ url: fake.url, client_id: fake.clientId, client_secret: fake.clientSecret, ...over });
async function create(over: Record<string, unknown> = {}, name = 'Acronis EU2'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'acronis', name, config: config(over) } });
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
  it("records each customer's backup activities on its machines, units included, under the customer's client", async () => {
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ tenants: 6, customers: 3, activities_seen: 7, jobs_created: 7 });

    expect(await clientOf('dc01')).toBe('Contoso Ltd');
    expect(await clientOf('sales-pc')).toBe('Contoso Ltd');
    expect(await clientOf('fs01')).toBe('Fabrikam Inc');
    expect(await deviceNamed(app, 'fs02')).toBeUndefined();
    // The published example (agent registration, no backup plan) is not a backup.
    expect(await deviceNamed(app, 'DESKTOP-GFT9S1R')).toBeUndefined();

    const [dc] = await jobsOf(app, 'dc01');
    expect(dc).toMatchObject({ status: 'succeeded', raw_status: 'ok', operation: 'backup', source: c.source });
    expect(dc.external_id).toMatch(/^activity:/);
    expect((await deviceNamed(app, 'dc01')).checks.map((k: any) => `${k.name}/${k.kind}`)).toEqual(['Servers nightly/backup']);
    expect((await jobsOf(app, 'sql01'))[0]).toMatchObject({ status: 'warning' });
    expect((await jobsOf(app, 'web01'))[0]).toMatchObject({ status: 'failed', message: 'The backup location is not accessible.', error_code: 'BackupFailed' });
    expect((await jobsOf(app, 'reception-pc'))[0]).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_user' });
    expect((await jobsOf(app, 'fs01'))[0]).toMatchObject({ status: 'failed', raw_status: 'timedout' });
    const mailbox = await deviceNamed(app, 'ceo@contoso.com');
    expect(mailbox).toMatchObject({ class: 'saas' });
    expect(mailbox.checks.map((k: any) => k.kind)).toEqual(['saas_backup']);

    // Thirty days of completed backup activities were asked for.
    const [first] = fake.calls(/\/activities$/);
    expect(first!.query.get('completedAt')).toBe(`gt(${iso(app.clock.now() - 30 * 24 * HOUR)})`);
    expect(first!.query.get('policyType')).toBe('backup');
    expect((await app.alerts('type=job_failed')).map((a: any) => a.device_name).sort()).toEqual(['fs01', 'web01']);
  });
});

describe('tenant mapping', () => {
  it('lists the customers a sync saw, and puts a mapped customer in the client chosen for it', async () => {
    await app.report({ source: 'api', client: 'Fabrikam Industries', device: { name: 'hq-nas', class: 'server' }, status: 'succeeded', started_at: iso(app.clock.now() - HOUR), ended_at: iso(app.clock.now() - HOUR) });
    const c = await create({ overlap_minutes: 1440 });
    await sync(c.id);
    const seen = (await app.request('GET', `/api/v1/connectors/${c.id}/tenants`)).body;
    const items = seen.items ?? seen;
    expect(items.map((t: any) => [t.tenant_id, t.tenant_name]).sort((a: any, b: any) => a[1].localeCompare(b[1]))).toEqual(
      [
        [contoso.id, 'Contoso Ltd'],
        [expect.any(String), 'Example Customer'],
        [fabrikam.id, 'Fabrikam Inc'],
      ],
    );
    const industries = (await app.request('GET', '/api/v1/clients?q=Fabrikam%20Industries')).body.items[0];
    const mapped = await app.request('PUT', `/api/v1/connectors/${c.id}/tenants/${encodeURIComponent(fabrikam.id)}`, { body: { client_id: industries.id } });
    expect(mapped.status).toBe(200);
    app.clock.advance(HOUR);
    fake.addActivity({ tenant: fabrikam, resource: 'fs03', policy: 'File server', startedAt: iso(app.clock.now() - 30 * 60_000), completedAt: iso(app.clock.now() - 10 * 60_000) });
    await sync(c.id);
    expect(await clientOf('fs03')).toBe('Fabrikam Industries');
  });
});

describe('incremental sync', () => {
  it('re-reads the overlap without duplicating, and records what completed since', async () => {
    const c = await create({ overlap_minutes: 240 });
    await sync(c.id);
    const again = await sync(c.id);
    expect(again.counts).toMatchObject({ jobs_created: 0, jobs_recorded: 0 });
    expect(again.counts.jobs_unchanged).toBeGreaterThan(0);

    app.clock.advance(3 * HOUR);
    const now = app.clock.now();
    const running = fake.activities.find((a: any) => a.resource?.name === 'fs02') as any;
    Object.assign(running, { state: 'completed', completedAt: iso(now - HOUR), result: { code: 'ok' } });
    fake.addActivity({ tenant: contoso, resource: 'dc01', policy: 'Servers nightly', startedAt: iso(now - 40 * 60_000), completedAt: iso(now - 20 * 60_000) });
    const third = await sync(c.id);
    expect(third).toMatchObject({ status: 'succeeded' });
    expect(third.counts).toMatchObject({ jobs_created: 2 });
    expect((await jobsOf(app, 'dc01')).map((j: any) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect((await jobsOf(app, 'fs02'))[0]).toMatchObject({ status: 'succeeded' });
    const last = fake.calls(/\/activities$/).at(-1)!;
    expect(last.query.get('completedAt')).toBe(`gt(${iso(now - 3 * HOUR - 240 * 60_000)})`);
  });

  it('follows the cursor across pages, each follow-up carrying only limit and after', async () => {
    fake.pageCap = 3;
    for (let i = 0; i < 5; i++) fake.addActivity({ tenant: fabrikam, resource: `vm-${i}`, startedAt: iso(app.clock.now() - 2 * HOUR), completedAt: iso(app.clock.now() - HOUR) });
    const c = await create();
    const run = await sync(c.id);
    // 7 seeded + 5 = 12 backup activities: 4 pages of 3.
    expect(run.counts).toMatchObject({ activities_seen: 12, jobs_created: 12 });
    const calls = fake.calls(/\/activities$/);
    expect(calls).toHaveLength(4);
    for (const next of calls.slice(1)) expect([...next.query.keys()].sort()).toEqual(['after', 'limit']);
    for (let i = 0; i < 5; i++) expect(await jobsOf(app, `vm-${i}`)).toHaveLength(1);
  });
});

describe('when the platform pushes back', () => {
  it('waits out 429 as Retry-After asks', async () => {
    const c = await create();
    fake.throttle(2, 9);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(run.counts).toMatchObject({ throttled: 2, throttle_wait_ms: 18_000 });
  });

  it('isolates a customer whose tenant cannot be read', async () => {
    fake.failingTenants.add(fabrikam.id);
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.errors).toEqual([{ scope: `tenant ${fabrikam.id}`, kind: 'other', message: expect.stringContaining('Tenant storage is unavailable') }]);
    expect(await clientOf('dc01')).toBe('Contoso Ltd');
    expect(await deviceNamed(app, 'fs01')).toBeUndefined();
    expect(run.counts.activities_unplaced).toBe(1);
  });

  it('a revoked token is fetched again once', async () => {
    const c = await create();
    await sync(c.id);
    fake.revokeTokens();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded' });
  });
});

describe('credentials and settings', () => {
  it('a wrong client secret raises integration_auth, named by the test; the right one resolves it', async () => {
    const c = await create();
    expect((await sync(c.id)).outcome).toBe('ok');
    fake.clientSecret = 'reset-in-the-portal';
    fake.revokeTokens();
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain('invalid_client: Client authentication failed');
    expect((await app.alerts('type=integration_auth'))[0]).toMatchObject({ severity: 'critical', integration_id: c.id });

    const report = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(report).toEqual({ ok: false, steps: [{ step: 'token', ok: false, message: expect.stringContaining(`refused API client ${fake.clientId}`) }] });

    expect((await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { client_secret: 'reset-in-the-portal' } } })).status).toBe(200);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    const good = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(good).toMatchObject({ ok: true });
    expect(good.steps.map((s: any) => s.step)).toEqual(['token', 'tenant', 'activities']);
    expect(good.steps[1].message).toContain('Northwind IT (partner)');
  });

  it('never answers the client secret, and names each bad field', async () => {
    const c = await create();
    expect(c.config).toMatchObject({ client_secret: '***', client_id: fake.clientId, url: fake.url });
    expect(JSON.stringify((await app.request('GET', '/api/v1/connectors')).body)).not.toContain(fake.clientSecret);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: undefined }, 'config.url'],
      [{ client_id: undefined }, 'config.client_id'],
      [{ client_secret: undefined }, 'config.client_secret'],
      [{ client_secret: '***' }, 'config.client_secret'],
      [{ url: 'eu2-cloud.acronis.com' }, 'config.url'],
      [{ interval_minutes: 2 }, 'config.interval_minutes'],
      [{ tenant: 'x' }, 'config.tenant'],
    ];
    for (const [over, field] of cases) {
      const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'acronis', name: 'bad', config: config(over) } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const moved = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { url: 'https://us5-cloud.acronis.com' } } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: any) => e.field)).toContain('config.client_secret');
  });
});
