// Pushover, Mattermost and SMS (Twilio) channels through the public API, against stand-ins that
// answer as each service documents (test/helpers/*-fake.ts): what each receives, the test
// message, which answers break the channel (a person is told) and which are retried on the
// service's own hint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gsmUnits } from '../../src/notify/channels/twilio_sms/gsm.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type MattermostFake, startMattermostFake } from '../helpers/mattermost-fake.js';
import { type PushoverFake, startPushoverFake } from '../helpers/pushover-fake.js';
import { startTwilioFake, type TwilioFake } from '../helpers/twilio-fake.js';

let app: EngineApp;
let po: PushoverFake;
let mm: MattermostFake;
let tw: TwilioFake;

const APP_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER_KEY = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'f'.repeat(32);

beforeAll(async () => {
  [po, mm, tw] = await Promise.all([startPushoverFake(), startMattermostFake(), startTwilioFake()]);
  po.tokens.add(APP_TOKEN);
  po.users.add(USER_KEY);
  tw.accounts.set(SID, AUTH_TOKEN);
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => {
  await app.close();
  await Promise.all([po.close(), mm.close(), tw.close()]);
});

const send = () => app.kw.notifier.runUntilIdle();

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const remove = (ch: { id: string }) => app.request('DELETE', `/api/v1/channels/${ch.id}`);

const failed = (device: string, n = 0) => job(app.clock.now() + n, { status: 'failed', client: 'Acme Widgets', device: { name: device }, message: 'VSS snapshot failed' });
const good = (device: string) => job(app.clock.now(), { status: 'succeeded', client: 'Acme Widgets', device: { name: device } });

async function expectBroken(ch: { id: string }, reason: RegExp): Promise<void> {
  const got = (await app.request('GET', `/api/v1/channels/${ch.id}`)).body;
  expect(got).toMatchObject({ status: 'broken', broken_reason: expect.stringMatching(reason) });
  const problems = (await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id);
  expect(problems).toEqual([expect.objectContaining({ severity: 'critical', state: 'open' })]);
}

/** The first delivery is pending again, due no sooner than `ms` from now; it goes out once that time comes. */
async function expectRetriedAfter(ch: { id: string }, ms: number, delivered: () => number): Promise<void> {
  const [pending] = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
  expect(pending).toMatchObject({ state: 'pending', attempts: 1 });
  expect(Date.parse(pending.next_attempt_at) - app.clock.now()).toBeGreaterThanOrEqual(ms);
  const before = delivered();
  app.clock.advance(ms - 1000);
  await send();
  expect(delivered()).toBe(before);
  app.clock.advance(Date.parse(pending.next_attempt_at) - app.clock.now());
  await send();
  expect(delivered()).toBe(before + 1);
  expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
}

describe('channel types for phones and Mattermost', () => {
  it('lists pushover, mattermost and twilio_sms with their fields, secrets marked', async () => {
    const types = (await app.request('GET', '/api/v1/channel-types')).body.items as any[];
    const fields = (type: string) => types.find((t) => t.type === type)?.fields.map((f: any) => `${f.name}${f.secret ? '*' : ''}${f.required ? '!' : ''}`);
    expect(fields('pushover')).toEqual(['user_key!', 'app_token*!', 'api_url']);
    expect(fields('mattermost')).toEqual(['url*!']);
    expect(fields('twilio_sms')).toEqual(['account_sid!', 'auth_token*!', 'from!', 'to!', 'api_url']);
    expect(types.find((t) => t.type === 'twilio_sms').fields.find((f: any) => f.name === 'to').kind).toBe('list');
  });
});

describe('Pushover', () => {
  it('pushes a warning at normal priority, its escalation at priority 1 and its resolution quietly, linking to the alert', async () => {
    const ch = await channel({ type: 'pushover', name: 'On-call phone', config: { user_key: USER_KEY, app_token: APP_TOKEN, api_url: po.url } });
    expect(ch.config).toMatchObject({ user_key: USER_KEY, app_token: '***', api_url: po.url });
    await app.report(good('PO-1'));
    app.clock.advance(HOUR);
    await app.report(failed('PO-1'));
    await send();
    const [raised] = po.messages;
    expect(raised).toMatchObject({ token: APP_TOKEN, user: USER_KEY, priority: 0, url_title: 'Open in Keepwatch' });
    expect(raised!.title).toMatch(/^Warning: /);
    expect(raised!.url).toMatch(/^http:\/\/keepwatch\.test\/alerts\//);
    expect(raised!.message).toContain('Client: Acme Widgets');
    expect(raised!.message).toContain('Device: PO-1');
    expect(raised!.message).toContain('Last good backup: 2026-11-02 06:00 UTC');

    // Three failures in a row left open for hours make the alert critical: high priority.
    await app.report(failed('PO-1', 1), failed('PO-1', 2));
    app.clock.advance(7 * HOUR);
    await app.evaluate();
    await send();
    expect(po.messages.at(-1)).toMatchObject({ priority: 1, title: expect.stringMatching(/^Escalated to critical: /) });

    await app.report(good('PO-1'));
    await send();
    expect(po.messages.at(-1)).toMatchObject({ priority: -1, title: expect.stringMatching(/^Resolved: /) });
    await remove(ch);
  });

  it('answers a test notification with what Pushover said', async () => {
    const ch = await channel({ type: 'pushover', name: 'Pushover test', config: { user_key: USER_KEY, app_token: APP_TOKEN, api_url: po.url } });
    const res = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(res.body).toMatchObject({ ok: true, status: 'HTTP 200' });
    expect(po.messages.at(-1)).toMatchObject({ title: 'Keepwatch test', message: expect.stringContaining('Test notification from Keepwatch') });
    await remove(ch);
  });

  it('marks the channel broken when Pushover refuses the user key, and tells a person', async () => {
    const ch = await channel({ type: 'pushover', name: 'Wrong user', config: { user_key: 'x'.repeat(30), app_token: APP_TOKEN, api_url: po.url } });
    const before = po.server.requests.length;
    await app.report(failed('PO-2'));
    await send();
    expect(po.server.requests.length).toBe(before + 1);
    await expectBroken(ch, /user identifier is not a valid/);
    await remove(ch);
  });

  it('retries after the Retry-After Pushover gives with a 429 (the monthly limit), then delivers', async () => {
    const ch = await channel({ type: 'pushover', name: 'Over quota', config: { user_key: USER_KEY, app_token: APP_TOKEN, api_url: po.url } });
    po.server.forced.push({ status: 429, body: { status: 0, errors: ['application is over its monthly message limit'], request: 'r1' }, headers: { 'retry-after': '300' } });
    await app.report(failed('PO-3'));
    await send();
    await expectRetriedAfter(ch, 300_000, () => po.messages.length);
    await remove(ch);
  });
});

describe('Mattermost', () => {
  it('posts an attachment coloured by severity, with fields and a title linking to the alert', async () => {
    mm.hooks.add('noc1hook');
    const ch = await channel({ type: 'mattermost', name: 'Mattermost ~backups', config: { url: mm.hookUrl('noc1hook') } });
    expect(ch.config.url).toBe('***');
    await app.report(failed('MM-1'));
    await send();
    const [post] = mm.posts;
    expect(post!.contentType).toMatch(/^application\/json/);
    const [a] = post!.attachments;
    expect(a).toMatchObject({ color: '#F5A623', fallback: expect.stringMatching(/^Warning: /), title_link: expect.stringMatching(/^http:\/\/keepwatch\.test\/alerts\//), text: 'VSS snapshot failed' });
    expect(a.fields).toEqual(expect.arrayContaining([{ short: true, title: 'Device', value: 'MM-1' }, { short: true, title: 'Last good backup', value: 'never' }]));
    const test = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 'HTTP 200', detail: 'ok' });
    expect(mm.posts.at(-1)!.text).toContain('Test notification from Keepwatch');
    await remove(ch);
  });

  it('marks the channel broken when the hook was deleted (400 invalid webhook)', async () => {
    const ch = await channel({ type: 'mattermost', name: 'Deleted hook', config: { url: mm.hookUrl('gonehook') } });
    await app.report(failed('MM-2'));
    await send();
    expect((await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items[0]).toMatchObject({ state: 'failed', last_status: 'HTTP 400 web.incoming_webhook.invalid.app_error' });
    await expectBroken(ch, /Invalid webhook/);
    await remove(ch);
  });

  it('retries a 429 after its Retry-After', async () => {
    mm.hooks.add('busyhook');
    const ch = await channel({ type: 'mattermost', name: 'Busy server', config: { url: mm.hookUrl('busyhook') } });
    mm.forced.push({ status: 429, headers: { 'retry-after': '90' }, body: '{"id":"api.context.rate_limited","message":"Too many requests","status_code":429}' });
    await app.report(failed('MM-3'));
    await send();
    await expectRetriedAfter(ch, 90_000, () => mm.posts.filter((p) => p.hook === 'busyhook').length);
    await remove(ch);
  });
});

describe('SMS through Twilio', () => {
  const config = (extra: Record<string, unknown> = {}) => ({ account_sid: SID, auth_token: AUTH_TOKEN, from: '+14155550100', to: ['+447700900123', '+447700900456'], api_url: tw.url, ...extra });

  it('refuses a recipient that is not an E.164 number, naming it', async () => {
    const res = await app.request('POST', '/api/v1/channels', { body: { type: 'twilio_sms', name: 'Bad number', config: config({ to: ['+447700900123', '07700 900456'] }) } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'config.to[1]', message: expect.stringContaining('E.164') });
  });

  it('sends one short line per alert to each number, form-encoded with Basic auth', async () => {
    const ch = await channel({ type: 'twilio_sms', name: 'On-call SMS', config: config() });
    expect(ch.config).toMatchObject({ auth_token: '***', account_sid: SID, to: ['+447700900123', '+447700900456'] });
    const before = tw.server.requests.length;
    await app.report(failed('TW-1'));
    await send();
    const reqs = tw.server.requests.slice(before);
    expect(reqs.map((r) => r.path)).toEqual([`/2010-04-01/Accounts/${SID}/Messages.json`, `/2010-04-01/Accounts/${SID}/Messages.json`]);
    expect(reqs[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(reqs[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const sms = tw.messages.slice(-2);
    expect(sms.map((m) => m.to)).toEqual(['+447700900123', '+447700900456']);
    expect(sms[0]!.from).toBe('+14155550100');
    expect(sms[0]!.body).toMatch(/^WARNING TW-1 \(Acme Widgets\): .+ http:\/\/keepwatch\.test\/alerts\/\S+$/);
    expect(sms[0]!.body).not.toContain('\n');
    expect(gsmUnits(sms[0]!.body)).toBeLessThanOrEqual(160);
    await remove(ch);
  });

  it.each([
    ['a wrong auth token (401, 20003)', { auth_token: 'e'.repeat(32) }, /Authenticate/],
    ['a landline (21614)', { to: ['+442079460000'] }, /not a valid mobile number/],
  ])('marks the channel broken on %s', async (_label, extra, reason) => {
    tw.landlines.add('+442079460000');
    const ch = await channel({ type: 'twilio_sms', name: `Broken ${_label}`, config: config(extra) });
    await app.report(failed(`TW-${_label.length}`));
    await send();
    await expectBroken(ch, reason);
    await remove(ch);
  });

  it('retries a 429 (20429) after its Retry-After', async () => {
    const ch = await channel({ type: 'twilio_sms', name: 'Rate limited', config: config({ to: ['+447700900789'] }) });
    tw.server.forced.push({ status: 429, headers: { 'retry-after': '60' }, body: { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 } });
    await app.report(failed('TW-RL'));
    await send();
    await expectRetriedAfter(ch, 60_000, () => tw.messages.filter((m) => m.to === '+447700900789').length);
    await remove(ch);
  });
});
