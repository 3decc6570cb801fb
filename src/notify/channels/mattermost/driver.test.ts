import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyMattermost, mattermostPayload } from './driver.js';

const answer = (status: number, body = '', retryAfterMs: number | null = null) => ({ status, body, retryAfterMs });

function event(over: Partial<AlertEvent['alert']> = {}, topic: AlertEvent['event'] = 'alert.raised'): AlertEvent {
  return {
    event: topic,
    at: '2026-11-20T01:12:00Z',
    alert: {
      id: 'a1', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c1', client_name: 'Acme Widgets',
      device_id: 'd1', device_name: 'FILESERVER01', check_id: null, check_name: null, integration_id: null, integration_name: null,
      title: 'Nightly backup failed', detail: { message: 'VSS snapshot failed' }, condition_since: null, raised_at: null, resolved_at: null, ...over,
    },
  };
}

describe('Mattermost payloads', () => {
  it('colours an alert by severity and links its title to the console', () => {
    const p = mattermostPayload({ kind: 'alert', event: event() }, { publicUrl: 'https://kw.example' }, null) as any;
    expect(p.attachments[0]).toMatchObject({ color: '#D0021B', title: 'Critical: Nightly backup failed', title_link: 'https://kw.example/alerts/a1', text: 'VSS snapshot failed' });
    expect(p.attachments[0].fields).toContainEqual({ short: true, title: 'Last good backup', value: 'never' });
    const resolved = mattermostPayload({ kind: 'alert', event: event({}, 'alert.resolved') }, { publicUrl: 'x' }, null) as any;
    expect(resolved.attachments[0].color).toBe('#2EB67D');
  });

  it('keeps a group of many alerts within the 16,383 characters a post holds, with escaped link texts', () => {
    const events = Array.from({ length: 400 }, (_, i) => event({ id: `a${i}`, title: `[job ${i}] ${'x'.repeat(60)}` }));
    const p = mattermostPayload({ kind: 'alert_group', device_id: 'd1', device_name: 'FILESERVER01', client_id: null, client_name: null, events }, { publicUrl: 'https://kw.example' }, null) as any;
    expect(Array.from(p.text as string).length).toBeLessThanOrEqual(16_383);
    expect(p.text).toMatch(/^#### \[400 new alerts \(400 critical\): FILESERVER01\]\(https:\/\/kw\.example\/devices\/d1\)/);
    expect(p.text).toContain('- [Critical: \\[job 0\\] ');
  });
});

describe("reading Mattermost's answers", () => {
  it('puts the error id in the status and breaks the channel on 400/403/404', () => {
    const gone = classifyMattermost(answer(400, '{"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook.","status_code":400}'));
    expect(gone).toMatchObject({ ok: false, retry: false, breaksChannel: true, status: 'HTTP 400 web.incoming_webhook.invalid.app_error', error: expect.stringContaining('Invalid webhook.') });
    for (const s of [403, 404]) expect(classifyMattermost(answer(s, 'nope'))).toMatchObject({ retry: false, breaksChannel: true });
  });

  it('retries 429 after Retry-After, and 5xx', () => {
    expect(classifyMattermost(answer(429, '', 90_000))).toMatchObject({ retry: true, retryAfterMs: 90_000 });
    expect(classifyMattermost(answer(502))).toMatchObject({ retry: true, breaksChannel: false });
    expect(classifyMattermost(answer(200, 'ok')).ok).toBe(true);
  });
});
