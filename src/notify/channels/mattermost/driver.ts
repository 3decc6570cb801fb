// Mattermost incoming webhooks (https://developers.mattermost.com/integrate/webhooks/incoming/):
// POST the hook URL with JSON `{ text, attachments }`. Alerts are one message attachment
// (https://developers.mattermost.com/integrate/reference/message-attachments/): `fallback` for
// notifications, the left border coloured by severity, `title` + `title_link` into the console,
// short `fields` for client, device and last good backup. Groups and tests are Markdown `text`,
// cut to the 16,383 characters a post holds.
//
// Answers: 200 `ok` delivered. Mattermost explains a refusal as JSON `{ id, message, status_code }`
// (e.g. `web.incoming_webhook.invalid.app_error` for a deleted hook, 400): 400, 401, 403 (hooks
// disabled) and 404 are permanent; 429 (the server's rate limit, with Retry-After) and 5xx retried.
import { Type } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf } from '../channel.js';
import { alertUrl, deviceUrl, detailLine, facts, formatTime, groupHeadline, headline, TEST_TEXT } from '../format.js';
import { classifyHttp, type HttpAnswer, parseUrlOnlyConfig, postAndClassify } from '../http.js';

/** A post's `message` holds at most 16,383 characters (Mattermost's `POST_MESSAGE_MAX_RUNES_V2`). */
const MAX_TEXT = 16_383;
const COLOR: Record<string, string> = { critical: '#D0021B', warning: '#F5A623', info: '#4A90E2' };
const RESOLVED = '#2EB67D';

const clip = (s: string, n: number) => (Array.from(s).length <= n ? s : `${Array.from(s).slice(0, n - 1).join('')}…`);
/** Markdown link text must not close the bracket early. */
const linkText = (s: string) => s.replace(/[[\]]/g, (c) => `\\${c}`);

export function mattermostAlertPayload(e: AlertEvent, publicUrl: string, lastGoodAt: number | null): Record<string, unknown> {
  const fields = facts(e.alert).map(([title, value]) => ({ short: true, title, value }));
  if (e.alert.device_id) fields.push({ short: true, title: 'Last good backup', value: lastGoodAt === null ? 'never' : formatTime(new Date(lastGoodAt).toISOString()) });
  const attachment = {
    fallback: headline(e),
    color: e.event === 'alert.resolved' ? RESOLVED : (COLOR[e.alert.severity] ?? COLOR.info),
    title: headline(e),
    title_link: alertUrl(publicUrl, e.alert.id),
    text: clip(detailLine(e.alert) ?? '', 4000),
    fields,
    footer: 'Keepwatch',
  };
  return { attachments: [attachment] };
}

export function mattermostGroupPayload(m: Extract<Message, { kind: 'alert_group' }>, publicUrl: string): Record<string, unknown> {
  const lines = m.events.map((e) => `- [${linkText(headline(e))}](${alertUrl(publicUrl, e.alert.id)})${detailLine(e.alert) ? ` — ${detailLine(e.alert)}` : ''}`);
  const critical = m.events.some((e) => e.alert.severity === 'critical');
  return {
    text: clip(`#### [${linkText(groupHeadline(m))}](${deviceUrl(publicUrl, m.device_id)})\n${lines.join('\n')}`, MAX_TEXT),
    attachments: [{ fallback: groupHeadline(m), color: critical ? COLOR.critical : COLOR.warning, text: `[Open the device](${deviceUrl(publicUrl, m.device_id)})` }],
  };
}

export function mattermostPayload(message: Message, ctx: Pick<SendContext, 'publicUrl'>, lastGoodAt: number | null): Record<string, unknown> {
  if (message.kind === 'alert') return mattermostAlertPayload(message.event, ctx.publicUrl, lastGoodAt);
  if (message.kind === 'alert_group') return mattermostGroupPayload(message, ctx.publicUrl);
  return { text: `:white_check_mark: ${TEST_TEXT} [Open Keepwatch](${ctx.publicUrl})` };
}

/** Mattermost's error id (`web.incoming_webhook.invalid.app_error`) in the status, when it gave one. */
export function classifyMattermost(a: HttpAnswer): SendResult {
  const result = classifyHttp(a);
  if (result.ok) return result;
  let id = '';
  try {
    const parsed = JSON.parse(a.body) as { id?: unknown; message?: unknown };
    if (typeof parsed.id === 'string') id = parsed.id;
    if (typeof parsed.message === 'string' && !result.retry) result.error = `Mattermost refused the message: ${parsed.message} (${a.status})`;
  } catch {
    // a plain-text answer: the generic reading stands
  }
  return id ? { ...result, status: `${result.status} ${id.slice(0, 80)}` } : result;
}

const ConfigSchema = Type.Object(
  { url: Type.String(endpoint({ format: 'uri', title: 'Webhook URL', description: 'https://mattermost.example.com/hooks/…' })) },
  { title: 'Mattermost', description: 'A Mattermost incoming webhook. The URL is the credential: kept write-only.' },
);

export const mattermostDriver: ChannelDriver = {
  type: 'mattermost',
  configSchema: ConfigSchema,
  secretFields: ['url'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'test'],
  // A few posts at once, well under Mattermost's default rate limit (10 a second per client with
  // a burst of 100); one alert's posts still arrive in order.
  maxInFlight: () => 4,
  parseConfig: (raw: ChannelConfig) => parseUrlOnlyConfig(raw),
  async send(config, message, ctx): Promise<SendResult> {
    const lastGood = (await lastGoodOf(message, ctx)) ?? null;
    return postAndClassify(config.url as string, JSON.stringify(mattermostPayload(message, ctx, lastGood)), {}, ctx.timeoutMs, classifyMattermost);
  },
};
