// On-call paging against local PagerDuty (Events v2) and Opsgenie (alert API v2) servers: an
// escalation rule "a server's backup overdue by more than 6 h outside business hours pages" seen
// from two time zones (a client in Sydney, the workspace in UTC), one page with two instances,
// acknowledge and resolve carried to the page, 429 retried, 400 breaking the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type FakePaging, GENIE_KEY, ROUTING_KEY, startFakePaging } from '../helpers/fake-paging.js';

let app: EngineApp;
let pg: FakePaging;
let pd: any;
let genie: any;
const ids: Record<string, string> = {};
const alertOf: Record<string, string> = {};

const RULE = { types: ['backup_overdue'], classes: ['server'], open_minutes: 360, hours: 'outside' };
const send = () => app.kw.notifier.runUntilIdle();
const good = (client: string, device: string) => job(app.clock.now(), { status: 'succeeded', client, device: { name: device, class: 'server' } });
const key = (device: string) => `keepwatch-${alertOf[device]}`;

beforeAll(async () => {
  pg = await startFakePaging();
  // Monday 2 November 2026, 06:00 UTC: 17:00 in Sydney (AEDT, UTC+11).
  app = await startEngine('2026-11-02T06:00:00Z');
  await app.report(good('Sydney Clinic', 'SYD-SRV01'), good('London Law', 'LDN-SRV01'));
  const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items as Array<{ id: string; name: string }>;
  for (const c of clients) ids[c.name] = c.id;
  const res = await app.request('PUT', `/api/v1/clients/${ids['Sydney Clinic']}/settings`, { body: { business_hours: { timezone: 'Australia/Sydney', holidays: ['2026-12-25'] } } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.effective.business_hours).toEqual({ days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], from: '08:00', to: '18:00', timezone: 'Australia/Sydney', holidays: ['2026-12-25'] });
  pd = (await app.request('POST', '/api/v1/channels', { body: { type: 'pagerduty', name: 'On-call', config: { routing_key: ROUTING_KEY, url: pg.pagerDutyUrl, rules: [RULE] } } })).body;
  genie = (await app.request('POST', '/api/v1/channels', { body: { type: 'opsgenie', name: 'JSM', config: { api_key: GENIE_KEY, url: pg.opsgenieUrl }, clients: [ids['London Law']] } })).body;
  expect(pd.config).toMatchObject({ routing_key: '***', rules: [RULE] });
  expect(genie.config).toMatchObject({ api_key: '***', rules: [{ min_severity: 'critical' }] });
});
afterAll(async () => {
  await app.close();
  await pg.close();
});

async function at(iso: string): Promise<void> {
  const target = Date.parse(iso);
  // In steps, as a running Keepwatch would look: overdue alerts are raised when they fall due.
  while (app.clock.now() < target) {
    await app.advance(Math.min(HOUR, target - app.clock.now()));
    await send();
  }
}

