// The veeam-spc connector end to end: a real Keepwatch syncing over HTTP, through its public API,
// from a stand-in of the Veeam Service Provider Console REST API v3 (test/helpers/vspc-fake.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNamed, jobsOf, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { FakeVspc } from '../helpers/vspc-fake.js';

const T0 = '2026-11-20T06:00:00Z';
const MIN = 60_000;
const GiB = 2 ** 30;
let app: EngineApp;
let fake: FakeVspc;
let t0: number;
let acme: Record<string, unknown>;
let globex: Record<string, unknown>;
let acmeVmJob: Record<string, unknown>;
let globexVmJob: Record<string, unknown>;
let laptopJob: Record<string, unknown>;

/** Two companies: Acme (a VBR with a VM backup, a backup copy and SureBackup; a Veeam agent laptop) and Globex (a running VM backup; a failed agent file server). */
function seed(): void {
  acme = fake.addCompany('Acme Widgets');
  globex = fake.addCompany('Globex Corp');
  const acmeVbr = fake.addBackupServer(acme.instanceUid as string, 'ACME-VBR01');
  fake.addVm(acme.instanceUid as string, acmeVbr.instanceUid as string, 'acme-sql01', 50 * GiB);
  fake.addVm(acme.instanceUid as string, acmeVbr.instanceUid as string, 'acme-web01', 8 * GiB);
  const start = t0 - 3 * HOUR;
  acmeVmJob = fake.addServerJob(acmeVbr, {
    name: 'Acme VM backup',
    type: 'BackupVm',
    status: 'Failed',
    lastRun: new Date(start).toISOString(),
    lastEndTime: new Date(start + 40 * MIN).toISOString(),
    lastDuration: 2400,
    failureMessage: 'Processing acme-web01 Error: Failed to create VM snapshot.\r\nVM is locked.',
    lastSessionTasks: [
      FakeVspc.task('acme-sql01', 'Success', start, start + 30 * MIN),
      FakeVspc.task('acme-web01', 'Failed', start, start + 40 * MIN, { failureMessages: ['Error: Failed to create VM snapshot.', 'VM is locked.'] }),
    ],
  });
  fake.addServerJob(acmeVbr, {
    name: 'Acme offsite copy',
    type: 'BackupCopy',
    status: 'Warning',
    lastRun: new Date(start + HOUR).toISOString(),
    lastEndTime: new Date(start + 2 * HOUR).toISOString(),
    lastDuration: 3600,
    transferredData: 3 * GiB,
    failureMessage: 'Restore point for acme-web01 is not available on the source.',
  });
  fake.addServerJob(acmeVbr, { name: 'Acme SureBackup', type: 'SureBackup', status: 'Success', lastRun: new Date(start + 90 * MIN).toISOString(), lastEndTime: new Date(start + 100 * MIN).toISOString(), lastDuration: 600 });
  fake.addServerJob(acmeVbr, { name: 'Acme never run', type: 'BackupVm', status: 'None' });
  const laptop = fake.addComputer(acme.instanceUid as string, 'ACME-LAPTOP7', 'Workstation');
  laptopJob = fake.addAgentJob(laptop, { name: 'Laptop backup', status: 'Success', lastRun: new Date(t0 - 5 * HOUR).toISOString(), lastEndTime: new Date(t0 - 4.5 * HOUR).toISOString(), lastDuration: 1800, backedUpSize: 20 * GiB });

  // The provider's own (hosted) backup server: its job is assigned to Acme.
  const hosted = fake.addBackupServer('9f0c1b9e-0000-4000-8000-provider0001', 'PROVIDER-VBR');
  fake.addServerJob(hosted, {
    name: 'Acme hosted backup',
    type: 'BackupVm',
    status: 'Success',
    mappedOrganizationUid: acme.instanceUid,
    lastRun: new Date(start).toISOString(),
    lastEndTime: new Date(start + 20 * MIN).toISOString(),
    lastDuration: 1200,
    lastSessionTasks: [FakeVspc.task('acme-hosted01', 'Success', start, start + 20 * MIN)],
  });

  const glxVbr = fake.addBackupServer(globex.instanceUid as string, 'GLX-VBR');
  fake.addVm(globex.instanceUid as string, glxVbr.instanceUid as string, 'glx-dc01', 12 * GiB);
  // Started 5 hours ago and still running: longer than the overlap window.
  globexVmJob = fake.addServerJob(glxVbr, { name: 'Globex nightly', type: 'BackupVm', status: 'Running', lastRun: new Date(t0 - 5 * HOUR).toISOString(), lastSessionTasks: [FakeVspc.task('glx-dc01', 'Running', t0 - 5 * HOUR, null)] });
  const fs = fake.addComputer(globex.instanceUid as string, 'GLX-FS01', 'Server');
  fake.addAgentJob(fs, { name: 'File server backup', status: 'Failed', lastRun: new Date(t0 - 2 * HOUR).toISOString(), lastEndTime: new Date(t0 - 2 * HOUR + 5 * MIN).toISOString(), lastDuration: 300, failureMessage: 'There is not enough space on the disk.' });
}

