// The Veeam Backup & Replication connector end to end: a real Keepwatch syncing over HTTP from a
// stand-in of a backup server's REST API (test/helpers/vbr-fake.ts), through Keepwatch's public API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNamed, jobsOf } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { type FakeVbr, startFakeVbr } from '../helpers/vbr-fake.js';

const T0 = '2026-11-20T06:00:00Z';
const MIN = 60_000;
let app: EngineApp;
let fake: FakeVbr;

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const ok = { result: 'Success' as const, message: '', isCanceled: false };

/** A night of jobs: a backup of three VMs (one warning, one failed), a backup copy, SureBackup, replication, an agent backup still running. */
function seed(now: number) {
  const at = (h: number) => iso(now - h * HOUR);
  fake.addSession({ name: 'Daily VMs', sessionType: 'BackupJob', creationTime: at(6), endTime: at(5), result: { result: 'Failed', message: '1 of 3 VMs failed', isCanceled: false } }, [
    { name: 'dc01', result: ok },
    { name: 'sql01', result: { result: 'Warning', message: 'Changed block tracking is disabled', isCanceled: false } },
    { name: 'web01', result: { result: 'Failed', message: "Error: Failed to create VM snapshot. Detail: 'The operation is not allowed in the current state.'", isCanceled: false } },
  ]);
  fake.addSession({ name: 'Offsite copy', sessionType: 'BackupCopyJob', creationTime: at(4.5), endTime: at(4) }, [{ name: 'dc01' }, { name: 'sql01' }]);
  fake.addSession({ name: 'Weekly SureBackup', sessionType: 'SureBackupJob', creationTime: at(3.5), endTime: at(3.2) }, [{ name: 'dc01' }]);
  fake.addSession({ name: 'DR replica', sessionType: 'ReplicaJob', creationTime: at(2.5), endTime: at(2.4) }, [{ name: 'sql01' }]);
  fake.addSession({ name: 'Laptops', sessionType: 'BackupJob', platformName: 'WindowsPhysical', state: 'Working', creationTime: at(1.5), endTime: null }, [{ name: 'ceo-laptop', state: 'Working', result: { result: 'None', message: '', isCanceled: false } }]);
  // Not a backup: a restore session is left alone.
  fake.addSession({ name: 'Restore dc01', sessionType: 'RestoreVm', creationTime: at(1), endTime: at(0.9) }, [{ name: 'dc01' }]);
}

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await startFakeVbr(app.clock.now());
  seed(app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const config = (over: Record<string, unknown> = {}) => ({ url: fake.url, username: fake.username, password: fake.password, ...over });
async function create(over: Record<string, unknown> = {}, name = 'Contoso VBR'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'veeam-vbr', name, config: config(over) } });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}
async function sync(id: string): Promise<any> {
  const res = await app.request('POST', `/api/v1/connectors/${id}/sync`);
  if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${res.text}`);
  await app.evaluate();
  return res.body;
}
const taskCalls = () => fake.calls(/\/taskSessions$/).length;

describe('first sync', () => {
  it("records each machine of each job session on the job's check, under the connector's client", async () => {
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', errors: [] });
    expect(run.counts).toMatchObject({ repositories: 2, sessions_seen: 7, sessions_read: 6, task_sessions: 8 });

    const devices = (await app.request('GET', '/api/v1/devices?limit=500')).body.items;
    const host = new URL(fake.url).hostname;
    expect(devices.map((d: any) => d.name).sort()).toEqual(['127.0.0.1', 'Backup Repository 1', 'Default Backup Repository', 'ceo-laptop', 'dc01', 'sql01', 'web01'].sort());
    const [client] = (await app.request('GET', '/api/v1/clients?q=Contoso')).body.items;
    expect(client.name).toBe('Contoso VBR');
    expect(new Set(devices.map((d: any) => d.client_id))).toEqual(new Set([client.id]));

    // Checks are the jobs, with their kinds.
    const checks = (name: string) => deviceNamed(app, name).then((d: any) => d.checks.map((k: any) => `${k.name}/${k.kind}`).sort());
    expect(await checks('dc01')).toEqual(['Daily VMs/backup', 'Offsite copy/copy', 'Weekly SureBackup/verification']);
    expect(await checks('sql01')).toEqual(['DR replica/replication', 'Daily VMs/backup', 'Offsite copy/copy']);

    // Per-machine results and messages; sizes from the task's transferred size.
    const backup = async (name: string) => (await jobsOf(app, name)).find((j: any) => j.operation === 'backup');
    expect(await backup('dc01')).toMatchObject({ status: 'succeeded', raw_status: 'Success', bytes: 2_147_483_648, source: c.source });
    expect(await backup('sql01')).toMatchObject({ status: 'warning', message: 'Changed block tracking is disabled' });
    expect(await backup('web01')).toMatchObject({ status: 'failed', message: expect.stringContaining('Failed to create VM snapshot') });
    const [laptop] = await jobsOf(app, 'ceo-laptop');
    expect(laptop).toMatchObject({ status: 'running', raw_status: 'Working', ended_at: null });
    expect((await deviceNamed(app, 'ceo-laptop')).type).toBe('physical');
    expect((await deviceNamed(app, 'dc01')).type).toBe('vm');

    // The specification's example session failed before any machine: recorded on the backup server.
    const [example] = await jobsOf(app, host);
    expect(example).toMatchObject({ status: 'failed', message: 'Creating synthetic full backup (22% done)', external_id: 'session:c924ee2f-1197-4b37-8de3-009c1977f347' });
    expect((await deviceNamed(app, host)).checks.map((k: any) => k.name)).toEqual(['Backup Job 1']);

    // Repository space as facts (the example: 99.4 GB, 16.4 GB free, 30.4 GB used).
    const repo = await deviceNamed(app, 'Default Backup Repository');
    expect(repo).toMatchObject({ type: 'backup_repository', storage_quota_bytes: Math.round(99.4 * 1024 ** 3), storage_used_bytes: Math.round(30.4 * 1024 ** 3), free_space_percent: 16.5 });

    // The failed VM alerts; the running laptop does not.
    const alerts = await app.alerts();
    expect(alerts.filter((a: any) => a.device_name === 'web01').map((a: any) => a.type)).toEqual(['job_failed']);

    // Every call carried the API version; the first asked for the sessions of the last 30 days.
    expect(fake.server.requests.every((r) => r.headers['x-api-version'] === '1.2-rev1')).toBe(true);
    const [list] = fake.calls(/^\/api\/v1\/sessions$/);
    expect(list!.query.get('createdAfterFilter')).toBe(new Date(app.clock.now() - 30 * 24 * HOUR).toISOString());
  });

  it("puts the machines in the client named by `client`, through the tenant mapping", async () => {
    await create({ client: 'Fabrikam Inc' });
    const c = (await app.request('GET', '/api/v1/connectors')).body.items[0];
    await sync(c.id);
    const [client] = (await app.request('GET', '/api/v1/clients?q=Fabrikam')).body.items;
    expect((await deviceNamed(app, 'dc01')).client_id).toBe(client.id);
    // The backup server is the connector's one tenant, mappable in the console like any other.
    const tenants = (await app.request('GET', `/api/v1/connectors/${c.id}/tenants`)).body.items;
    expect(tenants).toEqual([expect.objectContaining({ tenant_id: 'backup-server', tenant_name: 'Fabrikam Inc', client_id: client.id })]);
  });
});

describe('incremental sync', () => {
  it('re-reads nothing unchanged, finishes what was running, and reaches back for it past the overlap', async () => {
    const c = await create({ overlap_minutes: 600 });
    await sync(c.id);
    const reads = taskCalls();

    // At once, the whole night in the overlap: every finished session is known; only the running one is read again.
    const again = await sync(c.id);
    expect(again.counts).toMatchObject({ jobs_created: 0, sessions_read: 1, sessions_unchanged: 5 });
    expect(taskCalls() - reads).toBe(1);
    expect((await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { overlap_minutes: 60 } } })).status).toBe(200);

    // Two hours later: the laptop backup finished (it started before the overlap window) and a new session ran.
    app.clock.advance(2 * HOUR);
    const now = app.clock.now();
    const laptops = fake.sessions.find((s) => s.name === 'Laptops')!;
    Object.assign(laptops, { state: 'Stopped', endTime: iso(now - HOUR), result: ok });
    Object.assign(fake.tasks.get(laptops.id)![0]!, { state: 'Stopped', endTime: iso(now - HOUR), result: ok });
    fake.addSession({ name: 'Daily VMs', sessionType: 'BackupJob', creationTime: iso(now - 30 * MIN), endTime: iso(now - 10 * MIN) }, [{ name: 'web01' }]);
    const third = await sync(c.id);
    expect(third).toMatchObject({ status: 'succeeded' });
    expect(third.counts).toMatchObject({ jobs_created: 1, sessions_read: 2 });
    expect((await jobsOf(app, 'ceo-laptop')).map((j: any) => j.status)).toEqual(['succeeded']);
    expect((await jobsOf(app, 'web01')).map((j: any) => j.status)).toEqual(['succeeded', 'failed']);
    // The window reached back to the laptop session (3.5 h ago), past the 60-minute overlap.
    const last = fake.calls(/^\/api\/v1\/sessions$/).at(-1)!;
    expect(last.query.get('createdAfterFilter')).toBe(new Date(Date.parse(laptops.creationTime) - 1000).toISOString());
    expect((await app.alerts('type=job_failed')).map((a: any) => a.device_name)).not.toContain('web01');
  });

  it('follows skip/limit pagination of sessions and task sessions', async () => {
    fake.pageCap = 2;
    for (let i = 0; i < 3; i++) fake.addSession({ name: `Paged ${i}`, creationTime: iso(app.clock.now() - (10 + i) * MIN), endTime: iso(app.clock.now() - 5 * MIN) }, [{ name: `p${i}-a` }, { name: `p${i}-b` }, { name: `p${i}-c` }]);
    const c = await create();
    const run = await sync(c.id);
    expect(run.status).toBe('succeeded');
    const lists = fake.calls(/^\/api\/v1\/sessions$/);
    expect(lists.map((r) => r.query.get('skip'))).toEqual(['0', '2', '4', '6', '8']);
    for (let i = 0; i < 3; i++) for (const m of ['a', 'b', 'c']) expect(await jobsOf(app, `p${i}-${m}`)).toHaveLength(1);
    expect(fake.calls(/\/taskSessions$/).filter((r) => r.query.get('skip') === '2').length).toBeGreaterThanOrEqual(3);
  });

  it('refreshes its token with the refresh token when a long sync outlives it', async () => {
    const c = await create();
    // Each task-session read takes a quarter of an hour of the (manual) clock: the 15-minute token runs out midway.
    fake.beforeAnswer = (r) => {
      if (r.path.endsWith('/taskSessions')) app.clock.advance(15 * MIN);
    };
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(fake.refreshes).toBeGreaterThanOrEqual(1);
    expect(fake.calls(/^\/api\/oauth2\/token$/).filter((r) => String(r.body).includes('grant_type=password'))).toHaveLength(1);
  });
});

describe('when the server pushes back', () => {
  it('waits out 429 as Retry-After asks', async () => {
    const c = await create();
    fake.throttle(3, 7);
    const before = app.clock.now();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(run.counts).toMatchObject({ throttled: 3, throttle_wait_ms: 21_000 });
    expect(app.clock.now() - before).toBeGreaterThanOrEqual(21_000);
  });

  it('gives up with integration_quota when throttling does not let up', async () => {
    const c = await create();
    fake.throttle(1000, 60);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'failed', outcome: 'quota' });
    expect((await app.alerts('type=integration_quota'))[0]).toMatchObject({ integration_id: c.id });
  });

  it('isolates a session whose machines cannot be read, and reads it again next time', async () => {
    const daily = fake.sessions.find((s) => s.name === 'Daily VMs')!;
    fake.failing.set(daily.id, { status: 500, errorCode: 'UnknownError', message: 'The database is busy' });
    const c = await create();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.errors).toEqual([{ scope: 'session Daily VMs', kind: 'other', message: expect.stringContaining('UnknownError: The database is busy') }]);
    expect(await deviceNamed(app, 'web01')).toBeUndefined();
    expect((await jobsOf(app, 'dc01')).map((j: any) => j.operation).sort()).toEqual(['copy', 'verification']);
    const health = (await app.request('GET', `/api/v1/connectors/${c.id}`)).body;
    expect(health).toMatchObject({ health: 'failing' });

    // Fixed, three hours later (the session is older than the overlap): it is read.
    fake.failing.clear();
    app.clock.advance(3 * HOUR);
    const next = await sync(c.id);
    expect(next).toMatchObject({ status: 'succeeded', errors: [] });
    expect((await jobsOf(app, 'web01')).map((j: any) => j.status)).toEqual(['failed']);
  });
});

describe('credentials and settings', () => {
  it('a wrong password raises integration_auth, named by the test; the right one resolves it', async () => {
    const c = await create();
    expect((await sync(c.id)).outcome).toBe('ok');
    fake.password = 'changed-on-the-server';
    fake.revokeTokens();
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toContain('Invalid user name or password');
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert).toMatchObject({ severity: 'critical', integration_id: c.id });

    const report = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(report).toEqual({ ok: false, steps: [{ step: 'token', ok: false, message: expect.stringContaining(`refused user ${fake.username}`) }] });

    expect((await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { password: 'changed-on-the-server' } } })).status).toBe(200);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    const good = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(good).toMatchObject({ ok: true });
    expect(good.steps.map((s: any) => s.step)).toEqual(['token', 'sessions', 'repositories']);
  });

  it('names the step a missing role fails, and a refused part of a sync is an auth problem', async () => {
    fake.forbidden.add('/api/v1/backupInfrastructure/repositories/states');
    const c = await create();
    const report = (await app.request('POST', `/api/v1/connectors/${c.id}/test`)).body;
    expect(report.ok).toBe(false);
    expect(report.steps.map((s: any) => [s.step, s.ok])).toEqual([
      ['token', true],
      ['sessions', true],
      ['repositories', false],
    ]);
    expect(report.steps[2].message).toMatch(/AccessDenied.*Veeam Backup Viewer role/);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'auth' });
    expect(run.errors.map((e: any) => e.scope)).toEqual(['repositories']);
    expect(await deviceNamed(app, 'dc01')).toBeDefined();
  });

  it('fetches a new token once when the server forgets the one it gave', async () => {
    const c = await create();
    fake.beforeAnswer = (r) => {
      if (r.path.endsWith('/taskSessions') && fake.tokensIssued === 1) fake.revokeTokens();
    };
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(fake.tokensIssued).toBe(2);
  });

  it('never answers the password, and names each bad field', async () => {
    const c = await create();
    expect(c.config).toMatchObject({ password: '***', username: fake.username, url: fake.url, client: 'Contoso VBR' });
    expect(JSON.stringify((await app.request('GET', '/api/v1/connectors')).body)).not.toContain(fake.password);
    expect(JSON.stringify((await app.request('GET', `/api/v1/connectors/${c.id}`)).body)).not.toContain(fake.password);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: undefined }, 'config.url'],
      [{ username: undefined }, 'config.username'],
      [{ password: undefined }, 'config.password'],
      [{ password: '***' }, 'config.password'],
      [{ url: 'ftp://vbr.example:9419' }, 'config.url'],
      [{ fingerprint: 'not-a-fingerprint' }, 'config.fingerprint'],
      [{ overlap_minutes: -1 }, 'config.overlap_minutes'],
      [{ api_key: 'x' }, 'config.api_key'],
    ];
    for (const [over, field] of cases) {
      const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'veeam-vbr', name: 'bad', config: config(over) } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const moved = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { url: 'https://vbr2.example:9419' } } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: any) => e.field)).toContain('config.password');
    const body = (await app.request('GET', '/api/v1/connector-types')).body;
    const vbr = (body.items ?? body).find((t: any) => t.type === 'veeam-vbr');
    expect(vbr.fields.find((f: any) => f.name === 'password')).toMatchObject({ secret: true, required: true });
  });
});
