import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyNtfy, clipBytes, ntfyDriver, ntfyPayload, splitTopicUrl } from './driver.js';

const event = (over: Partial<AlertEvent['alert']> = {}, name: AlertEvent['event'] = 'alert.raised'): AlertEvent => ({
  event: name,
  at: '2026-11-02T06:00:00Z',
  alert: {
    id: 'a1', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c', client_name: 'Acme', device_id: 'd1', device_name: 'FS01',
    check_id: null, check_name: null, integration_id: null, integration_name: null, title: 'Nightly failed', detail: { message: 'VSS failed' }, condition_since: null, raised_at: null, resolved_at: null,
    ...over,
  },
});
const answer = (status: number, body = '', retryAfterMs: number | null = null) => ({ status, body, retryAfterMs });

describe('ntfy', () => {
  it('publishes to the server root with the topic in the body, keeping a sub-path', () => {
    expect(splitTopicUrl('https://ntfy.sh/acme-backups')).toEqual({ root: 'https://ntfy.sh/', topic: 'acme-backups' });
    expect(splitTopicUrl('https://push.example.com/ntfy/acme?x=1')).toEqual({ root: 'https://push.example.com/ntfy/', topic: 'acme' });
  });

  it('maps severity to priority and tags: critical urgent, warning high, resolutions default', () => {
    const critical = ntfyPayload('t', { kind: 'alert', event: event() }, 'https://kw', 1_790_000_000_000);
    expect(critical).toMatchObject({ topic: 't', title: 'Critical: Nightly failed', priority: 5, tags: ['rotating_light', 'keepwatch'], click: 'https://kw/alerts/a1' });
    expect(critical.message).toContain('Device: FS01');
    expect(critical.message).toContain('Last good backup: 2026-09-21');
    expect(ntfyPayload('t', { kind: 'alert', event: event({ severity: 'warning' }) }, 'https://kw')).toMatchObject({ priority: 4, tags: ['warning', 'keepwatch'] });
    expect(ntfyPayload('t', { kind: 'alert', event: event({}, 'alert.resolved') }, 'https://kw')).toMatchObject({ priority: 3, tags: ['white_check_mark', 'keepwatch'] });
    expect(ntfyPayload('t', { kind: 'alert', event: event() }, 'https://kw', null).message).toContain('Last good backup: never');
  });

  it('keeps a message under the size limit without splitting a character', () => {
    const long = 'é'.repeat(5000);
    const clipped = clipBytes(long, 4000);
    expect(Buffer.byteLength(clipped)).toBeLessThanOrEqual(4000);
    expect(clipped.endsWith('é…')).toBe(true);
    expect(Buffer.byteLength(ntfyPayload('t', { kind: 'alert', event: event({ detail: { message: long } }) }, 'https://kw').message as string)).toBeLessThanOrEqual(4000);
  });

  it('says why ntfy refused, and retries only limits and server errors', () => {
    expect(classifyNtfy(answer(200, '{"id":"x"}')).ok).toBe(true);
    expect(classifyNtfy(answer(401, '{"code":40101,"http":401,"error":"unauthorized"}'))).toMatchObject({ retry: false, breaksChannel: true, status: 'HTTP 401 unauthorized' });
    expect(classifyNtfy(answer(403, '{"code":40301,"http":403,"error":"forbidden"}'))).toMatchObject({ retry: false, breaksChannel: true });
    expect(classifyNtfy(answer(429, '{"code":42901,"http":429,"error":"limit reached: too many requests"}', 5000))).toMatchObject({ retry: true, retryAfterMs: 5000 });
    expect(classifyNtfy(answer(502, '<html>'))).toMatchObject({ retry: true, status: 'HTTP 502' });
  });

  it('needs a topic in the URL; an empty token means an open topic', () => {
    expect(ntfyDriver.parseConfig({ url: 'https://ntfy.sh/' })).toHaveProperty('problems');
    expect(ntfyDriver.parseConfig({ url: 'https://ntfy.sh/acme', token: '' })).toEqual({ config: { url: 'https://ntfy.sh/acme' } });
    expect(ntfyDriver.parseConfig({ url: 'https://ntfy.sh/acme', priority: 5 })).toHaveProperty('problems');
  });
});