beforeEach(async () => {
  app = await startEngine(T0);
  t0 = app.clock.now();
  fake = await FakeVspc.start();
  seed();
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const config = (overrides: Record<string, unknown> = {}) => ({ url: fake.url, api_key: fake.apiKey, ...overrides });
async function create(overrides: Record<string, unknown> = {}, name = 'Our VSPC'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'veeam-spc', name, config: config(overrides) } });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}
const sync = async (id: string) => {
  const run = await syncNow(app, id);
  await app.evaluate();
  return run;
};
const clientNamed = async (name: string) => (await app.request('GET', `/api/v1/clients?limit=100&q=${encodeURIComponent(name)}`)).body.items.find((c: any) => c.name === name);
/** Every job of every device. */
async function allJobs(): Promise<any[]> {
  const devices = (await app.request('GET', '/api/v1/devices?limit=500')).body.items;
  const out: any[] = [];
  for (const d of devices) out.push(...(await app.request('GET', `/api/v1/devices/${d.id}/jobs?limit=500`)).body.items);
  return out;
}

describe('first sync', () => {
  it('maps companies to clients, machines to devices, jobs to checks and latest sessions to jobs', async () => {
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ companies: 2, companies_failed: 0, protected_vms: 3, protected_computers: 2, jobs_seen: 8, jobs_recorded: 8, jobs_created: 8, jobs_without_session: 1, hosted_jobs_read: 1 });
    expect(fake.requests.every((r) => r.authorization === `Bearer ${fake.apiKey}`)).toBe(true);

    const acmeClient = await clientNamed('Acme Widgets');
    const globexClient = await clientNamed('Globex Corp');
    expect(acmeClient).toBeDefined();
    expect(globexClient).toBeDefined();

    const sql = await deviceNamed(app, 'acme-sql01');
    expect(sql).toMatchObject({ client_id: acmeClient.id, class: 'server', type: 'vm' });
    expect(sql.storage_used_bytes ?? sql.facts?.storage_used_bytes).toBe(50 * GiB);
    const [sqlJob] = await jobsOf(app, 'acme-sql01');
    expect(sqlJob).toMatchObject({ status: 'succeeded', raw_status: 'Success', operation: 'backup', source: c.source, bytes: 2 * GiB, duration_seconds: 1800 });
    const task = (acmeVmJob.lastSessionTasks as any[])[0];
    expect(sqlJob.external_id).toBe(`task:${task.instanceUid}`);

    const [web] = await jobsOf(app, 'acme-web01');
    expect(web).toMatchObject({ status: 'failed', message: 'Error: Failed to create VM snapshot.\nVM is locked.' });

    // Jobs without per-VM tasks land on their backup server: a copy (warning) and a verification.
    const vbr = await deviceNamed(app, 'ACME-VBR01');
    expect(vbr).toMatchObject({ client_id: acmeClient.id, class: 'server' });
    const checks = Object.fromEntries(vbr.checks.map((k: any) => [k.name, k.kind]));
    expect(checks).toEqual({ 'Acme offsite copy': 'copy', 'Acme SureBackup': 'verification' });
    const vbrJobs = await jobsOf(app, 'ACME-VBR01');
    expect(vbrJobs.find((j: any) => j.operation === 'copy')).toMatchObject({ status: 'warning', message: 'Restore point for acme-web01 is not available on the source.', bytes: 3 * GiB });

    // A job of the provider's hosted server assigned to Acme lands in Acme.
    expect(await deviceNamed(app, 'acme-hosted01')).toMatchObject({ client_id: acmeClient.id, type: 'vm' });

    const laptop = await deviceNamed(app, 'ACME-LAPTOP7');
    expect(laptop).toMatchObject({ client_id: acmeClient.id, class: 'workstation' });
    expect((await jobsOf(app, 'ACME-LAPTOP7'))[0]).toMatchObject({ status: 'succeeded', duration_seconds: 1800 });

    expect(await deviceNamed(app, 'GLX-FS01')).toMatchObject({ client_id: globexClient.id, class: 'server' });
    expect((await jobsOf(app, 'GLX-FS01'))[0]).toMatchObject({ status: 'failed', message: 'There is not enough space on the disk.' });
    expect((await jobsOf(app, 'glx-dc01'))[0]).toMatchObject({ status: 'running', ended_at: null });

    const failed = (await app.alerts()).filter((a: any) => a.type === 'job_failed').map((a: any) => a.device_name).sort();
    expect(failed).toEqual(expect.arrayContaining(['GLX-FS01', 'acme-web01']));
  });

  it('re-syncing the same sessions creates nothing new', async () => {
    const c = await create();
    await sync(c.id);
    const before = (await allJobs()).length;
    app.clock.advance(HOUR);
    const again = await sync(c.id);
    expect(again.counts).toMatchObject({ jobs_created: 0, jobs_recorded: 0 });
    expect(again.counts.jobs_unchanged).toBeGreaterThan(0);
    expect((await allJobs()).length).toBe(before);
  });
});

