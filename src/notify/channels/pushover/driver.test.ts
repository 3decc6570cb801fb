import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyPushover, clip, pushoverBody, pushoverMessage } from './driver.js';

const answer = (status: number, body = '', retryAfterMs: number | null = null) => ({ status, body, retryAfterMs });

function event(over: Partial<AlertEvent['alert']> = {}, topic: AlertEvent['event'] = 'alert.raised'): AlertEvent {
  return {
    event: topic,
    at: '2026-11-20T01:12:00Z',
    alert: {
      id: 'a1', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c1', client_name: 'Acme Widgets',
      device_id: 'd1', device_name: 'FILESERVER01', check_id: null, check_name: 'Nightly', integration_id: null, integration_name: null,
      title: 'Nightly backup failed', detail: { message: 'VSS snapshot failed' }, condition_since: null, raised_at: null, resolved_at: null, ...over,
    },
  };
}
const config = { app_token: 't'.repeat(30), user_key: 'u'.repeat(30), api_url: 'https://api.pushover.net' };

describe('Pushover messages', () => {
  it('sends a critical alert at priority 1 with the device, client, last good backup and a link', () => {
    const m = pushoverMessage({ kind: 'alert', event: event() }, { publicUrl: 'https://kw.example' }, Date.parse('2026-11-18T22:00:00Z'));
    expect(m).toMatchObject({ title: 'Critical: Nightly backup failed', priority: 1, url: 'https://kw.example/alerts/a1', timestamp: Date.parse('2026-11-20T01:12:00Z') / 1000 });
    expect(m.message.split('\n')).toEqual(expect.arrayContaining(['VSS snapshot failed', 'Client: Acme Widgets', 'Device: FILESERVER01', 'Last good backup: 2026-11-18 22:00 UTC']));
  });

  it('sends warnings at 0 and resolutions and info quietly at -1', () => {
    const p = (e: AlertEvent) => pushoverMessage({ kind: 'alert', event: e }, { publicUrl: 'x' }, null).priority;
    expect(p(event({ severity: 'warning' }))).toBe(0);
    expect(p(event({ severity: 'info' }))).toBe(-1);
    expect(p(event({}, 'alert.resolved'))).toBe(-1);
  });

  it('cuts the title to 250 and the message to 1,024 characters without splitting a character', () => {
    const long = pushoverBody(config, { title: '💾'.repeat(400), message: 'é'.repeat(2000), url: 'https://kw.example/a', url_title: 'Open', priority: 0 });
    expect(Array.from(long.title as string)).toHaveLength(250);
    expect(Array.from(long.message as string)).toHaveLength(1024);
    expect((long.title as string).endsWith('💾…')).toBe(true);
    expect(clip('short', 10)).toBe('short');
  });

  it('leaves out a link longer than Pushover takes rather than sending a broken one', () => {
    const body = pushoverBody(config, { title: 't', message: 'm', url: `https://kw.example/${'a'.repeat(600)}`, url_title: 'Open', priority: 0 });
    expect(body).not.toHaveProperty('url');
  });

  it('sums up a digest in one quiet notification', () => {
    const m = pushoverMessage(
      { kind: 'digest', hour_start: '', hour_end: '', timezone: 'UTC', alerts: [{ id: 'a', type: 'job_failed', severity: 'critical', state: 'open', title: 'Backup failed', client_name: null, device_id: 'd', device_name: 'SRV1', raised_at: '' }] },
      { publicUrl: 'https://kw.example' },
      null,
    );
    expect(m).toMatchObject({ title: '1 alert in the last hour', message: '• Critical: Backup failed (SRV1)', priority: -1, url: 'https://kw.example/alerts' });
  });
});

describe("reading Pushover's answers", () => {
  it('takes status 1 as delivered and a 4xx with errors[] as a broken channel', () => {
    expect(classifyPushover(answer(200, '{"status":1,"request":"r"}')).ok).toBe(true);
    const bad = classifyPushover(answer(400, '{"user":"invalid","errors":["user identifier is invalid"],"status":0,"request":"r"}'));
    expect(bad).toMatchObject({ ok: false, retry: false, breaksChannel: true, status: 'HTTP 400', error: expect.stringContaining('user identifier is invalid') });
  });

  it('retries 429 with its Retry-After, and 5xx', () => {
    expect(classifyPushover(answer(429, '{"status":0}', 60_000))).toMatchObject({ retry: true, breaksChannel: false, retryAfterMs: 60_000 });
    expect(classifyPushover(answer(503))).toMatchObject({ retry: true });
  });
});
