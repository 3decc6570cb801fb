import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

async function scheduled(name: string, schedule: Record<string, unknown>, at: number) {
  const [item] = await app.report(job(at, { client: 'Windows Co', device: { name } }));
  await app.request('PATCH', `/api/v1/checks/${item.check_id}`, { body: { schedule } });
  await app.evaluate();
  return item;
}

describe('maintenance windows and snoozes', () => {
  it('holds alerts back during a window, and restarts the schedule from its end', async () => {
    const t = app.clock.now();
    const item = await scheduled('MW-01', { type: 'interval', interval_seconds: 4 * 3600 }, t);
    const res = await app.request('POST', '/api/v1/maintenance-windows', {
      body: { scope: 'device', scope_id: item.device_id, starts_at: new Date(t + HOUR).toISOString(), ends_at: new Date(t + 10 * HOUR).toISOString(), reason: 'SAN firmware' },
    });
    expect(res.status).toBe(201);
    await app.advance(9 * HOUR); // overdue (4 h + 2 h grace) but inside the window
    expect(await app.alerts(`device=${item.device_id}`)).toEqual([]);
    await app.advance(2 * HOUR); // window ended an hour ago: the schedule counts from its end
    expect(await app.alerts(`device=${item.device_id}`)).toEqual([]);
    expect((await app.request('GET', `/api/v1/checks/${item.check_id}`)).body).toMatchObject({ state: 'up', next_due_at: new Date(t + 14 * HOUR).toISOString() });
    await app.advance(5 * HOUR + 1); // window end + 4 h + 2 h grace
    expect((await app.alerts(`device=${item.device_id}`)).map((a) => a.type)).toEqual(['missed_schedule']);
  });

  it('snoozes a check for N hours through the API', async () => {
    const t = app.clock.now();
    const [item] = await app.report(job(t - HOUR, { client: 'Windows Co', device: { name: 'SNOOZE-01' }, status: 'failed' }));
    expect(await app.alerts(`device=${item.device_id}`)).toHaveLength(1);
    await app.request('POST', '/api/v1/alerts/dismiss', { body: { device: item.device_id } });
    const snooze = await app.request('POST', `/api/v1/checks/${item.check_id}/snooze`, { body: { hours: 48, reason: 'replacing the disk' } });
    expect(snooze.status).toBe(201);
    expect(snooze.body).toMatchObject({ kind: 'snooze', scope: 'check', scope_id: item.check_id, ends_at: new Date(t + 48 * HOUR).toISOString() });
    await app.advance(30 * HOUR); // the dismissal ran out, but the snooze holds it back
    expect(await app.alerts(`device=${item.device_id}`)).toEqual([]);
    await app.advance(20 * HOUR);
    expect((await app.alerts(`device=${item.device_id}`)).map((a) => a.type)).toContain('backup_overdue'); // it inhibits the failure warning
    const list = await app.request('GET', `/api/v1/maintenance-windows?check=${item.check_id}`);
    expect(list.body.items).toHaveLength(1);
    expect((await app.request('DELETE', `/api/v1/maintenance-windows/${list.body.items[0].id}`)).status).toBe(204);
  });

  it('keeps a recurring weekly window in its time zone', async () => {
    const [item] = await app.report(job(app.clock.now(), { client: 'Windows Co', device: { name: 'MW-REC' } }));
    const res = await app.request('POST', '/api/v1/maintenance-windows', {
      body: { scope: 'client', scope_id: item.client_id, cron: '0 22 * * 6', tz: 'Europe/Berlin', duration_minutes: 360 },
    });
    expect(res.body).toMatchObject({ cron: '0 22 * * 6', tz: 'Europe/Berlin', duration_minutes: 360 });
    const bad = await app.request('POST', '/api/v1/maintenance-windows', { body: { scope: 'client', scope_id: item.client_id, cron: '0 22 * * 6' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('duration_minutes');
  });
});

describe('cron schedules across a daylight-saving change', () => {
  it('expects a 02:30 Europe/Berlin backup at the right instants around the autumn change', async () => {
    const local = await startEngine('2026-10-23T12:00:00Z');
    try {
      const [item] = await local.report(job('2026-10-23T00:35:00Z', { client: 'DST Co', device: { name: 'DST-01' }, started_at: '2026-10-23T00:31:00Z' }));
      await local.request('PATCH', `/api/v1/checks/${item.check_id}`, { body: { schedule: { type: 'cron', cron: '30 2 * * *', tz: 'Europe/Berlin' }, grace_seconds: 3600 } });
      await local.evaluate();
      const due = async () => (await local.request('GET', `/api/v1/checks/${item.check_id}`)).body.next_due_at;
      expect(await due()).toBe('2026-10-24T00:30:00.000Z'); // CEST, UTC+2
      local.clock.set(Date.parse('2026-10-24T00:41:00Z')); // each run is reported as it ends
      await local.report(job('2026-10-24T00:40:00Z', { client: 'DST Co', device: { name: 'DST-01' }, started_at: '2026-10-24T00:31:00Z' }));
      expect(await due()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, before the clocks go back
      local.clock.set(Date.parse('2026-10-25T00:41:00Z')); // each run is reported as it ends
      await local.report(job('2026-10-25T00:40:00Z', { client: 'DST Co', device: { name: 'DST-01' }, started_at: '2026-10-25T00:31:00Z' }));
      expect(await due()).toBe('2026-10-26T01:30:00.000Z'); // CET, UTC+1: a day of 25 hours
      const types = async () => (await local.alerts(`device=${item.device_id}`)).map((a) => a.type).sort();
      local.clock.set(Date.parse('2026-10-26T02:29:00Z')); // tick 01:30Z + 1 h grace not yet over
      await local.evaluate();
      expect(await types()).toEqual(['backup_overdue']); // 12 h server SLA since 25 Oct 00:40Z
      const state = async () => (await local.request('GET', `/api/v1/checks/${item.check_id}`)).body.state;
      expect(await state()).toBe('late');
      local.clock.set(Date.parse('2026-10-26T02:31:00Z'));
      await local.evaluate();
      expect(await state()).toBe('overdue');
      expect(await types()).toEqual(['backup_overdue']); // the missed schedule holds, inhibited by the overdue backup
    } finally {
      await local.close();
    }
  });
});