describe('incremental sync', () => {
  it('reads from the last sync minus the overlap, reaches back for sessions still running, and records new sessions', async () => {
    const c = await create({ overlap_minutes: 60 });
    await sync(c.id);
    const first = fake.requestsTo('/infrastructure/backupAgents/jobs').map((r) => JSON.parse(r.query.get('filter')!));
    // The first sync reads every job's latest session of each company.
    expect(first.map((f) => f.map((x: any) => x.property))).toEqual([['organizationUid'], ['organizationUid']]);
    fake.requests.length = 0;

    app.clock.advance(HOUR);
    // The laptop ran again; Globex's long backup finished.
    fake.runAgentJob(laptopJob, 'Success', t0 + 10 * MIN, t0 + 25 * MIN);
    fake.finishServerJob(globexVmJob, 'Success', t0 + 20 * MIN);
    const second = await sync(c.id);
    expect(second.status).toBe('succeeded');

    const filters = (path: string) => fake.requestsTo(path).map((r) => JSON.parse(r.query.get('filter')!));
    const lastRunOf = (f: any[]) => f.find((x) => x.property === 'lastRun');
    const byOrg = (path: string, uid: unknown) => filters(path).find((f) => f[0].value === uid)!;
    // Acme: from the previous sync (T0) minus the 60-minute overlap.
    expect(lastRunOf(byOrg('/infrastructure/backupAgents/jobs', acme.instanceUid))).toEqual({ property: 'lastRun', operation: 'greaterThanOrEqual', value: new Date(t0 - HOUR).toISOString() });
    // Globex: back to the start of the session that was running.
    expect(lastRunOf(byOrg('/infrastructure/backupServers/jobs', globex.instanceUid)).value).toBe(new Date(t0 - 5 * HOUR).toISOString());

    const laptop = await jobsOf(app, 'ACME-LAPTOP7');
    expect(laptop.map((j: any) => j.status)).toEqual(['succeeded', 'succeeded']);
    const dc = await jobsOf(app, 'glx-dc01');
    expect(dc).toHaveLength(1);
    expect(dc[0]).toMatchObject({ status: 'succeeded' });
    expect(second.counts.jobs_created).toBe(1);
  });

  it('records a new session of a job (new task UIDs) beside the one it replaced', async () => {
    const c = await create();
    await sync(c.id);
    app.clock.advance(HOUR);
    // A new session of the Globex job: new task UIDs.
    globexVmJob.lastSessionTasks = [FakeVspc.task('glx-dc01', 'Success', t0 + 5 * MIN, t0 + 30 * MIN)];
    globexVmJob.status = 'Success';
    globexVmJob.lastRun = new Date(t0 + 5 * MIN).toISOString();
    const run = await sync(c.id);
    expect(run.counts.jobs_created).toBe(1);
    const dc = await jobsOf(app, 'glx-dc01');
    expect(dc.map((j: any) => j.status).sort()).toEqual(['running', 'succeeded']);
  });
});

