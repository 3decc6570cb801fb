// The N-able Cove connector end to end: a real Keepwatch syncing over HTTP from a stand-in of the
// Cove JSON-RPC API (test/helpers/cove-fake.ts), through the public API only.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNamed, jobsOf, syncNow } from '../helpers/azure.js';
import { CoveFake, coveDevice } from '../helpers/cove-fake.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';

const T0 = '2026-11-20T06:00:00Z';
let app: EngineApp;
let fake: CoveFake;
const sec = (ms: number) => Math.floor(ms / 1000);

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await CoveFake.start();
  const now = app.clock.now();
  // Fabrikam: a server backing up files (completed), system state (failed) and MS SQL (completed with errors).
  fake.add(coveDevice(9001, 2001, 'Fabrikam Ltd', 'FAB-SRV01', { D01: ['5', sec(now - 3 * HOUR), 1800], D02: ['2', sec(now - 3 * HOUR) + 60, 240], D10: ['8', sec(now - 2 * HOUR), 600] }, { I14: '586755749630' }));
  // Northwind: a workstation whose files backup is running, and a Microsoft 365 tenant (no computer).
  fake.add(coveDevice(9002, 2002, 'Northwind', 'NW-LAPTOP7', { D01: ['1', sec(now - 20 * 60), 0] }, { I32: '1' }));
  const m365 = coveDevice(9003, 2002, 'Northwind', '', { D19: ['5', sec(now - 5 * HOUR), 900], D20: ['3', sec(now - 5 * HOUR), 30] });
  m365.columns.I1 = 'northwind-m365';
  delete m365.columns.I18;
  fake.add(m365);
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

async function createCove(overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', {
    body: { type: 'cove', name: 'Cove', config: { url: fake.url, partner: fake.partner, username: fake.username, password: fake.password, ...overrides } },
  });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}
const clientOf = async (device: string) => {
  const d = await deviceNamed(app, device);
  return (await app.request('GET', `/api/v1/clients/${d.client_id}`)).body.name;
};

