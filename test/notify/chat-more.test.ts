// ntfy, Telegram, Discord and Google Chat through the public API, against local stand-ins that
// follow each vendor's published API (test/helpers/*-fake.ts): what each receives, the test
// message, a refusal that breaks the channel and tells a person, and a rate limit honoured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordFake, discordRateLimited, startDiscordFake } from '../helpers/discord-fake.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type GoogleChatFake, googleError, startGoogleChatFake } from '../helpers/google-chat-fake.js';
import { type NtfyFake, ntfyFailures, startNtfyFake } from '../helpers/ntfy-fake.js';
import { parseHtml, type TelegramFake, startTelegramFake, telegramError } from '../helpers/telegram-fake.js';

let app: EngineApp;
let ntfy: NtfyFake;
let telegram: TelegramFake;
let discord: DiscordFake;
let chat: GoogleChatFake;

const BOT_TOKEN = '7012345678:AAHk-test_token_for_keepwatch';

beforeAll(async () => {
  [ntfy, telegram, discord, chat] = await Promise.all([startNtfyFake(), startTelegramFake(), startDiscordFake(), startGoogleChatFake()]);
  telegram.tokens.add(BOT_TOKEN);
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => {
  await app.close();
  await Promise.all([ntfy.close(), telegram.close(), discord.close(), chat.close()]);
});

const send = () => app.kw.notifier.runUntilIdle();

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function report(device: string, status = 'failed', client = 'Smith & <Sons>'): Promise<any> {
  const [item] = await app.report(job(app.clock.now(), { status, client, device: { name: device }, message: 'VSS snapshot failed: <0x8004230f> & retry' }));
  return item;
}

/** A device with a good backup an hour ago, failing now. */
async function failAfterGood(device: string): Promise<void> {
  await report(device, 'succeeded');
  app.clock.advance(HOUR);
  await report(device);
}

async function expectBroken(id: string): Promise<any> {
  const got = (await app.request('GET', `/api/v1/channels/${id}`)).body;
  expect(got).toMatchObject({ status: 'broken', broken_reason: expect.any(String) });
  const problems = (await app.alerts('type=channel_failing')).filter((a) => a.integration_id === id);
  expect(problems).toEqual([expect.objectContaining({ scope: 'integration', severity: 'critical', state: 'open' })]);
  return got;
}

/** The head delivery waits for the receiver's retry hint, then goes out. */
async function expectRetriedAfter(id: string, waitMs: number, sentCount: () => number): Promise<void> {
  const pending = (await app.request('GET', `/api/v1/channels/${id}/deliveries`)).body.items[0];
  expect(pending).toMatchObject({ state: 'pending', attempts: 1, last_status: expect.stringContaining('429') });
  expect(Date.parse(pending.next_attempt_at) - app.clock.now()).toBe(waitMs);
  const before = sentCount();
  app.clock.advance(waitMs - 1000);
  await send();
  expect(sentCount()).toBe(before);
  app.clock.advance(1000);
  await send();
  expect(sentCount()).toBe(before + 1);
  expect((await app.request('GET', `/api/v1/channels/${id}/deliveries`)).body.items[0]).toMatchObject({ state: 'sent', attempts: 2 });
}

const remove = (...ids: string[]) => Promise.all(ids.map((id) => app.request('DELETE', `/api/v1/channels/${id}`)));

describe('more chat channels', () => {
  it('lists ntfy, Telegram, Discord and Google Chat with their fields, secrets marked', async () => {
    const types = (await app.request('GET', '/api/v1/channel-types')).body;
    const list: any[] = Array.isArray(types) ? types : types.items;
    const of = (t: string) => list.find((d) => d.type === t);
    const fields = (t: string) => of(t).fields.map((f: any) => [f.name, f.required, f.secret]);
    expect(fields('ntfy')).toEqual([['url', true, false], ['token', false, true]]);
    expect(fields('telegram')).toEqual([['bot_token', true, true], ['chat_id', true, false], ['api_url', false, false]]);
    expect(fields('discord')).toEqual([['url', true, true]]);
    expect(fields('google_chat')).toEqual([['url', true, true]]);
    expect(of('telegram').fields[2].default).toBe('https://api.telegram.org');
  });

  it('publishes to ntfy with title, priority, tags, a click link and the Bearer token', async () => {
    ntfy.protectedTopics.set('acme-backups', 'tk_keepwatch0123456789');
    const ch = await channel({ type: 'ntfy', name: 'ntfy phones', config: { url: `${ntfy.url}/acme-backups`, token: 'tk_keepwatch0123456789' } });
    expect(ch.config).toEqual({ url: `${ntfy.url}/acme-backups`, token: '***' });
    await failAfterGood('NT-1');
    await send();
    const [m] = ntfy.messages;
    expect(m).toMatchObject({ topic: 'acme-backups', title: 'Warning: Nightly backup: failed', priority: 4, tags: ['warning', 'keepwatch'], authorization: 'Bearer tk_keepwatch0123456789' });
    expect(m!.click).toMatch(/^http:\/\/keepwatch\.test\/alerts\//);
    expect(m!.message).toContain('Device: NT-1');
    expect(m!.message).toContain('Client: Smith & <Sons>');
    expect(m!.message).toMatch(/Last good backup: 2026-11-02 0[56]:\d\d UTC/);

    await report('NT-1', 'succeeded');
    await send();
    expect(ntfy.messages[1]).toMatchObject({ title: 'Resolved: Nightly backup: failed', priority: 3, tags: ['white_check_mark', 'keepwatch'] });

    const test = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 'HTTP 200' });
    expect(ntfy.messages[2]).toMatchObject({ title: 'Keepwatch test', message: expect.stringContaining('Test notification') });
    await remove(ch.id);
  });

  it('breaks an ntfy channel whose token is refused, and retries a rate-limited publish', async () => {
    ntfy.protectedTopics.set('locked', 'tk_right');
    const bad = await channel({ type: 'ntfy', name: 'ntfy wrong token', config: { url: `${ntfy.url}/locked`, token: 'tk_wrong' } });
    await report('NT-2');
    await send();
    const got = await expectBroken(bad.id);
    expect(got.broken_reason).toContain('forbidden');

    const flaky = await channel({ type: 'ntfy', name: 'ntfy busy', config: { url: `${ntfy.url}/busy` } });
    ntfy.server.forced.push({ path: '/', ...ntfyFailures.tooManyRequests });
    await report('NT-3');
    await send();
    const pending = (await app.request('GET', `/api/v1/channels/${flaky.id}/deliveries`)).body.items[0];
    expect(pending).toMatchObject({ state: 'pending', last_status: 'HTTP 429 limit reached: too many requests' });
    app.clock.advance(13_000);
    await send();
    expect(ntfy.messages.filter((m) => m.topic === 'busy')).toHaveLength(1);
    await remove(bad.id, flaky.id);
  });

  it('sends Telegram escaped HTML the Bot API parses, within its limit, keeping the token write-only', async () => {
    telegram.chats.add('-1001234567890');
    const ch = await channel({ type: 'telegram', name: 'Telegram NOC', config: { bot_token: BOT_TOKEN, chat_id: -1001234567890 } });
    expect(ch.config).toEqual({ bot_token: '***', chat_id: '-1001234567890', api_url: 'https://api.telegram.org' });
    // The stand-in plays api.telegram.org: an admin points the channel at it (asking for the token again).
    const moved = await app.request('PATCH', `/api/v1/channels/${ch.id}`, { body: { config: { bot_token: BOT_TOKEN, chat_id: '-1001234567890', api_url: telegram.url } } });
    expect(moved.status, moved.text).toBe(200);
    await failAfterGood('TG-1');
    await send();
    const [m] = telegram.sent;
    expect(m).toMatchObject({ token: BOT_TOKEN, chat_id: '-1001234567890', parse_mode: 'HTML' });
    expect(m!.text).toContain('<b>Warning: Nightly backup: failed</b>');
    expect(m!.text).toContain('Smith &amp; &lt;Sons&gt;');
    expect(m!.text).toContain('&lt;0x8004230f&gt; &amp; retry');
    expect(m!.text).toMatch(/<a href="http:\/\/keepwatch\.test\/alerts\/[^"]+">Open in Keepwatch<\/a>/);
    expect(parseHtml(m!.text)).toHaveProperty('visible');
    expect(m!.text).toContain('<b>Last good backup:</b> 2026-11-02');

    const test = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 'HTTP 200' });
    expect(telegram.sent.at(-1)!.text).toContain('Test notification from Keepwatch');
    await remove(ch.id);
  });

  it('waits out Telegram flood control for parameters.retry_after seconds', async () => {
    telegram.chats.add('555001');
    const ch = await channel({ type: 'telegram', name: 'Telegram flood', config: { bot_token: BOT_TOKEN, chat_id: '555001', api_url: telegram.url } });
    telegram.server.forced.push({ path: `/bot${BOT_TOKEN}/sendMessage`, ...telegramError(429, 'Too Many Requests: retry after 42', { retry_after: 42 }) });
    await report('TG-2');
    await send();
    await expectRetriedAfter(ch.id, 42_000, () => telegram.sent.filter((s) => s.chat_id === '555001').length);
    await remove(ch.id);
  });

  it.each([
    ['an unknown chat', '777404', () => undefined, 'chat not found'],
    ['a chat that blocked the bot', '777403', () => telegram.blocked.add('777403'), 'blocked'],
    ['a revoked token', '777401', () => telegram.tokens.delete('7099999999:AArevoked'), 'token'],
  ])('breaks a Telegram channel refused for %s, never recording the token', async (_what, chatId, setup, reason) => {
    setup();
    const token = chatId === '777401' ? '7099999999:AArevoked' : BOT_TOKEN;
    if (chatId !== '777404') telegram.chats.add(chatId);
    const ch = await channel({ type: 'telegram', name: `Telegram ${chatId}`, config: { bot_token: token, chat_id: chatId, api_url: telegram.url } });
    await report(`TG-${chatId}`);
    await send();
    const got = await expectBroken(ch.id);
    expect(got.broken_reason).toContain(reason);
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).text;
    expect(log).not.toContain(token);
    await remove(ch.id);
  });

  it('executes a Discord webhook with an embed coloured by severity, and honours retry_after from the body', async () => {
    discord.webhooks.set('112233445566778899', 'hookTOKEN-abc_123');
    const ch = await channel({ type: 'discord', name: 'Discord #backups', config: { url: discord.hookUrl('112233445566778899') } });
    expect(ch.config.url).toBe('***');
    await failAfterGood('DC-1');
    await send();
    const [x] = discord.executed;
    expect(x!.body).toMatchObject({ content: 'Warning: Nightly backup: failed', allowed_mentions: { parse: [] } });
    expect(x!.body.embeds[0]).toMatchObject({ title: 'Warning: Nightly backup: failed', color: 0xf79009, url: expect.stringContaining('/alerts/') });
    expect(x!.body.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'Device', value: 'DC-1', inline: true }, expect.objectContaining({ name: 'Last good backup' })]));
    expect((await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items[0]).toMatchObject({ state: 'sent', last_status: 'HTTP 204' });

    // The body's 95.5 s is precise; the header's 96 is rounded up.
    discord.server.forced.push({ path: '/api/webhooks/112233445566778899/hookTOKEN-abc_123', ...discordRateLimited(95.5) });
    await report('DC-2');
    await send();
    await expectRetriedAfter(ch.id, 95_500, () => discord.executed.length);
    await remove(ch.id);
  });

  it('breaks a Discord channel whose webhook was deleted (404 Unknown Webhook) and answers the test with it', async () => {
    const ch = await channel({ type: 'discord', name: 'Discord deleted', config: { url: `${discord.url}/api/webhooks/999/gone-token` } });
    const test = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(test.body).toMatchObject({ ok: false, status: 'HTTP 404 Unknown Webhook (10015)' });
    await report('DC-3');
    await send();
    await expectBroken(ch.id);
    await remove(ch.id);
  });

  it('posts a Google Chat card and threads an alert’s resolution under it', async () => {
    chat.spaces.set('AAAAkeepwatch', 'tok-123');
    const ch = await channel({ type: 'google_chat', name: 'Chat NOC', config: { url: chat.hookUrl('AAAAkeepwatch') } });
    expect(ch.config.url).toBe('***');
    await failAfterGood('GC-1');
    await send();
    const [raised] = chat.posted;
    expect(raised!.body.text).toBe('Warning: Nightly backup: failed');
    const card = raised!.body.cardsV2[0].card;
    expect(card.header).toEqual({ title: 'Warning: Nightly backup: failed', subtitle: 'GC-1 · Smith & <Sons>' });
    expect(card.sections[0].widgets).toContainEqual({ decoratedText: { topLabel: 'Client', text: 'Smith &amp; &lt;Sons&gt;' } });
    expect(card.sections[0].widgets.at(-1).buttonList.buttons[0].onClick.openLink.url).toMatch(/\/alerts\//);
    expect(raised!.replyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');

    await report('GC-1', 'succeeded');
    await send();
    expect(chat.posted[1]!.body.text).toBe('Resolved: Nightly backup: failed');
    expect(chat.posted[1]!.thread).toBe(raised!.thread);

    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body).toMatchObject({ ok: true, status: 'HTTP 200' });
    await remove(ch.id);
  });

  it('retries Google Chat past its quota (429), and breaks a channel whose webhook was removed (403)', async () => {
    chat.spaces.set('BBBBbusy', 'tok-busy');
    const busy = await channel({ type: 'google_chat', name: 'Chat busy', config: { url: chat.hookUrl('BBBBbusy') } });
    chat.server.forced.push({ path: '/v1/spaces/BBBBbusy/messages', ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'), headers: { 'retry-after': '30' } });
    await report('GC-2');
    await send();
    await expectRetriedAfter(busy.id, 30_000, () => chat.posted.filter((p) => p.space === 'BBBBbusy').length);

    const removed = await channel({ type: 'google_chat', name: 'Chat removed', config: { url: `${chat.hookUrl('BBBBbusy').replace('tok-busy', 'tok-old')}` } });
    await report('GC-3');
    await send();
    const got = await expectBroken(removed.id);
    expect(got.broken_reason).toContain('PERMISSION_DENIED');
    await remove(busy.id, removed.id);
  });
});