describe('paging, throttling, failures', () => {
  it('follows limit/offset paging to the total', async () => {
    for (let i = 0; i < 620; i++) {
      const pc = fake.addComputer(acme.instanceUid as string, `ACME-PC-${String(i).padStart(4, '0')}`, 'Workstation');
      fake.addAgentJob(pc, { name: 'Workstation backup', status: 'Success', lastRun: new Date(t0 - 2 * HOUR).toISOString(), lastEndTime: new Date(t0 - HOUR).toISOString(), lastDuration: 3600 });
    }
    const c = await create();
    const run = await sync(c.id);
    expect(run.status).toBe('succeeded');
    const calls = fake.requestsTo('/infrastructure/backupAgents/jobs').filter((r) => r.query.get('filter')!.includes(String(acme.instanceUid)));
    expect(calls.map((r) => [r.query.get('limit'), r.query.get('offset')])).toEqual([
      ['500', '0'],
      ['500', '500'],
    ]);
    expect(fake.requestsTo('/protectedWorkloads/computersManagedByConsole').map((r) => r.query.get('offset'))).toEqual(['0', '500']);
    expect(await jobsOf(app, 'ACME-PC-0619')).toHaveLength(1);
    expect(run.counts.agent_jobs_read).toBe(622);
  });

  it('waits out 429 as Retry-After asks, and gives up with integration_quota when throttling persists', async () => {
    const c = await create();
    fake.throttle = { remaining: 3, retryAfter: 7 };
    const before = app.clock.now();
    const ok = await sync(c.id);
    expect(ok).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(ok.counts).toMatchObject({ throttled: 3, throttle_wait_ms: 21_000 });
    expect(app.clock.now() - before).toBeGreaterThanOrEqual(21_000);

    fake.throttle = { remaining: 100_000, retryAfter: 120 };
    const throttled = await sync(c.id);
    expect(throttled).toMatchObject({ status: 'failed', outcome: 'quota' });
    expect(await app.alerts('type=integration_quota')).toHaveLength(1);
    fake.throttle = { remaining: 0, retryAfter: 0 };
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_quota')).toEqual([]);
  });

  it('isolates a company whose reads fail, and reads its whole window again next time', async () => {
    fake.failingCompanies.add(String(globex.instanceUid).toLowerCase());
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.errors).toEqual([{ scope: 'company Globex Corp', kind: 'other', message: expect.stringContaining('did not answer') }]);
    expect(await deviceNamed(app, 'acme-sql01')).toBeDefined();
    expect(await deviceNamed(app, 'GLX-FS01')).toBeUndefined();
    const health = (await app.request('GET', `/api/v1/connectors/${c.id}`)).body;
    expect(health).toMatchObject({ health: 'failing' });
    expect(health.health_detail).toContain('company Globex Corp');

    fake.failingCompanies.clear();
    fake.requests.length = 0;
    app.clock.advance(HOUR);
    const next = await sync(c.id);
    expect(next.status).toBe('succeeded');
    // Globex has no cursor yet: no lastRun filter, its whole state is read.
    const glx = fake.requestsTo('/infrastructure/backupAgents/jobs').map((r) => JSON.parse(r.query.get('filter')!)).find((f) => f[0].value === globex.instanceUid);
    expect(glx).toHaveLength(1);
    expect(await deviceNamed(app, 'GLX-FS01')).toBeDefined();
  });
});