describe('escalation rules across time zones', () => {
  it('pages a critical alert at once through a channel with the default rule', async () => {
    await at('2026-11-02T18:00:00Z');
    const overdue = await app.alerts('type=backup_overdue');
    for (const a of overdue) alertOf[a.device_name] = a.id;
    expect(Object.keys(alertOf).sort()).toEqual(['LDN-SRV01', 'SYD-SRV01']);
    // Opsgenie (London only, every critical alert): paged now. PagerDuty waits for its 6 h.
    expect(pg.genie.get(key('LDN-SRV01'))).toMatchObject({ state: 'triggered', severity: 'P1', source: 'Keepwatch' });
    expect(pg.genie.has(key('SYD-SRV01'))).toBe(false);
    expect(pg.incidents.size).toBe(0);
  });

  it('pages the workspace-hours client at 6 h (midnight UTC) but not the Sydney one, in its business hours', async () => {
    await at('2026-11-02T23:59:00Z');
    expect(pg.incidents.size).toBe(0);
    await at('2026-11-03T00:00:00Z');
    // 00:00 UTC Tuesday: outside London's (the workspace's) hours; 11:00 in Sydney: inside its own.
    expect([...pg.incidents.keys()]).toEqual([key('LDN-SRV01')]);
    expect(pg.incidents.get(key('LDN-SRV01'))).toMatchObject({ state: 'triggered', severity: 'critical', source: 'LDN-SRV01' });
    expect(pg.incidents.get(key('LDN-SRV01'))!.summary).toContain('LDN-SRV01');
  });

  it('pages the Sydney client when its business day ends (18:00 AEDT = 07:00 UTC), once, retrying a 429', async () => {
    await at('2026-11-03T06:59:00Z');
    expect(pg.incidents.has(key('SYD-SRV01'))).toBe(false);
    pg.server.forced.push({ path: '/v2/enqueue', status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' } });
    // A second Keepwatch on the same database looks at the same moment: still one page.
    const second = await startApp({ clock: app.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: app });
    try {
      app.clock.advance(60_000);
      await app.evaluate();
      await Promise.all([send(), second.kw.notifier.runUntilIdle()]);
      expect(pg.incidents.has(key('SYD-SRV01'))).toBe(false);
      const pending = (await app.request('GET', `/api/v1/channels/${pd.id}/deliveries?state=pending`)).body.items;
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({ last_status: 'HTTP 429', attempts: 1 });
      app.clock.advance(30_000);
      await Promise.all([send(), second.kw.notifier.runUntilIdle()]);
    } finally {
      await second.close();
    }
    expect(pg.incidents.get(key('SYD-SRV01'))).toMatchObject({ state: 'triggered', events: ['trigger'] });
    const log = (await app.request('GET', `/api/v1/channels/${pd.id}/deliveries?limit=50`)).body.items;
    expect(log.filter((d: any) => d.alert_id === alertOf['SYD-SRV01'])).toHaveLength(1);
  });

  it('acknowledges the page when the alert is acknowledged in Keepwatch, and resolves it when the alert resolves', async () => {
    const ack = await app.request('POST', `/api/v1/alerts/${alertOf['LDN-SRV01']}/acknowledge`, { body: { note: 'on it' } });
    expect(ack.status, ack.text).toBe(200);
    await send();
    expect(pg.incidents.get(key('LDN-SRV01'))!.state).toBe('acknowledged');
    expect(pg.genie.get(key('LDN-SRV01'))!.state).toBe('acknowledged');
    await app.report(good('London Law', 'LDN-SRV01'), good('Sydney Clinic', 'SYD-SRV01'));
    await send();
    expect(pg.incidents.get(key('LDN-SRV01'))).toMatchObject({ state: 'resolved', events: ['trigger', 'acknowledge', 'resolve'] });
    expect(pg.incidents.get(key('SYD-SRV01'))).toMatchObject({ state: 'resolved', events: ['trigger', 'resolve'] });
    expect(pg.genie.get(key('LDN-SRV01'))).toMatchObject({ state: 'resolved', events: ['create', 'acknowledge', 'close'] });
  });

  it('does not page an alert its rules leave out', async () => {
    const failed = (n: number) => job(app.clock.now() + n, { status: 'failed', client: 'London Law', device: { name: 'LDN-WS07', class: 'workstation' } });
    await app.report(failed(0), failed(1), failed(2));
    app.clock.advance(7 * HOUR);
    await app.evaluate();
    await send();
    const [jf] = await app.alerts('type=job_failed');
    expect(jf.severity).toBe('critical');
    expect(pg.incidents.has(`keepwatch-${jf.id}`)).toBe(false);
    // The Opsgenie channel pages every critical alert of London at once.
    expect(pg.genie.get(`keepwatch-${jf.id}`)?.state).toBe('triggered');
  });

  it('breaks the channel on a 400 (an invalid event is not retried)', async () => {
    const pd2 = (await app.request('POST', '/api/v1/channels', { body: { type: 'pagerduty', name: 'NOC pager', config: { routing_key: ROUTING_KEY, url: pg.pagerDutyUrl }, clients: [ids['London Law']] } })).body;
    app.clock.advance(60_000);
    pg.server.forced.push({ path: '/v2/enqueue', status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"] } });
    const failed = (n: number) => job(app.clock.now() + n, { status: 'failed', client: 'London Law', device: { name: 'LDN-WS08', class: 'workstation' } });
    await app.report(failed(0), failed(1), failed(2));
    await send();
    const ch = (await app.request('GET', `/api/v1/channels/${pd2.id}`)).body;
    expect(ch.status).toBe('broken');
    expect(ch.broken_reason).toContain('invalid');
    const sent = () => pg.server.requests.filter((r) => r.path === '/v2/enqueue' && r.body?.payload?.source === 'LDN-WS08').length;
    expect(sent()).toBe(1);
    app.clock.advance(HOUR);
    await send();
    expect(sent()).toBe(1);
    // The failed page is not queued again on every look.
    expect(await send()).toBe(0);
    expect((await app.alerts('type=channel_failing')).some((a: any) => a.integration_id === pd2.id)).toBe(true);
  });
});
