import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { COLOUR, classifyDiscord, discordPayload, LIMIT } from './driver.js';

const event = (over: Partial<AlertEvent['alert']> = {}, name: AlertEvent['event'] = 'alert.raised'): AlertEvent => ({
  event: name,
  at: '2026-11-02T06:00:00Z',
  alert: {
    id: 'a1', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c', client_name: 'Acme', device_id: 'd1', device_name: 'FS01',
    check_id: null, check_name: null, integration_id: null, integration_name: null, title: 'Nightly failed', detail: { message: '@everyone *VSS* failed' }, condition_since: null, raised_at: null, resolved_at: null,
    ...over,
  },
});
const answer = (status: number, body: unknown = '', retryAfterMs: number | null = null) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), retryAfterMs });

/** Characters Discord counts against an embed's 6,000: title, description, field names and values, footer. */
const embedChars = (e: any) => (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text?.length ?? 0) + (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);

describe('Discord', () => {
  it('sends an embed coloured by severity, linking to the alert, with mentions turned off', () => {
    const p: any = discordPayload({ kind: 'alert', event: event() }, 'https://kw', null);
    expect(p.content).toBe('Critical: Nightly failed');
    expect(p.allowed_mentions).toEqual({ parse: [] });
    expect(p.embeds[0]).toMatchObject({ title: 'Critical: Nightly failed', url: 'https://kw/alerts/a1', color: COLOUR.critical, description: '@everyone \\*VSS\\* failed' });
    expect(p.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'Device', value: 'FS01', inline: true }, { name: 'Last good backup', value: 'never', inline: true }]));
    const resolved: any = discordPayload({ kind: 'alert', event: event({}, 'alert.resolved') }, 'https://kw');
    expect(resolved.embeds[0].color).toBe(COLOUR.resolved);
  });

  it('keeps titles, descriptions, fields and the whole embed within Discord’s limits', () => {
    const big: any = discordPayload({ kind: 'alert', event: event({ title: 'T'.repeat(1000), client_name: 'C'.repeat(3000), detail: { message: 'm'.repeat(9000) } }) }, 'https://kw');
    const e = big.embeds[0];
    expect(e.title.length).toBeLessThanOrEqual(LIMIT.title);
    expect(e.description.length).toBeLessThanOrEqual(LIMIT.description);
    expect(e.fields.length).toBeLessThanOrEqual(LIMIT.fields);
    expect(embedChars(e)).toBeLessThanOrEqual(LIMIT.total);
    expect(big.content.length).toBeLessThanOrEqual(LIMIT.content);
    const events = Array.from({ length: 300 }, (_, i) => event({ id: `a${i}`, title: `Backup ${i} ${'x'.repeat(80)}` }));
    const group: any = discordPayload({ kind: 'alert_group', device_id: 'd1', device_name: 'FS01', client_id: 'c', client_name: 'Acme', events }, 'https://kw');
    expect(group.embeds[0].description.length).toBeLessThanOrEqual(LIMIT.description);
    expect(group.embeds[0].description).toMatch(/… and \d+ more$/);
    expect(embedChars(group.embeds[0])).toBeLessThanOrEqual(LIMIT.total);
  });

  it('honours retry_after from the body over the rounded header; unknown webhooks break the channel', () => {
    expect(classifyDiscord(answer(204)).ok).toBe(true);
    expect(classifyDiscord(answer(429, { message: 'You are being rate limited.', retry_after: 2.345, global: false }, 3000))).toMatchObject({ retry: true, retryAfterMs: 2345 });
    expect(classifyDiscord(answer(429, '', 3000))).toMatchObject({ retry: true, retryAfterMs: 3000 });
    expect(classifyDiscord(answer(503))).toMatchObject({ retry: true });
    expect(classifyDiscord(answer(404, { message: 'Unknown Webhook', code: 10015 }))).toMatchObject({ retry: false, breaksChannel: true, status: 'HTTP 404 Unknown Webhook (10015)' });
    expect(classifyDiscord(answer(401, { message: 'Invalid Webhook Token', code: 50027 }))).toMatchObject({ retry: false, breaksChannel: true });
    expect(classifyDiscord(answer(400, { message: 'Invalid Form Body', code: 50035 }))).toMatchObject({ retry: false, breaksChannel: true });
  });
});
