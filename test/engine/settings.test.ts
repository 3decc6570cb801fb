import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

describe('settings: categories and thresholds, workspace and per client', () => {
  it('serves the defaults and validates changes, naming the field', async () => {
    const res = await app.request('GET', '/api/v1/settings');
    expect(res.body.effective.thresholds.sla_hours).toEqual({ server: 12, workstation: 24, saas: 60 });
    expect(res.body.override).toEqual({});
    for (const [body, field] of [
      [{ thresholds: { sla_hours: { server: -1 } } }, 'thresholds.sla_hours.server'],
      [{ categories: { job_failed: 'no' } }, 'categories.job_failed'],
      [{ categories: { made_up: true } }, 'categories.made_up'],
      [{ timezone: 'Atlantis/Capital' }, 'timezone'],
      [{ day_start: '25:00' }, 'day_start'],
    ] as const) {
      const bad = await app.request('PUT', '/api/v1/settings', { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('needs admin to change settings', async () => {
    const read = await app.token('read');
    expect((await app.request('PUT', '/api/v1/settings', { token: read, body: {} })).status).toBe(403);
  });

  it('switches an alert category off for one client only', async () => {
    const t = app.clock.now();
    const [quiet] = await app.report(job(t - HOUR, { client: 'Quiet Client', device: { name: 'Q-01' }, status: 'warning' }));
    const [loud] = await app.report(job(t - HOUR, { client: 'Loud Client', device: { name: 'L-01' }, status: 'warning' }));
    expect((await app.alerts(`client=${quiet.client_id}`)).map((a) => a.type)).toEqual(['job_warning']);

    const put = await app.request('PUT', `/api/v1/clients/${quiet.client_id}/settings`, { body: { categories: { job_warning: false } } });
    expect(put.status).toBe(200);
    expect(put.body.effective.categories.job_warning).toBe(false);
    await app.evaluate();
    expect(await app.alerts(`client=${quiet.client_id}`)).toEqual([]);
    expect((await app.alerts(`client=${loud.client_id}`)).map((a) => a.type)).toEqual(['job_warning']);
    const audit = await app.kw.database.db.selectFrom('audit_log').select('action').where('action', '=', 'settings.update').execute();
    expect(audit.length).toBe(1);
  });

  it("overrides a client's SLA threshold, and the workspace's for everyone else", async () => {
    const t = app.clock.now();
    const [strict] = await app.report(job(t, { client: 'Strict Client', device: { name: 'S-01' } }));
    const [normal] = await app.report(job(t, { client: 'Normal Client', device: { name: 'N-01' } }));
    await app.request('PUT', `/api/v1/clients/${strict.client_id}/settings`, { body: { thresholds: { sla_hours: { server: 4 } } } });
    await app.request('PUT', '/api/v1/settings', { body: { thresholds: { sla_hours: { server: 30 } } } });
    await app.advance(5 * HOUR);
    expect((await app.alerts(`device=${strict.device_id}`)).map((a) => a.type)).toEqual(['backup_overdue']);
    await app.advance(DAY);
    expect(await app.alerts(`device=${normal.device_id}`)).toEqual([]);
    await app.advance(6 * HOUR);
    expect((await app.alerts(`device=${normal.device_id}`)).map((a) => a.type)).toEqual(['backup_overdue']);
    const effective = (await app.request('GET', `/api/v1/clients/${strict.client_id}/settings`)).body.effective;
    expect(effective.thresholds.sla_hours).toEqual({ server: 4, workstation: 24, saas: 60 });
  });
});
