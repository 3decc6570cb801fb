import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../domain/notify.js';
import { renderAlert } from './email/templates.js';
import { classifyHttp, parseRetryAfter } from './http.js';
import { classifySlack } from './slack/driver.js';
import { signature } from './webhook/driver.js';

const answer = (status: number, body = '', retryAfterMs: number | null = null) => ({ status, body, retryAfterMs });

describe('reading a receiver’s answer', () => {
  it('retries 408, 429 and 5xx; stops for 404, 410 and other 4xx', () => {
    expect(classifyHttp(answer(204)).ok).toBe(true);
    for (const s of [408, 429, 500, 502, 503]) expect(classifyHttp(answer(s))).toMatchObject({ ok: false, retry: true, breaksChannel: false });
    for (const s of [301, 400, 401, 403, 404, 410, 413]) expect(classifyHttp(answer(s))).toMatchObject({ ok: false, retry: false, breaksChannel: true });
  });

  it("reads Slack's documented error codes", () => {
    expect(classifySlack(answer(200, 'ok')).ok).toBe(true);
    expect(classifySlack(answer(404, 'channel_not_found'))).toMatchObject({ retry: false, breaksChannel: true, status: 'HTTP 404 channel_not_found' });
    expect(classifySlack(answer(403, 'invalid_token'))).toMatchObject({ retry: false, breaksChannel: true });
    expect(classifySlack(answer(200, 'invalid_token'))).toMatchObject({ ok: false, retry: false });
    expect(classifySlack(answer(500, 'rollup_error'))).toMatchObject({ retry: true });
    expect(classifySlack(answer(429, '', 30_000))).toMatchObject({ retry: true, retryAfterMs: 30_000 });
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T07:27:00Z'))).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});

describe('the webhook signature', () => {
  it('is HMAC-SHA256 of "<timestamp>.<body>" in hex', () => {
    const body = '{"a":1}';
    expect(signature('k'.repeat(16), 1_790_000_000, body)).toBe(`sha256=${createHmac('sha256', 'k'.repeat(16)).update(`1790000000.${body}`).digest('hex')}`);
  });
});

describe('alert e-mails', () => {
  it('escape what sources wrote, so a job message cannot inject markup', () => {
    const e: AlertEvent = {
      event: 'alert.raised',
      at: '2026-11-02T06:00:00Z',
      alert: {
        id: 'a1', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c', client_name: 'Acme & Sons',
        device_id: 'd', device_name: '<script>x</script>', check_id: null, check_name: null, integration_id: null, integration_name: null,
        title: 'Backup "failed"', detail: { message: '<img src=x onerror=alert(1)>' }, condition_since: null, raised_at: null, resolved_at: null,
      },
    };
    const m = renderAlert(e, 'https://kw.example');
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(m.html).toContain('Acme &amp; Sons');
    expect(m.text).toContain('<img src=x onerror=alert(1)>');
    expect(m.subject).toBe('[Keepwatch] Critical: Backup "failed" (<script>x</script>)');
  });
});
