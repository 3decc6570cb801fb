// Webhooks, Slack and Teams against a local HTTP server that answers as each documents: payload
// shapes, the webhook signature, and which answers are permanent (the channel is broken and a
// person is told) or retried with back-off.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';
import { type Answer, type HttpReceiver, type Received, startHttpReceiver } from '../helpers/receivers.js';

let app: EngineApp;
let rx: HttpReceiver;
const answers = new Map<string, (r: Received) => Answer>();

beforeAll(async () => {
  rx = await startHttpReceiver();
  rx.respond = (r) => answers.get(r.path)?.(r) ?? { status: 200, body: 'ok' };
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => {
  await app.close();
  await rx.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const at = (path: string) => rx.received.filter((r) => r.path === path);

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function fail(device: string, client = 'Acme Widgets'): Promise<any> {
  const [item] = await app.report(job(app.clock.now(), { status: 'failed', client, device: { name: device }, message: 'VSS snapshot failed' }));
  return item;
}

describe('webhook, Slack and Teams channels', () => {
  it('posts signed JSON to a webhook: HMAC-SHA256 over timestamp and body, with an idempotency key', async () => {
    const secret = 'whsec-0123456789abcdef';
    const ch = await channel({ type: 'webhook', name: 'NOC webhook', config: { url: `${rx.url}/noc`, secret } });
    expect(ch.config.secret).toBe('***');
    const item = await fail('WH-1');
    await send();
    const [r] = at('/noc');
    expect(r).toBeDefined();
    const ts = r!.headers['x-keepwatch-timestamp']!;
    expect(Number(ts) * 1000).toBeCloseTo(app.clock.now(), -4);
    const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${r!.raw}`).digest('hex')}`;
    expect(r!.headers['x-keepwatch-signature']).toBe(expected);
    expect(r!.headers['idempotency-key']).toBe(r!.body.id);
    expect(r!.headers['x-keepwatch-event']).toBe('alert.raised');
    expect(r!.body).toMatchObject({ event: 'alert.raised', alert: { type: 'job_failed', severity: 'warning', device_name: 'WH-1', device_id: item.device_id } });
    expect(r!.body.links.alert).toBe(`http://keepwatch.test/alerts/${r!.body.alert.id}`);
    expect(r!.body.links.device).toBe(`http://keepwatch.test/devices/${item.device_id}`);

    // The secret is sealed at rest: the database never holds it in clear.
    const db = openDatabase({ databaseUrl: app.db.databaseUrl, dataDir: app.db.dataDir });
    try {
      const row = await db.db.selectFrom('channels').select('config').where('id', '=', ch.id).executeTakeFirstOrThrow();
      expect(row.config).not.toContain(secret);
    } finally {
      await db.close();
    }
    const log = await app.request('GET', `/api/v1/alerts/${r!.body.alert.id}/deliveries`);
    expect(log.body.items).toEqual([
      expect.objectContaining({ channel_id: ch.id, topic: 'alert.raised', state: 'sent', attempts: 1, last_status: 'HTTP 200', idempotency_key: r!.body.id }),
    ]);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('sends Slack a Block Kit message with a fallback text and a link back to the alert', async () => {
    const ch = await channel({ type: 'slack', name: 'Slack #backups', config: { url: `${rx.url}/slack/ok` } });
    expect(ch.config.url).toBe('***');
    await fail('SL-1');
    await send();
    const [r] = at('/slack/ok');
    expect(r!.body.text).toMatch(/^Warning: /);
    expect(r!.body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(r!.body.blocks[0].text.text).toContain('<http://keepwatch.test/alerts/');
    expect(r!.body.blocks[1].fields).toEqual(expect.arrayContaining([{ type: 'mrkdwn', text: '*Device*\nSL-1' }]));
    expect(r!.body.blocks[2].elements[0]).toMatchObject({ type: 'button', url: expect.stringContaining('/alerts/') });
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('sends Teams an Adaptive Card in a message attachment, and takes 202 as delivered', async () => {
    answers.set('/teams', () => ({ status: 202 }));
    const ch = await channel({ type: 'teams', name: 'Teams NOC', config: { url: `${rx.url}/teams` } });
    await fail('TM-1');
    await send();
    const [r] = at('/teams');
    expect(r!.body.type).toBe('message');
    const att = r!.body.attachments[0];
    expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(att.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(att.content.body[0]).toMatchObject({ type: 'TextBlock', color: 'Warning' });
    expect(att.content.body.find((b: any) => b.type === 'FactSet').facts).toEqual(expect.arrayContaining([{ title: 'Device', value: 'TM-1' }]));
    expect(att.content.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: expect.stringContaining('/alerts/') });
    const log = await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ state: 'sent', last_status: 'HTTP 202' });
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it.each([
    ['slack', '/slack/gone', 404, 'channel_not_found'],
    ['slack', '/slack/archived', 410, 'channel_is_archived'],
    ['teams', '/teams/gone', 404, ''],
    ['webhook', '/hook/gone', 410, 'Gone'],
  ])('marks a %s channel answered %s %i broken, stops sending and raises channel_failing', async (type, path, status, body) => {
    answers.set(path, () => ({ status, body }));
    const noc = await channel({ type: 'webhook', name: `NOC for ${path}`, config: { url: `${rx.url}/noc${path}` } });
    const ch = await channel({ type, name: `Broken ${path}`, config: { url: `${rx.url}${path}` } });
    await fail(`BRK-${path}`);
    await send();
    expect(at(path)).toHaveLength(1);
    const got = (await app.request('GET', `/api/v1/channels/${ch.id}`)).body;
    expect(got).toMatchObject({ status: 'broken', broken_reason: expect.any(String) });
    const [problem] = await app.alerts(`type=channel_failing`).then((all) => all.filter((a) => a.integration_id === ch.id));
    expect(problem).toMatchObject({ scope: 'integration', severity: 'critical', state: 'open' });
    // The person who watches the NOC hears of it; the broken channel does not hear of itself.
    expect(at(`/noc${path}`).map((r) => r.body.alert.type)).toEqual(['job_failed', 'channel_failing']);

    // Nothing more goes to a broken channel; new alerts wait for it (nothing is lost).
    await fail(`BRK2-${path}`);
    await send();
    expect(at(path)).toHaveLength(1);
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
    expect(log.map((d: any) => d.state)).toEqual(['pending', 'failed']);

    // A person fixes the URL: the problem resolves and the waiting alert goes out.
    answers.set(path, () => ({ status: type === 'teams' ? 202 : 200, body: 'ok' }));
    const fixed = await app.request('PATCH', `/api/v1/channels/${ch.id}`, { body: { name: `Fixed ${path}` } });
    expect(fixed.body.status).toBe('ok');
    await send();
    expect(at(path)).toHaveLength(2);
    expect((await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id)).toEqual([]);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
    await app.request('DELETE', `/api/v1/channels/${noc.id}`);
  });

  it.each([
    ['slack', 429, 'rate_limited', { 'retry-after': '120' }],
    ['slack', 500, 'rollup_error', {}],
    ['teams', 503, '', {}],
    ['webhook', 502, 'Bad Gateway', {}],
  ])('retries a %s channel answered %i with back-off, then delivers', async (type, status, body, headers) => {
    const path = `/retry/${type}/${status}`;
    let n = 0;
    answers.set(path, () => (++n === 1 ? { status, body, headers } : { status: 200, body: 'ok' }));
    const ch = await channel({ type, name: `Flaky ${path}`, config: { url: `${rx.url}${path}` } });
    await fail(`RT-${path}`);
    await send();
    expect(at(path)).toHaveLength(1);
    const pending = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items[0];
    expect(pending).toMatchObject({ state: 'pending', attempts: 1, last_status: expect.stringContaining(String(status)) });
    const wait = Date.parse(pending.next_attempt_at) - app.clock.now();
    // 10 s ± 20 % jitter, or the receiver's Retry-After when longer.
    expect(wait).toBeGreaterThanOrEqual(status === 429 ? 120_000 : 8_000);
    expect(wait).toBeLessThanOrEqual(status === 429 ? 120_000 : 12_000);

    app.clock.advance(wait - 1000);
    await send();
    expect(at(path)).toHaveLength(1);
    app.clock.advance(1000);
    await send();
    expect(at(path)).toHaveLength(2);
    const done = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items[0];
    expect(done).toMatchObject({ state: 'sent', attempts: 2 });
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('counts deliveries by channel type and outcome in /metrics', async () => {
    const metrics = (await app.request('GET', '/metrics')).text;
    const count = (labels: string) => Number(new RegExp(`^keepwatch_deliveries_total\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    // The tests above: Slack, Teams and webhooks delivered, retried once each, and broken for good.
    expect(count('channel_type="slack",outcome="sent"')).toBeGreaterThan(0);
    expect(count('channel_type="webhook",outcome="retry"')).toBeGreaterThan(0);
    expect(count('channel_type="teams",outcome="failed"')).toBeGreaterThan(0);
  });

  it('answers a test notification with what the receiver said, and records it', async () => {
    answers.set('/slack/test-bad', () => ({ status: 403, body: 'action_prohibited' }));
    const good = await channel({ type: 'slack', name: 'Slack test', config: { url: `${rx.url}/slack/test-ok` } });
    const bad = await channel({ type: 'slack', name: 'Slack refused', config: { url: `${rx.url}/slack/test-bad` } });
    const ok = await app.request('POST', `/api/v1/channels/${good.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, status: 'HTTP 200', detail: 'ok' });
    expect(at('/slack/test-ok')[0]!.body.text).toContain('Test notification from Keepwatch');
    const refused = await app.request('POST', `/api/v1/channels/${bad.id}/test`);
    expect(refused.body).toMatchObject({ ok: false, status: 'HTTP 403 action_prohibited', detail: expect.stringContaining('action_prohibited') });
    const log = (await app.request('GET', `/api/v1/channels/${bad.id}/deliveries`)).body.items;
    expect(log[0]).toMatchObject({ topic: 'test', state: 'failed', attempts: 1 });
    await app.request('DELETE', `/api/v1/channels/${good.id}`);
    await app.request('DELETE', `/api/v1/channels/${bad.id}`);
  });
});
