// Bounded input (issue #17, item 2): every operation of the OpenAPI document, driven with requests
// generated from its schemas, answers without a 5xx, a hang or a dropped connection; no stored value
// can make a read fail; and a mixed load afterwards stays free of 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzOpenApi, mixedLoad } from '../helpers/fuzz.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { TEST_DIALECT } from '../helpers/db.js';

let app: TestApp;
/** A device of a client the fuzzer never names, whose jobs list must keep answering. */
let sentinelDevice: string;
beforeAll(async () => {
  app = await startApp();
  const res = await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Sentinel Co', device: { name: 'SENTINEL-01' } }) });
  sentinelDevice = res.body.items[0].device_id;
});
afterAll(async () => app.close());

async function listsAnswer200() {
  const lists = ['/api/v1/checks', '/api/v1/devices', '/api/v1/clients', '/api/v1/alerts', `/api/v1/devices/${sentinelDevice}/jobs`, '/api/v1/grid'];
  for (const path of lists) {
    const res = await app.request('GET', path);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
  }
}

async function newCheck(name: string, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/api/v1/checks', { body: { name, client: 'Fuzz Co', device: { name: `${name}-DEV` }, ...extra } });
  expect(res.status).toBe(201);
  return res.body as { id: string; device_id: string; client_id: string; ping_url: string };
}

describe('the issue’s cases', () => {
  it('refuses a grace of 1e308 seconds with a 400 naming grace_seconds, and the lists still answer', async () => {
    const check = await newCheck('Huge grace');
    const res = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { grace_seconds: 1e308 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['grace_seconds']);
    await listsAnswer200();
  });

  it('bounds grace to 365 days and schedules to once a year', async () => {
    const check = await newCheck('Year grace');
    expect((await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { grace_seconds: 365 * 86400 } })).status).toBe(200);
    const over = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { grace_seconds: 365 * 86400 + 1 } });
    expect(over.status).toBe(400);
    const interval = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { schedule: { type: 'interval', interval_seconds: 1e308 } } });
    expect(interval.status).toBe(400);
    expect(interval.body.errors.map((e: { field: string }) => e.field)).toContain('schedule.interval_seconds');
  });

  it('pauses a check whose grace an older version stored out of range, and still lists it', async () => {
    const check = await newCheck('Pause me', { schedule: { type: 'cron', cron: '0 2 * * *', tz: 'Europe/Berlin' }, grace_seconds: 3600 });
    await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Fuzz Co', device: { name: 'Pause me-DEV' }, check: { name: 'Pause me', kind: 'backup' } }) });
    // What `{"grace_seconds": 1e308}` left behind: Infinity on SQLite; PostgreSQL's bigint holds at most 9.2e18.
    const stored = TEST_DIALECT === 'sqlite' ? 1e308 * 1000 : 9e18;
    await app.kw.database.db.updateTable('checks').set({ grace_ms: stored, interval_ms: stored }).where('id', '=', check.id).execute();
    const res = await app.request('PATCH', `/api/v1/checks/${check.id}`, { body: { paused: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paused: true, state: 'paused' });
    await listsAnswer200();
  });

  it('answers an empty grid `to=` with a 400 naming to', async () => {
    for (const q of ['to=', 'from=', 'to=2026-13-45', 'from=yesterday']) {
      const res = await app.request('GET', `/api/v1/grid?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.body.errors[0].field).toBe(q.split('=')[0]);
    }
  });

  it('answers a compliance report or an export with an empty or impossible bound with a 400 naming it', async () => {
    for (const path of ['/api/v1/reports/compliance', '/api/v1/exports/jobs']) {
      for (const q of ['to=', 'from=', 'from=2026-02-30T25:00:00Z', 'to=not-a-date']) {
        const res = await app.request('GET', `${path}?${q}`);
        expect({ path, q, status: res.status }).toEqual({ path, q, status: 400 });
        expect(res.body.errors[0].field).toBe(q.split('=')[0]);
      }
    }
  });

  it('still lists checks and devices when an older version stored an out-of-range time or size', async () => {
    const check = await newCheck('Old row');
    const db = app.kw.database.db;
    await db.updateTable('checks').set({ last_job_at: 9e15, next_due_at: -9e15 }).where('id', '=', check.id).execute();
    await db.updateTable('devices').set({ last_job_at: 9e15, free_space_percent: 1e300 }).where('id', '=', check.device_id).execute();
    await listsAnswer200();
    const got = await app.request('GET', `/api/v1/checks/${check.id}`);
    expect(got.status).toBe(200);
    expect(got.body.last_job_at).toBeNull();
    const device = await app.request('GET', `/api/v1/devices/${check.device_id}`);
    expect(device.status).toBe(200);
    expect(device.body.free_space_percent).toBe(100);
  });
});

describe('every operation of the OpenAPI document', () => {
  it('answers generated requests without a 5xx, a hang or a dropped connection; the lists still answer; a mixed load gets no 5xx', async () => {
    const check = await newCheck('Fuzz target', { schedule: { type: 'interval', interval_seconds: 3600 } });
    for (let i = 0; i < 3; i++) {
      await app.request('POST', '/api/v1/jobs', {
        body: jobReport({ client: 'Fuzz Co', device: { name: 'Fuzz target-DEV' }, check: { name: 'Fuzz target', kind: 'backup' }, status: 'failed' }),
      });
    }
    const idsOf = async (path: string) => ((await app.request('GET', path)).body.items as Array<{ id: string }>).map((x) => x.id);
    const ids = {
      checks: [check.id],
      devices: [check.device_id],
      clients: [check.client_id],
      alerts: await idsOf('/api/v1/alerts'),
      jobs: await idsOf(`/api/v1/devices/${check.device_id}/jobs`),
    };
    const adminToken = await app.token('admin');
    const report = await fuzzOpenApi({ url: app.url, adminToken, ids, seed: 17, casesPerOperation: 12 });
    expect(report.operations).toBeGreaterThan(50);
    expect(report.findings).toEqual([]);
    await listsAnswer200();

    // The fuzzer may have deleted what it was given: ping a check it never saw.
    const pinged = await newCheck('Pinged');
    const load = await mixedLoad({
      url: app.url,
      adminToken,
      ingestToken: await app.token('ingest'),
      pingKey: pinged.ping_url.split('/ping/')[1]!,
      connections: 50,
      seconds: 5,
    });
    expect(load.requests).toBeGreaterThan(0);
    expect({ serverErrors: load.serverErrors, socketErrors: load.socketErrors, pingsFound: !('404' in load.byStatus) }).toEqual({ serverErrors: 0, socketErrors: 0, pingsFound: true });
    await listsAnswer200();
  }, 120_000);
});
