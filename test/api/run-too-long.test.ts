// max_runtime_seconds and the run_too_long alert, through the public API: pings and job reports
// start runs, the clock moves past the limit, the evaluator runs, and the alert is read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
const clock = new ManualClock(Date.parse('2026-11-20T00:00:00Z'));

beforeAll(async () => {
  // No background loops: each test runs the evaluator itself, at the time it set.
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
});
afterAll(async () => app.close());

interface Made {
  id: string;
  deviceId: string;
  path: string;
}

async function newCheck(name: string, extra: Record<string, unknown> = {}): Promise<Made> {
  const res = await app.request('POST', '/api/v1/checks', { body: { name, client: 'default', device: { name: `RTL-${name}` }, ...extra } });
  expect(res.status).toBe(201);
  return { id: res.body.id, deviceId: res.body.device_id, path: new URL(res.body.ping_url).pathname };
}

const ping = (path: string) => app.request('GET', path, { token: null });

async function evaluateAt(iso: string): Promise<void> {
  clock.set(Date.parse(iso));
  await app.kw.evaluator.runUntilIdle();
}

async function runTooLong(check: Made): Promise<Array<Record<string, any>>> {
  const res = await app.request('GET', `/api/v1/alerts?type=run_too_long&check=${check.id}&state=open,acknowledged,resolved,dismissed`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('max_runtime_seconds on a check', () => {
  it('is set at creation, shown in the check, changed and cleared by PATCH', async () => {
    const check = await newCheck('settable', { max_runtime_seconds: 5400 });
    expect((await app.request('GET', `/api/v1/checks/${check.id}`)).body.max_runtime_seconds).toBe(5400);
    const changed = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { max_runtime_seconds: 604800 } });
    expect(changed.status).toBe(200);
    expect(changed.body.max_runtime_seconds).toBe(604800);
    const cleared = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { max_runtime_seconds: null } });
    expect(cleared.body.max_runtime_seconds).toBeNull();
    expect((await newCheck('unset')).id).toBeTruthy();
    const unset = await app.request('GET', '/api/v1/checks?limit=500');
    expect(unset.body.items.find((c: { name: string }) => c.name === 'unset').max_runtime_seconds).toBeNull();
  });

  it.each([[59], [604801], [90.5], ['3600'], [-60], [true]])('answers 400 naming the field for max_runtime_seconds %j, on PATCH and on creation', async (value) => {
    const check = await newCheck(`bad-${JSON.stringify(value)}`);
    const patched = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { max_runtime_seconds: value } });
    expect(patched.status).toBe(400);
    expect(patched.body.errors.map((e: { field: string }) => e.field)).toContain('max_runtime_seconds');
    const created = await app.request('POST', '/api/v1/checks', { body: { name: 'never made', device: { name: 'RTL-never' }, max_runtime_seconds: value } });
    expect(created.status).toBe(400);
    expect(created.body.errors.map((e: { field: string }) => e.field)).toContain('max_runtime_seconds');
    expect((await app.request('GET', `/api/v1/checks/${check.id}`)).body.max_runtime_seconds).toBeNull();
  });
});

describe('run_too_long', () => {
  it('opens a warning when a started run passes its limit with no job arriving, and resolves it when the end arrives', async () => {
    const check = await newCheck('hung', { max_runtime_seconds: 3600 });
    clock.set(Date.parse('2026-11-20T01:00:00Z'));
    expect((await ping(`${check.path}/start`)).status).toBe(200);
    await evaluateAt('2026-11-20T01:59:00Z');
    expect(await runTooLong(check)).toEqual([]);

    // Only the deadline brings the evaluator back: nothing arrives between the start and now.
    await evaluateAt('2026-11-20T02:00:30Z');
    const [alert] = await runTooLong(check);
    expect(alert).toMatchObject({ state: 'open', severity: 'warning', type: 'run_too_long', check_id: check.id });
    expect(alert!.title).toContain('started 2026-11-20 01:00 UTC');
    expect(alert!.title).toContain('1 h limit');
    expect(alert!.detail).toMatchObject({ started_at: '2026-11-20T01:00:00.000Z', max_runtime_seconds: 3600 });

    clock.set(Date.parse('2026-11-20T02:30:00Z'));
    expect((await ping(check.path)).status).toBe(200);
    await app.kw.evaluator.runUntilIdle();
    const [after] = await runTooLong(check);
    expect(after).toMatchObject({ id: alert!.id, state: 'resolved' });
  });

  it('raises it for a job reported through the API as running, and resolves it when the same job reports its end', async () => {
    const check = await newCheck('api-run', { max_runtime_seconds: 600 });
    const report = { client: 'default', device: { name: 'RTL-api-run', class: 'server', type: 'server' }, check: { name: 'api-run', kind: 'backup' } };
    clock.set(Date.parse('2026-11-20T03:00:00Z'));
    const running = jobReport({ ...report, external_id: 'rtl-api-1', status: 'running', started_at: '2026-11-20T03:00:00Z', ended_at: null, bytes: null });
    expect((await app.request('POST', '/api/v1/jobs', { body: { jobs: [running] } })).status).toBeLessThan(300);
    await evaluateAt('2026-11-20T03:11:00Z');
    expect(await runTooLong(check)).toMatchObject([{ state: 'open', severity: 'warning' }]);

    const ended = { ...running, status: 'succeeded', ended_at: '2026-11-20T03:12:00Z', bytes: 1000 };
    clock.set(Date.parse('2026-11-20T03:12:00Z'));
    expect((await app.request('POST', '/api/v1/jobs', { body: { jobs: [ended] } })).status).toBeLessThan(300);
    await app.kw.evaluator.runUntilIdle();
    expect(await runTooLong(check)).toMatchObject([{ state: 'resolved' }]);
  });

  it('stays quiet when the run ends within the limit', async () => {
    const check = await newCheck('in-time', { max_runtime_seconds: 3600 });
    clock.set(Date.parse('2026-11-20T04:00:00Z'));
    await ping(`${check.path}/start`);
    await evaluateAt('2026-11-20T04:45:00Z');
    await ping(check.path);
    await app.kw.evaluator.runUntilIdle();
    await evaluateAt('2026-11-20T06:00:00Z');
    expect(await runTooLong(check)).toEqual([]);
  });

  it('is resolved when a newer run supersedes the stuck one', async () => {
    const check = await newCheck('superseded', { max_runtime_seconds: 600 });
    clock.set(Date.parse('2026-11-20T07:00:00Z'));
    await ping(`${check.path}/start?rid=first`);
    await evaluateAt('2026-11-20T07:20:00Z');
    expect(await runTooLong(check)).toMatchObject([{ state: 'open' }]);
    // A second run starts and finishes on its own run id; the first never reports its end.
    await ping(`${check.path}/start?rid=second`);
    clock.set(Date.parse('2026-11-20T07:25:00Z'));
    await ping(`${check.path}?rid=second`);
    await app.kw.evaluator.runUntilIdle();
    expect(await runTooLong(check)).toMatchObject([{ state: 'resolved' }]);
  });

  it('never raises it for a check without a max runtime', async () => {
    const check = await newCheck('no-limit');
    clock.set(Date.parse('2026-11-20T08:00:00Z'));
    await ping(`${check.path}/start`);
    await evaluateAt('2026-11-20T08:01:00Z');
    await evaluateAt('2026-11-27T09:00:00Z');
    expect(await runTooLong(check)).toEqual([]);
  });
});
