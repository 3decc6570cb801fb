// Grouped notifications: a device's new alerts reach a channel as one message per group window
// (docs/notifications.md, "Grouping"), against a local webhook receiver; time moves only when the
// test moves the clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';
import { type HttpReceiver, type SmtpSink, startHttpReceiver, startSmtpSink } from '../helpers/receivers.js';

let app: EngineApp;
let rx: HttpReceiver;
let sink: SmtpSink;
let path = '';

beforeAll(async () => {
  [rx, sink] = await Promise.all([startHttpReceiver(), startSmtpSink()]);
  app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_MAIL_URL: sink.url, KEEPWATCH_MAIL_FROM: 'Keepwatch <alerts@keepwatch.test>' });
});
afterAll(() => Promise.all([app.close(), rx.close(), sink.close()]));

let n = 0;
beforeEach(async () => {
  path = `/hook-${++n}`;
  const res = await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: `Grouping ${n}`, config: { url: `${rx.url}${path}`, max_in_flight: 8 } } });
  expect(res.status, res.text).toBe(201);
});

const send = () => app.kw.notifier.runUntilIdle();
const posts = () => rx.received.filter((r) => r.path === path).map((r) => r.body);
const failed = (device: string, check: string) => job(app.clock.now(), { client: 'Group Co', device: { name: device }, check: { name: check, kind: 'backup' }, status: 'failed', message: `${check} failed` });

describe('grouped notifications', () => {
  it('sends three alerts of one device raised together as one webhook POST listing the three', async () => {
    const items = await app.report(failed('GRP-1', 'System state'), failed('GRP-1', 'SQL logs'), failed('GRP-1', 'Files'));
    await send();
    expect(posts()).toHaveLength(1);
    const [body] = posts();
    expect(body).toMatchObject({ event: 'alert.group', device_id: items[0].device_id, device_name: 'GRP-1', client_name: 'Group Co', count: 3 });
    expect(body.events.map((e: any) => `${e.event} ${e.alert.type} ${e.alert.check_name}`).sort()).toEqual([
      'alert.raised job_failed Files',
      'alert.raised job_failed SQL logs',
      'alert.raised job_failed System state',
    ]);
    expect(body.events[0].links.alert).toBe(`http://keepwatch.test/alerts/${body.events[0].alert.id}`);
    expect(body.links.device).toBe(`http://keepwatch.test/devices/${items[0].device_id}`);
    expect(rx.received.find((r) => r.path === path)!.headers['x-keepwatch-event']).toBe('alert.group');

    // Each alert's log says it went out in that message; a follow-up still reaches the channel.
    const log = (await app.request('GET', `/api/v1/alerts/${body.events[0].alert.id}/deliveries`)).body.items;
    expect(log).toEqual([expect.objectContaining({ topic: 'alert.raised', state: 'grouped' })]);
    await app.report(job(app.clock.now(), { client: 'Group Co', device: { name: 'GRP-1' }, check: { name: body.events[0].alert.check_name, kind: 'backup' } }));
    await send();
    expect(posts().map((p) => p.event)).toEqual(['alert.group', 'alert.resolved']);
    expect(posts()[1].alert.id).toBe(body.events[0].alert.id);
  });

  it('mails one message and posts one Slack message listing the alerts a device raised together', async () => {
    const mail = await app.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'Ops mail', config: { to: 'ops@group.example' } } });
    const slack = await app.request('POST', '/api/v1/channels', { body: { type: 'slack', name: 'Ops Slack', config: { url: `${rx.url}/slack-group` } } });
    expect([mail.status, slack.status]).toEqual([201, 201]);
    await send();
    const welcomed = sink.mails.length;
    await app.report(failed('GRP-M', 'System state'), failed('GRP-M', 'Files'));
    await send();
    const mails = sink.mails.slice(welcomed);
    expect(mails.map((m) => m.subject)).toEqual(['[Keepwatch] 2 new alerts: GRP-M (Group Co)']);
    expect(mails[0]!.text).toContain('System state: failed');
    expect(mails[0]!.text).toContain('Files: failed');
    const [posted] = rx.received.filter((r) => r.path === '/slack-group').map((r) => r.body);
    expect(posted.text).toBe('2 new alerts: GRP-M (Group Co)');
    expect(JSON.stringify(posted.blocks)).toContain('Files: failed');
    await app.request('DELETE', `/api/v1/channels/${mail.body.id}`);
    await app.request('DELETE', `/api/v1/channels/${slack.body.id}`);
  });

  it('sends one POST per device when two devices raise alerts together', async () => {
    await app.report(failed('GRP-A', 'System state'), failed('GRP-A', 'Files'), failed('GRP-B', 'System state'), failed('GRP-B', 'Files'));
    await send();
    expect(posts().map((p) => `${p.device_name} ${p.count}`).sort()).toEqual(['GRP-A 2', 'GRP-B 2']);
  });

  it('holds alerts a device raises within 30 s of its last notice, and sends them as one message when the window ends', async () => {
    await app.report(failed('GRP-W', 'System state'));
    await send();
    expect(posts().map((p) => `${p.event} ${p.alert.check_name}`)).toEqual(['alert.raised System state']);

    app.clock.advance(10_000);
    await app.report(failed('GRP-W', 'SQL logs'));
    await send();
    app.clock.advance(15_000);
    await app.report(failed('GRP-W', 'Files'));
    await send();
    expect(posts()).toHaveLength(1);

    app.clock.advance(5_001); // the window, 30 s from the first notice, has ended
    await send();
    expect(posts()).toHaveLength(2);
    expect(posts()[1]).toMatchObject({ event: 'alert.group', device_name: 'GRP-W', count: 2 });
    expect(posts()[1].events.map((e: any) => e.alert.check_name)).toEqual(['SQL logs', 'Files']);

    // Another device is not held by this one's window.
    app.clock.advance(1_000);
    await app.report(failed('GRP-W', 'Exchange'), failed('GRP-X', 'Files'));
    await send();
    expect(posts().slice(2).map((p) => `${p.event} ${p.alert.device_name}`)).toEqual(['alert.raised GRP-X']);
    app.clock.advance(30_000);
    await send();
    expect(posts().slice(3).map((p) => `${p.event} ${p.alert.check_name}`)).toEqual(['alert.raised Exchange']);
  });

  it('sends each alert at once with group_wait_seconds 0, and refuses a window out of range naming the field', async () => {
    const bad = await app.request('PATCH', '/api/v1/notifications/settings', { body: { group_wait_seconds: 601 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('group_wait_seconds');
    expect((await app.request('GET', '/api/v1/notifications/settings')).body.group_wait_seconds).toBe(30);

    const off = await app.request('PATCH', '/api/v1/notifications/settings', { body: { group_wait_seconds: 0 } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.group_wait_seconds).toBe(0);
    try {
      app.clock.advance(6_000); // past the settings cache
      await app.report(failed('GRP-0', 'System state'), failed('GRP-0', 'Files'));
      await send();
      expect(posts().map((p) => p.event)).toEqual(['alert.raised', 'alert.raised']);
    } finally {
      await app.request('PATCH', '/api/v1/notifications/settings', { body: { group_wait_seconds: 30 } });
    }
  });
});
