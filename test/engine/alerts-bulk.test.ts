// The alert list as the console's Alerts view uses it: filters, search and a total, and acting on
// many alerts at once (acknowledge, dismiss) with a result per id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

const failed = (at: number, client: string, device: string, check = 'Nightly backup') => job(at, { client, device: { name: device }, check: { name: check, kind: 'backup' }, status: 'failed' });

async function list(query: string): Promise<{ items: any[]; total: number; next_cursor: string | null }> {
  const res = await app.request('GET', `/api/v1/alerts?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

const devicesOf = (items: Array<{ device_name: string | null }>) => items.map((a) => a.device_name).sort();

async function openAlertOf(deviceId: string): Promise<any> {
  const [a] = await app.alerts(`device=${deviceId}&type=job_failed`);
  return a;
}

describe('listing alerts with filters and search', () => {
  let filterCo: string;
  beforeAll(async () => {
    const t = app.clock.now();
    const [sql] = await app.report(failed(t - 3 * HOUR, 'Filter Co', 'FLT-SQL01'), failed(t - 3 * HOUR, 'Filter Co', 'FLT-WEB02'), failed(t - 3 * HOUR, 'Other Filter Ltd', 'OTH-FS01', 'Offsite Copy'));
    filterCo = sql.client_id;
    // Two more failures in a row: critical.
    await app.report(failed(t - 2 * HOUR, 'Filter Co', 'FLT-SQL01'), failed(t - HOUR, 'Filter Co', 'FLT-SQL01'));
  });

  it('filters by severity, type and client, and counts every match in total', async () => {
    const critical = await list('state=open&severity=critical&q=flt-');
    expect(devicesOf(critical.items)).toEqual(['FLT-SQL01']);
    expect(critical.total).toBe(1);
    const warnings = await list('state=open&severity=warning&type=job_failed&q=flt-');
    expect(devicesOf(warnings.items)).toEqual(['FLT-WEB02']);
    const ofClient = await list(`state=open&client=${filterCo}`);
    expect(devicesOf(ofClient.items)).toEqual(['FLT-SQL01', 'FLT-WEB02']);
    expect(ofClient.total).toBe(2);

    // The total covers every page, not just this one.
    const firstPage = await list(`state=open&client=${filterCo}&limit=1`);
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.next_cursor).not.toBeNull();
    expect(firstPage.total).toBe(2);
    const everything = await list('state=open&limit=500');
    expect(everything.total).toBe(everything.items.length);
  });

  it('finds alerts by words of their title or their client, device or check name, in any case', async () => {
    expect(devicesOf((await list('q=sql01')).items)).toEqual(['FLT-SQL01']);
    expect(devicesOf((await list('q=OTHER%20%20filter')).items)).toEqual(['OTH-FS01']);
    expect(devicesOf((await list('q=offsite')).items)).toEqual(['OTH-FS01']);
    const byTitle = await list('q=3%20TIMES%20IN%20A%20ROW');
    expect(devicesOf(byTitle.items)).toEqual(['FLT-SQL01']);
    expect(byTitle.items[0].title).toMatch(/3 times in a row/);
    // Searched literally: % and _ are not wildcards.
    expect((await list('q=%25')).items).toEqual([]);
    expect((await list('q=FLT_SQL01')).items).toEqual([]);
    // With the other filters.
    expect((await list('q=sql01&severity=warning')).items).toEqual([]);
  });

  it('names a bad filter in a 400', async () => {
    const res = await app.request('GET', '/api/v1/alerts?severity=urgent');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('severity');
    const long = await app.request('GET', `/api/v1/alerts?q=${'x'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.body.errors[0].field).toBe('q');
  });
});

