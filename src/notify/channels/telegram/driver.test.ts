import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyTelegram, fitLines, TELEGRAM_MAX_TEXT, telegramDriver, telegramText } from './driver.js';

const event = (over: Partial<AlertEvent['alert']> = {}, name: AlertEvent['event'] = 'alert.raised'): AlertEvent => ({
  event: name,
  at: '2026-11-02T06:00:00Z',
  alert: {
    id: 'a1', type: 'job_failed', severity: 'warning', state: 'open', scope: 'check', client_id: 'c', client_name: 'Acme & Sons', device_id: 'd1', device_name: '<FS01>',
    check_id: null, check_name: null, integration_id: null, integration_name: null, title: 'Nightly failed', detail: { message: 'a < b && c' }, condition_since: null, raised_at: null, resolved_at: null,
    ...over,
  },
});
const answer = (status: number, body: unknown, retryAfterMs: number | null = null) => ({ status, body: JSON.stringify(body), retryAfterMs });
const visible = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, '_').length;

describe('Telegram', () => {
  it('escapes what sources wrote for HTML mode and links to the alert', () => {
    const text = telegramText({ kind: 'alert', event: event() }, 'https://kw', null);
    expect(text).toContain('<b>Warning: Nightly failed</b>');
    expect(text).toContain('<i>a &lt; b &amp;&amp; c</i>');
    expect(text).toContain('<b>Client:</b> Acme &amp; Sons');
    expect(text).toContain('&lt;FS01&gt;');
    expect(text).toContain('<b>Last good backup:</b> never');
    expect(text).toContain('<a href="https://kw/alerts/a1">Open in Keepwatch</a>');
    expect(telegramText({ kind: 'alert', event: event({}, 'alert.resolved') }, 'https://kw')).toMatch(/^✅ <b>Resolved: /);
  });

  it('stays within 4,096 visible characters, cutting between lines and saying how many were left out', () => {
    const events = Array.from({ length: 200 }, (_, i) => event({ id: `a${i}`, title: `Backup ${i} failed ${'x'.repeat(60)}` }));
    const text = telegramText({ kind: 'alert_group', device_id: 'd1', device_name: 'FS01', client_id: 'c', client_name: 'Acme', events }, 'https://kw');
    expect(visible(text)).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(text).toMatch(/… and \d+ more lines$/);
    expect((text.match(/<a /g) ?? []).length).toBe((text.match(/<\/a>/g) ?? []).length);
    expect(fitLines(['a', 'b'])).toBe('a\nb');
    const huge = telegramText({ kind: 'alert', event: event({ title: 'T'.repeat(5000), detail: { message: 'm'.repeat(9000) } }) }, 'https://kw');
    expect(visible(huge)).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
  });

  it('reads the Bot API answer: flood control with retry_after, refusals that break the channel', () => {
    expect(classifyTelegram(answer(200, { ok: true, result: { message_id: 1 } })).ok).toBe(true);
    expect(classifyTelegram(answer(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }))).toMatchObject({
      retry: true,
      breaksChannel: false,
      retryAfterMs: 7000,
    });
    expect(classifyTelegram(answer(502, { ok: false, error_code: 502, description: 'Bad Gateway' }))).toMatchObject({ retry: true });
    for (const [status, description] of [
      [400, 'Bad Request: chat not found'],
      [401, 'Unauthorized'],
      [403, 'Forbidden: bot was blocked by the user'],
      [404, 'Not Found'],
    ] as const) {
      expect(classifyTelegram(answer(status, { ok: false, error_code: status, description })), description).toMatchObject({ retry: false, breaksChannel: true, status: `HTTP ${status} ${description}` });
    }
    const moved = classifyTelegram(answer(400, { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1001234567890 } }));
    expect(moved).toMatchObject({ retry: false, error: expect.stringContaining('-1001234567890') });
  });

  it('takes a numeric chat id as typed, defaults the API URL, and refuses unknown fields', () => {
    expect(telegramDriver.parseConfig({ bot_token: '123456:ABCDEFGHIJ', chat_id: -1001234567890 })).toEqual({
      config: { bot_token: '123456:ABCDEFGHIJ', chat_id: '-1001234567890', api_url: 'https://api.telegram.org' },
    });
    expect(telegramDriver.parseConfig({ bot_token: '123456:ABCDEFGHIJ', chat_id: 'my chat' })).toHaveProperty('problems');
    expect(telegramDriver.parseConfig({ bot_token: '123456:ABCDEFGHIJ', chat_id: '@acme', token: 'x' })).toHaveProperty('problems');
  });
});