describe('credentials and test connection', () => {
  it('a refused key raises integration_auth with the console message; a good key resolves it', async () => {
    const c = await create();
    expect((await sync(c.id)).outcome).toBe('ok');
    const good = fake.apiKey;
    fake.apiKey = 'rotated-key';
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain('401');
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert).toMatchObject({ severity: 'critical', integration_id: c.id });

    fake.apiKey = good;
    const patched = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { api_key: good } } });
    expect(patched.status).toBe(200);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
  });

  it('test connection names the failing step', async () => {
    const c = await create();
    const test = async (id: string) => (await app.request('POST', `/api/v1/connectors/${id}/test`)).body;
    const ok = await test(c.id);
    expect(ok.ok).toBe(true);
    expect(ok.steps.map((s: any) => [s.step, s.ok])).toEqual([
      ['reach', true],
      ['auth', true],
      ['permission', true],
    ]);
    expect(ok.steps[2].message).toContain('2 companies');

    fake.forbidden.add('/infrastructure/backupAgents/jobs');
    const denied = await test(c.id);
    expect(denied.steps.map((s: any) => [s.step, s.ok])).toEqual([
      ['reach', true],
      ['auth', true],
      ['permission', false],
    ]);
    expect(denied.steps[2].message).toContain('/infrastructure/backupAgents/jobs');
    fake.forbidden.clear();

    const wrong = await create({ api_key: 'not-the-key' }, 'Wrong key');
    const bad = await test(wrong.id);
    expect(bad.ok).toBe(false);
    expect(bad.steps.map((s: any) => [s.step, s.ok])).toEqual([
      ['reach', true],
      ['auth', false],
    ]);

    const gone = await create({ url: 'http://127.0.0.1:1' }, 'Nowhere');
    const unreachable = await test(gone.id);
    expect(unreachable.steps.map((s: any) => [s.step, s.ok])).toEqual([['reach', false]]);
    // A test records nothing.
    expect(await allJobs()).toEqual([]);
  });

  it('never answers the key, and names bad config fields in a 400', async () => {
    const c = await create();
    expect(c.config).toMatchObject({ api_key: '***', url: fake.url });
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.config.api_key).toBe('***');
    const list = (await app.request('GET', '/api/v1/connectors')).body;
    expect(JSON.stringify(list)).not.toContain(fake.apiKey);
    // The console's form, from the schema: the key write-only, TLS and overlap folded away.
    const form = (await app.request('GET', '/api/v1/connector-types')).body.items.find((t: any) => t.type === 'veeam-spc');
    expect(form.label).toBe('Veeam Service Provider Console');
    expect(form.fields.filter((f: any) => f.required).map((f: any) => f.name)).toEqual(['url', 'api_key']);
    expect(form.fields.find((f: any) => f.name === 'api_key')).toMatchObject({ secret: true, label: 'API key' });
    expect(form.fields.filter((f: any) => f.advanced).map((f: any) => f.name)).toEqual(['fingerprint', 'insecure_tls', 'overlap_minutes']);

    const post = (cfg: Record<string, unknown>) => app.request('POST', '/api/v1/connectors', { body: { type: 'veeam-spc', name: 'x', config: cfg } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: fake.url }, 'config.api_key'],
      [{ api_key: 'k' }, 'config.url'],
      [{ url: 'ftp://vspc.example', api_key: 'k' }, 'config.url'],
      [{ url: fake.url, api_key: '***' }, 'config.api_key'],
      [{ url: fake.url, api_key: 'k', fingerprint: 'abc' }, 'config.fingerprint'],
      [{ url: fake.url, api_key: 'k', interval_minutes: 1 }, 'config.interval_minutes'],
      [{ url: fake.url, api_key: 'k', tenant: 'x' }, 'config.tenant'],
    ];
    for (const [cfg, field] of cases) {
      const res = await post(cfg);
      expect(res.status, JSON.stringify(cfg)).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    // A stored key never follows a changed URL.
    const moved = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { url: 'https://elsewhere.example:1280' } } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].field).toBe('config.api_key');
  });
});