describe('cove', () => {
  it('is a connector type with the pinned config, its password write-only', async () => {
    const types = (await app.request('GET', '/api/v1/connector-types')).body.items;
    const cove = types.find((t: any) => t.type === 'cove');
    expect(cove).toBeDefined();
    expect(JSON.stringify(cove)).toContain('https://api.backup.management/jsonapi');
    const c = await createCove();
    expect(c.config).toMatchObject({ partner: fake.partner, username: fake.username, password: '***' });
    const missing = await app.request('POST', '/api/v1/connectors', { body: { type: 'cove', name: 'Bad', config: { url: fake.url, username: 'x', password: 'y' } } });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('config.partner');
  });

  it("records each data source's last session under the device's customer, with status, duration and used storage", async () => {
    const c = await createCove();
    const run = await syncNow(app, c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ devices: 3, sessions_seen: 6, jobs_recorded: 6, jobs_created: 6 });

    expect(await clientOf('FAB-SRV01')).toBe('Fabrikam Ltd');
    expect(await clientOf('NW-LAPTOP7')).toBe('Northwind');
    expect(await clientOf('northwind-m365')).toBe('Northwind');

    const fab = await deviceNamed(app, 'FAB-SRV01');
    expect(fab).toMatchObject({ class: 'server', storage_used_bytes: 586755749630 });
    const byCheck = async (device: string) => {
      const jobs = await jobsOf(app, device);
      const checks = (await app.request('GET', `/api/v1/checks?limit=500`)).body.items;
      return Object.fromEntries(jobs.map((j: any) => [checks.find((k: any) => k.id === j.check_id)?.name, j]));
    };
    const f = await byCheck('FAB-SRV01');
    expect(Object.keys(f).sort()).toEqual(['Cove Files and Folders', 'Cove MS SQL', 'Cove System State']);
    expect(f['Cove Files and Folders']).toMatchObject({ status: 'succeeded', raw_status: 'Completed', duration_seconds: 1800, external_id: `9001:D01:${sec(app.clock.now() - 3 * HOUR)}` });
    expect(f['Cove Files and Folders'].started_at).toBe(new Date(sec(app.clock.now() - 3 * HOUR) * 1000).toISOString());
    expect(f['Cove System State']).toMatchObject({ status: 'failed', raw_status: 'Failed' });
    expect(f['Cove MS SQL']).toMatchObject({ status: 'warning', raw_status: 'CompletedWithErrors' });
    expect(f['Cove MS SQL'].message).toContain('3 error(s)');

    expect(await deviceNamed(app, 'NW-LAPTOP7')).toMatchObject({ class: 'workstation' });
    expect((await jobsOf(app, 'NW-LAPTOP7'))[0]).toMatchObject({ status: 'running', raw_status: 'InProcess', ended_at: null });
    expect(await deviceNamed(app, 'northwind-m365')).toMatchObject({ class: 'saas' });
    const m365 = await byCheck('northwind-m365');
    expect(m365['Cove Microsoft 365 Exchange']).toMatchObject({ status: 'succeeded' });
    expect(m365['Cove Microsoft 365 OneDrive']).toMatchObject({ status: 'cancelled', raw_status: 'Aborted' });

    // Login first; the statistics call carries the visa the login answered, and asks for the documented columns.
    expect(fake.calls.map((x) => x.method)).toEqual(['Login', 'EnumerateAccountStatistics']);
    expect(fake.calls[0]!.visa).toBeNull();
    expect(fake.calls[1]!.visa).toBe(fake.issued[0]);
    expect(fake.calls[1]!.params.query).toMatchObject({ PartnerId: fake.partnerId, StartRecordNumber: 0 });
    expect(fake.calls[1]!.params.query.Columns).toEqual(expect.arrayContaining(['I1', 'I8', 'I14', 'I18', 'I32', 'I78', 'D01F00', 'D01F15']));

    // The customers are the connector's tenants.
    const tenants = (await app.request('GET', `/api/v1/connectors/${c.id}/tenants`)).body.items;
    expect(tenants.map((t: any) => [t.tenant_id, t.tenant_name, t.client_name])).toEqual([
      ['partner:2001', 'Fabrikam Ltd', 'Fabrikam Ltd'],
      ['partner:2002', 'Northwind', 'Northwind'],
    ]);
  });

  it('is idempotent: a second sync stores nothing new; a finished session updates its job; a new session adds one', async () => {
    const c = await createCove();
    await syncNow(app, c.id);
    const again = await syncNow(app, c.id);
    expect(again.counts).toMatchObject({ sessions_seen: 6, jobs_recorded: 0, jobs_created: 0, jobs_unchanged: 6 });

    app.clock.advance(HOUR);
    const laptop = fake.devices.find((d) => d.AccountId === 9002)!;
    laptop.columns.D01F00 = '5';
    laptop.columns.D01F12 = '1500';
    const srv = fake.devices.find((d) => d.AccountId === 9001)!;
    srv.columns.D02F00 = '5';
    srv.columns.D02F15 = String(sec(app.clock.now() - 10 * 60));
    const third = await syncNow(app, c.id);
    expect(third.counts).toMatchObject({ jobs_recorded: 2, jobs_created: 1, jobs_unchanged: 4 });
    const lap = await jobsOf(app, 'NW-LAPTOP7');
    expect(lap).toHaveLength(1);
    expect(lap[0]).toMatchObject({ status: 'succeeded', duration_seconds: 1500 });
    const states = (await jobsOf(app, 'FAB-SRV01')).map((j: any) => [j.external_id.split(':')[1], j.status]);
    expect(states.filter(([ds]: string[]) => ds === 'D02').map(([, s]: string[]) => s).sort()).toEqual(['failed', 'succeeded']);
  });

  it('pages through the statistics and waits out throttling', async () => {
    for (let i = 0; i < 1200; i++) fake.add(coveDevice(20_000 + i, 2001, 'Fabrikam Ltd', `FAB-WS${i}`, { D01: ['5', sec(app.clock.now() - HOUR), 60] }, { I32: '1' }));
    fake.throttleNext = 1;
    const c = await createCove();
    const run = await syncNow(app, c.id);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.counts).toMatchObject({ devices: 1203, jobs_created: 1206, throttled: 1 });
    const pages = fake.calls.filter((x) => x.method === 'EnumerateAccountStatistics').map((x) => x.params.query.StartRecordNumber);
    expect(pages).toEqual([0, 500, 1000]);
    // Every call carries the visa of the answer before it.
    const visas = fake.calls.filter((x) => x.visa !== null).map((x) => x.visa);
    expect(visas).toEqual(fake.issued.slice(0, visas.length));
  });

  it('logs in again when Cove no longer accepts the visa', async () => {
    const c = await createCove();
    for (let i = 0; i < 600; i++) fake.add(coveDevice(30_000 + i, 2001, 'Fabrikam Ltd', `FAB-VM${i}`, { D01: ['5', sec(app.clock.now() - HOUR), 60] }));
    // Expire every visa right after the first statistics page is answered.
    let pages = 0;
    const handle = (fake as any).handle.bind(fake);
    (fake as any).handle = async (req: any, res: any) => {
      res.on('finish', () => {
        if (fake.calls.at(-1)?.method === 'EnumerateAccountStatistics' && ++pages === 1) fake.expireVisas();
      });
      return handle(req, res);
    };
    const run = await syncNow(app, c.id);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(fake.calls.map((x) => x.method)).toEqual(['Login', 'EnumerateAccountStatistics', 'EnumerateAccountStatistics', 'Login', 'EnumerateAccountStatistics']);
  });

  it('raises integration_auth when Cove refuses the login, and when the API user may not read statistics', async () => {
    const c = await createCove();
    expect((await syncNow(app, c.id)).outcome).toBe('ok');
    fake.password = 'a-rotated-token';
    const failed = await syncNow(app, c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain(`Cove refused the login of ${fake.username}`);
    expect(failed.error).toContain('wrong partner, username or password');
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert).toMatchObject({ severity: 'critical', integration_id: c.id });

    await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { password: fake.password } } });
    expect((await syncNow(app, c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);

    fake.denyStatistics = true;
    const denied = await syncNow(app, c.id);
    expect(denied).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(denied.error).toContain('security reasons (error 13501)');
    // The password is never answered.
    expect(JSON.stringify((await app.request('GET', `/api/v1/connectors/${c.id}`)).body)).not.toContain(fake.password);
  });

  it('tests the connection step by step', async () => {
    const c = await createCove();
    const ok = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(ok).toMatchObject({ ok: true, steps: [{ step: 'login', ok: true }, { step: 'statistics', ok: true }] });
    expect(ok.steps[0].message).toContain(`id ${fake.partnerId}`);

    fake.denyStatistics = true;
    const denied = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(denied).toMatchObject({ ok: false, steps: [{ step: 'login', ok: true }, { step: 'permission', ok: false }] });

    fake.password = 'changed';
    const refused = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(refused).toMatchObject({ ok: false, steps: [{ step: 'login', ok: false }] });
    expect(refused.steps).toHaveLength(1);
  });

  it("reads N-able's published sample answer: rows without a session are devices without jobs", async () => {
    const sample = JSON.parse(readFileSync('test/fixtures/connectors/cove/enumerate-account-statistics.json', 'utf8'));
    fake.devices = sample.result.result.map((r: any) => ({ AccountId: r.AccountId, PartnerId: fake.partnerId, Flags: r.Flags, columns: Object.assign({}, ...r.Settings) }));
    const c = await createCove();
    const run = await syncNow(app, c.id);
    expect(run).toMatchObject({ status: 'succeeded', errors: [] });
    expect(run.counts).toMatchObject({ devices: 2, devices_skipped: 2, sessions_seen: 0 });
  });
});
