// A user limited to one client sees and changes nothing of another client, through any endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type SessionCaller, sessionCaller } from '../helpers/browser-session.js';

let app: TestApp;
let viewer: SessionCaller;
let operator: SessionCaller;
let admin: SessionCaller;
const ids: Record<'alpha' | 'bravo', { client: string; device: string; check: string; job: string; alert: string }> = {} as never;

async function seed(client: 'Alpha' | 'Bravo') {
  const jobs = [0, 1, 2].map((i) =>
    jobReport({ client, external_id: `${client}-${i}`, device: { name: `${client}-SRV`, class: 'server' }, status: 'failed', started_at: `2026-11-20T0${i}:00:00Z`, ended_at: `2026-11-20T0${i}:30:00Z` }),
  );
  const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
  const item = res.body.items[2];
  return { client: item.client_id, device: item.device_id, check: item.check_id, job: item.id, alert: '' };
}

async function limitedUser(role: string, email: string): Promise<SessionCaller> {
  const owner = sessionCaller(app);
  await owner.signIn('owner@example.com', 'owner password 1');
  const res = await owner.request('POST', '/api/v1/users', { email, password: 'limited password', role, client_ids: ['Alpha'] });
  expect(res.body.client_ids).toEqual([ids.alpha.client]);
  const caller = sessionCaller(app);
  await caller.signIn(email, 'limited password');
  return caller;
}

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  ids.alpha = await seed('Alpha');
  ids.bravo = await seed('Bravo');
  await app.kw.evaluator.runUntilIdle();
  for (const k of ['alpha', 'bravo'] as const) {
    const alerts = await app.request('GET', `/api/v1/alerts?client=${ids[k].client}&type=job_failed`);
    ids[k].alert = alerts.body.items[0].id;
  }
  await sessionCaller(app).request('POST', '/api/v1/setup', { email: 'owner@example.com', password: 'owner password 1' });
  viewer = await limitedUser('viewer', 'alpha-viewer@example.com');
  operator = await limitedUser('operator', 'alpha-operator@example.com');
  admin = await limitedUser('admin', 'alpha-admin@example.com');
});
afterAll(async () => app.close());

describe('a user limited to one client reads only that client', () => {
  it('lists only its client, devices, checks, alerts, grid rows and report lines', async () => {
    const only = (items: Array<{ client_id: string }>) => [...new Set(items.map((i) => i.client_id))];
    expect((await viewer.request('GET', '/api/v1/clients')).body.items.map((c: { id: string }) => c.id)).toEqual([ids.alpha.client]);
    expect(only((await viewer.request('GET', '/api/v1/devices?limit=500')).body.items)).toEqual([ids.alpha.client]);
    expect(only((await viewer.request('GET', '/api/v1/checks?limit=500')).body.items)).toEqual([ids.alpha.client]);
    expect(only((await viewer.request('GET', '/api/v1/alerts?limit=500')).body.items)).toEqual([ids.alpha.client]);
    expect(only((await viewer.request('GET', '/api/v1/grid?from=2026-11-18&to=2026-11-20')).body.items)).toEqual([ids.alpha.client]);
    expect(only((await viewer.request('GET', '/api/v1/maintenance-windows')).body.items)).toEqual([]);
    const report = (await viewer.request('GET', '/api/v1/reports/compliance?from=2026-11-01&to=2026-11-20')).body;
    expect(only(report.clients)).toEqual([ids.alpha.client]);
    expect(only(report.devices)).toEqual([ids.alpha.client]);
    const csv = (await viewer.request('GET', '/api/v1/reports/compliance?from=2026-11-01&to=2026-11-20&format=csv')).body as string;
    expect(csv).toContain('Alpha-SRV');
    expect(csv).not.toContain('Bravo');
    expect((await viewer.request('GET', '/api/v1/integrations')).body.items).toEqual([]);
  });

  it('answers 404 for every resource of another client, as if it did not exist', async () => {
    const b = ids.bravo;
    const paths = [
      `/api/v1/clients/${b.client}`,
      `/api/v1/clients/${b.client}/settings`,
      `/api/v1/devices/${b.device}`,
      `/api/v1/devices/${b.device}/jobs`,
      `/api/v1/jobs/${b.job}`,
      `/api/v1/checks/${b.check}`,
      `/api/v1/alerts/${b.alert}`,
    ];
    for (const p of paths) expect([p, (await viewer.request('GET', p)).status]).toEqual([p, 404]);
    // Filtering by another client's id: an empty list, or 404 where the client itself is looked up.
    const filtered = [
      `/api/v1/devices?client=${b.client}`,
      `/api/v1/alerts?client=${b.client}`,
      `/api/v1/alerts?device=${b.device}`,
      `/api/v1/grid?client=${b.client}`,
      `/api/v1/reports/compliance?client=${b.client}`,
    ];
    for (const p of filtered) {
      const res = await viewer.request('GET', p);
      const rows = res.status === 404 ? [] : (res.body.items ?? res.body.devices);
      expect([p, res.status === 200 || res.status === 404, rows]).toEqual([p, true, []]);
    }
  });

  it('still reads its own client in full', async () => {
    const a = ids.alpha;
    for (const p of [`/api/v1/devices/${a.device}`, `/api/v1/devices/${a.device}/jobs`, `/api/v1/jobs/${a.job}`, `/api/v1/checks/${a.check}`, `/api/v1/alerts/${a.alert}`]) {
      expect([p, (await viewer.request('GET', p)).status]).toEqual([p, 200]);
    }
  });
});

