import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyGoogleChat, googleChatPayload, MAX_GROUP_WIDGETS, threadedUrl } from './driver.js';

const event = (over: Partial<AlertEvent['alert']> = {}, name: AlertEvent['event'] = 'alert.raised'): AlertEvent => ({
  event: name,
  at: '2026-11-02T06:00:00Z',
  alert: {
    id: 'a1', type: 'job_failed', severity: 'warning', state: 'open', scope: 'check', client_id: 'c', client_name: 'Acme', device_id: 'd1', device_name: 'FS01',
    check_id: null, check_name: null, integration_id: null, integration_name: null, title: 'Nightly <failed>', detail: null, condition_since: null, raised_at: null, resolved_at: null,
    ...over,
  },
});
const answer = (status: number, body: unknown = '', retryAfterMs: number | null = null) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), retryAfterMs });

describe('Google Chat', () => {
  it('sends a cardsV2 card: header, escaped coloured headline, facts, last good backup and a button', () => {
    const p: any = googleChatPayload({ kind: 'alert', event: event() }, 'https://kw', Date.parse('2026-11-01T22:00:00Z'));
    expect(p.text).toBe('Warning: Nightly <failed>');
    const card = p.cardsV2[0].card;
    expect(card.header).toEqual({ title: 'Warning: Nightly <failed>', subtitle: 'FS01 · Acme' });
    const widgets = card.sections[0].widgets;
    expect(widgets[0].textParagraph.text).toBe('<font color="#f79009"><b>Warning: Nightly &lt;failed&gt;</b></font>');
    expect(widgets).toContainEqual({ decoratedText: { topLabel: 'Device', text: 'FS01' } });
    expect(widgets).toContainEqual({ decoratedText: { topLabel: 'Last good backup', text: '2026-11-01 22:00 UTC' } });
    expect(widgets.at(-1)).toEqual({ buttonList: { buttons: [{ text: 'Open in Keepwatch', onClick: { openLink: { url: 'https://kw/alerts/a1' } } }] } });
  });

  it('threads each alert’s notifications by a key, keeping the webhook’s own key and token', () => {
    const url = new URL(threadedUrl('https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t', { kind: 'alert', event: event() }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ key: 'k', token: 't', threadKey: 'keepwatch-a1', messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' });
    expect(threadedUrl('https://x/y?key=k', { kind: 'test', channel_name: 'c', requested_by: 'me' })).toBe('https://x/y?key=k');
  });

  it('bounds a long group and stays under the 32,000-byte message limit', () => {
    const events = Array.from({ length: 500 }, (_, i) => event({ id: `a${i}`, title: `Backup ${i} ${'x'.repeat(300)}` }));
    const p: any = googleChatPayload({ kind: 'alert_group', device_id: 'd1', device_name: 'FS01', client_id: 'c', client_name: 'Acme', events }, 'https://kw');
    const widgets = p.cardsV2[0].card.sections[0].widgets;
    expect(widgets).toHaveLength(MAX_GROUP_WIDGETS + 2);
    expect(widgets.at(-2).textParagraph.text).toBe(`… and ${500 - MAX_GROUP_WIDGETS} more`);
    expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThan(32_000);
  });

  it('retries quota and server errors; a removed webhook or space breaks the channel', () => {
    expect(classifyGoogleChat(answer(200, { name: 'spaces/AAA/messages/1' })).ok).toBe(true);
    expect(classifyGoogleChat(answer(429, { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }, 30_000))).toMatchObject({ retry: true, retryAfterMs: 30_000, status: 'HTTP 429 RESOURCE_EXHAUSTED' });
    expect(classifyGoogleChat(answer(503))).toMatchObject({ retry: true });
    for (const [code, status] of [[400, 'INVALID_ARGUMENT'], [403, 'PERMISSION_DENIED'], [404, 'NOT_FOUND']] as const) {
      expect(classifyGoogleChat(answer(code, { error: { code, message: 'no', status } }))).toMatchObject({ retry: false, breaksChannel: true, status: `HTTP ${code} ${status}` });
    }
  });
});