describe('acting on many alerts at once', () => {
  it('acknowledges a list of alerts with one note and reports each id, unknown ones as not found', async () => {
    const t = app.clock.now();
    const [a, b, c] = await app.report(failed(t - HOUR, 'Bulk Co', 'BULK-01'), failed(t - HOUR, 'Bulk Co', 'BULK-02'), failed(t - HOUR, 'Bulk Co', 'BULK-03'));
    const [alertA, alertB, alertC] = [await openAlertOf(a.device_id), await openAlertOf(b.device_id), await openAlertOf(c.device_id)];
    await app.request('POST', `/api/v1/alerts/${alertC.id}/dismiss`);

    const res = await app.request('POST', '/api/v1/alerts/acknowledge', {
      body: { ids: [alertA.id, 'no-such-alert', alertB.id, alertC.id, alertA.id], note: 'one storage fault, ticket 812' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.acknowledged).toBe(2);
    expect(res.body.results).toEqual([
      { id: alertA.id, result: 'done', state: 'acknowledged', detail: null },
      { id: 'no-such-alert', result: 'not_found', state: null, detail: expect.stringContaining('not found') },
      { id: alertB.id, result: 'done', state: 'acknowledged', detail: null },
      { id: alertC.id, result: 'conflict', state: 'dismissed', detail: expect.stringContaining('dismissed') },
    ]);
    for (const id of [alertA.id, alertB.id]) {
      const detail = (await app.request('GET', `/api/v1/alerts/${id}`)).body;
      expect(detail).toMatchObject({ state: 'acknowledged', ack_note: 'one storage fault, ticket 812', acknowledged_by: 'admin token' });
      expect(detail.history.at(-1)).toMatchObject({ kind: 'acknowledged', note: 'one storage fault, ticket 812' });
    }
    const again = await app.request('POST', '/api/v1/alerts/acknowledge', { body: { ids: [alertA.id] } });
    expect(again.body).toEqual({ acknowledged: 0, results: [{ id: alertA.id, result: 'unchanged', state: 'acknowledged', detail: null }] });
    const audit = await app.kw.database.db.selectFrom('audit_log').select(['target_id']).where('action', '=', 'alert.acknowledge').execute();
    expect(audit.map((r) => r.target_id)).toEqual(expect.arrayContaining([alertA.id, alertB.id]));
  });

  it('dismisses a list of alerts until a chosen time, and they come back then if still failing', async () => {
    const t = app.clock.now();
    const [a, b] = await app.report(failed(t - HOUR, 'Dismiss Co', 'BDIS-01'), failed(t - HOUR, 'Dismiss Co', 'BDIS-02'));
    const [alertA, alertB] = [await openAlertOf(a.device_id), await openAlertOf(b.device_id)];
    const until = new Date(t + 3 * HOUR).toISOString();
    const res = await app.request('POST', '/api/v1/alerts/dismiss', { body: { ids: [alertA.id, alertB.id, '0190aaaa-0000-7000-8000-000000000000'], note: 'migrating storage', until } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.dismissed).toBe(2);
    expect(res.body.results.map((r: { result: string }) => r.result)).toEqual(['done', 'done', 'not_found']);
    expect((await app.request('GET', `/api/v1/alerts/${alertA.id}`)).body).toMatchObject({ state: 'dismissed', dismissed_until: until });
    expect(await app.alerts(`device=${a.device_id}`)).toEqual([]);

    await app.advance(2 * HOUR);
    expect(await app.alerts(`device=${a.device_id}&type=job_failed`)).toEqual([]);
    await app.advance(2 * HOUR);
    expect(await openAlertOf(a.device_id)).toMatchObject({ state: 'open', replaces_id: alertA.id });
  });

  it('dismisses one alert until a chosen time', async () => {
    const t = app.clock.now();
    const [a] = await app.report(failed(t - HOUR, 'Dismiss Co', 'BDIS-03'));
    const alert = await openAlertOf(a.device_id);
    const until = new Date(t + 2 * DAY).toISOString();
    const res = await app.request('POST', `/api/v1/alerts/${alert.id}/dismiss`, { body: { until } });
    expect(res.body).toMatchObject({ state: 'dismissed', dismissed_until: until });
  });

  it('refuses a dismissal time in the past or more than 30 days ahead, naming until', async () => {
    const t = app.clock.now();
    const [a] = await app.report(failed(t - HOUR, 'Dismiss Co', 'BDIS-04'));
    const alert = await openAlertOf(a.device_id);
    for (const until of [new Date(t - HOUR).toISOString(), new Date(t + 31 * DAY).toISOString(), 'tomorrow']) {
      const bulk = await app.request('POST', '/api/v1/alerts/dismiss', { body: { ids: [alert.id], until } });
      expect(bulk.status, until).toBe(400);
      expect(bulk.body.errors[0].field).toBe('until');
      const one = await app.request('POST', `/api/v1/alerts/${alert.id}/dismiss`, { body: { until } });
      expect(one.status, until).toBe(400);
    }
    expect((await openAlertOf(a.device_id)).state).toBe('open');
  });

  it('answers 400 naming ids for an empty list, more than 500 ids, ids that are not strings, or ids mixed with a group', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `id-${i}`);
    const bodies: unknown[] = [{ ids: [] }, { ids: many }, { ids: 'abc' }, { ids: [42] }, { ids: [''] }];
    for (const path of ['/api/v1/alerts/acknowledge', '/api/v1/alerts/dismiss']) {
      for (const body of bodies) {
        const res = await app.request('POST', path, { body });
        expect(res.status, `${path} ${JSON.stringify(body).slice(0, 40)}`).toBe(400);
        expect(res.body.errors[0].field).toMatch(/^ids/);
      }
    }
    const missing = await app.request('POST', '/api/v1/alerts/acknowledge', { body: { note: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('ids');
    const mixed = await app.request('POST', '/api/v1/alerts/dismiss', { body: { ids: ['a'], all: true } });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors[0].field).toBe('ids');
    // 500 unknown ids is within bounds: each is reported.
    const bound = await app.request('POST', '/api/v1/alerts/acknowledge', { body: { ids: many.slice(0, 500) } });
    expect(bound.status).toBe(200);
    expect(bound.body.results).toHaveLength(500);
    expect(bound.body.results.every((r: { result: string }) => r.result === 'not_found')).toBe(true);
  });

  it('applies client limits per alert: another client’s alert is not found and left alone', async () => {
    const t = app.clock.now();
    const [mine, theirs] = await app.report(failed(t - HOUR, 'Limited Mine', 'LIM-01'), failed(t - HOUR, 'Limited Theirs', 'LIM-02'));
    const [myAlert, theirAlert] = [await openAlertOf(mine.device_id), await openAlertOf(theirs.device_id)];
    const token = await app.token('admin', { clientIds: [mine.client_id] });
    const ack = await app.request('POST', '/api/v1/alerts/acknowledge', { token, body: { ids: [myAlert.id, theirAlert.id] } });
    expect(ack.body.results).toEqual([
      { id: myAlert.id, result: 'done', state: 'acknowledged', detail: null },
      { id: theirAlert.id, result: 'not_found', state: null, detail: expect.any(String) },
    ]);
    const dismiss = await app.request('POST', '/api/v1/alerts/dismiss', { token, body: { ids: [theirAlert.id] } });
    expect(dismiss.body).toMatchObject({ dismissed: 0, results: [{ id: theirAlert.id, result: 'not_found' }] });
    expect((await app.request('GET', `/api/v1/alerts/${theirAlert.id}`)).body.state).toBe('open');
    // The search and the total keep to the caller's clients too.
    const seen = await app.request('GET', '/api/v1/alerts?q=lim-&state=open,acknowledged', { token });
    expect(devicesOf(seen.body.items)).toEqual(['LIM-01']);
    expect(seen.body.total).toBe(1);
  });

  it('lets an operator act in bulk and refuses a viewer or a read token', async () => {
    const t = app.clock.now();
    const [a] = await app.report(failed(t - HOUR, 'Roles Co', 'ROLE-01'));
    const alert = await openAlertOf(a.device_id);
    await app.kw.services.users.create(SYSTEM, { email: 'op@roles.example', password: 'operator password 1', role: 'operator' });
    await app.kw.services.users.create(SYSTEM, { email: 'viewer@roles.example', password: 'viewer password 1', role: 'viewer' });

    const viewer = sessionCaller(app);
    expect((await viewer.signIn('viewer@roles.example', 'viewer password 1')).status).toBe(200);
    expect((await viewer.request('POST', '/api/v1/alerts/acknowledge', { ids: [alert.id] })).status).toBe(403);
    const read = await app.token('read');
    expect((await app.request('POST', '/api/v1/alerts/dismiss', { token: read, body: { ids: [alert.id] } })).status).toBe(403);

    const operator = sessionCaller(app);
    expect((await operator.signIn('op@roles.example', 'operator password 1')).status).toBe(200);
    const ack = await operator.request('POST', '/api/v1/alerts/acknowledge', { ids: [alert.id], note: 'on it' });
    expect(ack.status).toBe(200);
    expect(ack.body.results[0]).toMatchObject({ result: 'done', state: 'acknowledged' });
    const dismiss = await operator.request('POST', '/api/v1/alerts/dismiss', { ids: [alert.id] });
    expect(dismiss.body.results[0]).toMatchObject({ result: 'done', state: 'dismissed' });
    expect((await app.request('GET', `/api/v1/alerts/${alert.id}`)).body).toMatchObject({ acknowledged_by: 'op@roles.example', dismissed_by: 'op@roles.example' });
  });
});