describe('a user limited to one client changes nothing of another', () => {
  it('cannot acknowledge, dismiss or group-dismiss another client’s alerts', async () => {
    const b = ids.bravo;
    expect((await operator.request('POST', `/api/v1/alerts/${b.alert}/acknowledge`, { note: 'x' })).status).toBe(404);
    expect((await operator.request('POST', `/api/v1/alerts/${b.alert}/dismiss`, {})).status).toBe(404);
    expect((await operator.request('POST', '/api/v1/alerts/dismiss', { client: b.client })).body.dismissed).toBe(0);
    expect((await operator.request('POST', '/api/v1/alerts/dismiss', { device: b.device })).body.dismissed).toBe(0);
    const still = await app.request('GET', `/api/v1/alerts/${b.alert}`);
    expect(still.body.state).toBe('open');
  });

  it('cannot edit, snooze or put a window on another client’s checks and devices', async () => {
    const b = ids.bravo;
    expect((await operator.request('PATCH', `/api/v1/checks/${b.check}`, { paused: true })).status).toBe(404);
    expect((await operator.request('POST', `/api/v1/checks/${b.check}/snooze`, { hours: 2 })).status).toBe(404);
    expect((await operator.request('POST', `/api/v1/devices/${b.device}/snooze`, { hours: 2 })).status).toBe(404);
    for (const [scope, id] of [['client', b.client], ['device', b.device], ['check', b.check]] as const) {
      const res = await operator.request('POST', '/api/v1/maintenance-windows', { scope, scope_id: id, starts_at: '2026-11-21T00:00:00Z', ends_at: '2026-11-21T02:00:00Z' });
      expect([scope, res.status]).toEqual([scope, 404]);
    }
  });

  it('as a limited admin, cannot configure another client, the workspace, users or tokens', async () => {
    const b = ids.bravo;
    expect((await admin.request('PUT', `/api/v1/clients/${b.client}/settings`, {})).status).toBe(404);
    expect((await admin.request('PUT', '/api/v1/settings', {})).status).toBe(403);
    expect((await admin.request('PUT', `/api/v1/devices/${b.device}/facts`, { storage_used_bytes: 1 })).status).toBe(404);
    expect((await admin.request('POST', '/api/v1/checks', { name: 'Sneaky', device_id: b.device })).status).toBe(404);
    expect((await admin.request('POST', '/api/v1/jobs', jobReport({ client: 'Bravo' }))).status).toBe(403);
    expect((await admin.request('POST', '/api/v1/tokens', { scope: 'admin' })).status).toBe(403);
    expect((await admin.request('GET', '/api/v1/tokens')).status).toBe(403);
    expect((await admin.request('PUT', `/api/v1/clients/${ids.alpha.client}/settings`, {})).status).toBe(200);
  });
});
