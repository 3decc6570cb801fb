// Google Chat through a space's incoming webhook (https://developers.google.com/workspace/chat/quickstart/webhooks):
// `POST <webhook url>` with `text` (the notification's line) and one card in `cardsV2`
// (https://developers.google.com/workspace/chat/api/reference/rest/v1/cards): a header, the
// detail and facts as decoratedText widgets, and an "Open in Keepwatch" button. Card text takes a
// small HTML subset (<b>, <font color>, <a>), so what sources wrote is escaped. Each alert's
// notifications share a thread (`threadKey` = the alert, `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`),
// so a resolution lands under its alert. A message holds at most 32,000 bytes
// (https://developers.google.com/workspace/chat/limits): texts are clipped and a long group ends
// with how many alerts were left out.
// Answers are Google API errors `{ error: { code, message, status } }`: 429 RESOURCE_EXHAUSTED
// and 5xx are retried; 400 INVALID_ARGUMENT, 401, 403 PERMISSION_DENIED (webhook removed, key
// revoked) and 404 NOT_FOUND (the space is gone) break the channel.
import { Type } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf, permanent, transient } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, formatTime, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { type HttpAnswer, parseUrlOnlyConfig, postAndClassify } from '../http.js';

export const MAX_GROUP_WIDGETS = 40;
const COLOUR: Record<string, string> = { critical: '#d92d20', warning: '#f79009', info: '#2e90fa', resolved: '#12b76a' };

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const coloured = (colour: string, s: string) => `<font color="${colour}"><b>${esc(s)}</b></font>`;

const button = (text: string, url: string) => ({ buttonList: { buttons: [{ text, onClick: { openLink: { url } } }] } });
const card = (cardId: string, title: string, subtitle: string | undefined, widgets: unknown[]) => ({
  cardId,
  card: { header: { title: clip(title, 200), ...(subtitle ? { subtitle: clip(subtitle, 200) } : {}) }, sections: [{ widgets }] },
});

export function googleChatAlertPayload(e: AlertEvent, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  const colour = e.event === 'alert.resolved' ? COLOUR.resolved! : (COLOUR[e.alert.severity] ?? COLOUR.info!);
  const detail = detailLine(e.alert);
  const widgets: unknown[] = [{ textParagraph: { text: coloured(colour, clip(headline(e), 300)) } }];
  if (detail) widgets.push({ textParagraph: { text: esc(clip(detail, 2000)) } });
  for (const [k, v] of facts(e.alert)) widgets.push({ decoratedText: { topLabel: k, text: esc(clip(v, 500)) } });
  if (e.alert.device_id && lastGood !== undefined) widgets.push({ decoratedText: { topLabel: 'Last good backup', text: lastGood === null ? 'never' : formatTime(new Date(lastGood).toISOString()) } });
  widgets.push(button('Open in Keepwatch', alertUrl(publicUrl, e.alert.id)));
  const where = [e.alert.device_name, e.alert.client_name].filter(Boolean).join(' · ');
  return { text: clip(headline(e), 4000), cardsV2: [card(`alert-${e.alert.id}`, headline(e), where || undefined, widgets)] };
}

/** One widget per line, up to a bound, then how many were left out: the 32,000-byte limit holds. */
function listed(lines: readonly string[]): unknown[] {
  const shown = lines.slice(0, MAX_GROUP_WIDGETS).map((text) => ({ textParagraph: { text } }));
  const rest = lines.length - MAX_GROUP_WIDGETS;
  return rest > 0 ? [...shown, { textParagraph: { text: `… and ${rest} more` } }] : shown;
}

export function googleChatPayload(message: Message, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  if (message.kind === 'alert') return googleChatAlertPayload(message.event, publicUrl, lastGood);
  if (message.kind === 'alert_group') {
    const lines = message.events.map((e) => `${coloured(COLOUR[e.alert.severity] ?? COLOUR.info!, severityWord(e.alert.severity))} <a href="${esc(alertUrl(publicUrl, e.alert.id))}">${esc(clip(e.alert.title, 300))}</a>`);
    const title = groupHeadline(message);
    return { text: title, cardsV2: [card(`group-${message.device_id}`, title, undefined, [...listed(lines), button('Open the device', deviceUrl(publicUrl, message.device_id))])] };
  }
  if (message.kind === 'digest') {
    const lines = message.alerts.map((a) => `${coloured(COLOUR[a.severity] ?? COLOUR.info!, severityWord(a.severity))} <a href="${esc(alertUrl(publicUrl, a.id))}">${esc(clip(a.title, 300))}</a>${a.device_name ? ` (${esc(a.device_name)})` : ''}`);
    const title = `${message.alerts.length} alert${message.alerts.length === 1 ? '' : 's'} raised this hour`;
    return { text: title, cardsV2: [card('digest', title, undefined, [...listed(lines), button('Open Keepwatch', `${publicUrl}/alerts`)])] };
  }
  return { text: TEST_TEXT };
}

/** Each alert's notifications in one thread: the webhook's URL with a thread key added. */
export function threadedUrl(url: string, message: Message): string {
  if (message.kind !== 'alert') return url;
  const u = new URL(url);
  u.searchParams.set('threadKey', `keepwatch-${message.event.alert.id}`);
  u.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return u.toString();
}

export function classifyGoogleChat(a: HttpAnswer): SendResult {
  let said = '';
  try {
    const e = (JSON.parse(a.body) as { error?: { message?: unknown; status?: unknown } }).error;
    if (e) said = [e.status, e.message].filter((x) => typeof x === 'string').join(': ').slice(0, 120);
  } catch {
    // not Google's JSON
  }
  const status = `HTTP ${a.status}${said ? ` ${said.split(':')[0]}` : ''}`;
  if (a.status >= 200 && a.status < 300) return { ok: true, status, response: a.body.slice(0, 500) };
  if (a.status === 408 || a.status === 429 || a.status >= 500) return transient(status, `Google Chat answered ${a.status}${said ? ` (${said})` : ''}; will retry`, a.body, a.retryAfterMs ?? undefined);
  if (a.status === 401 || a.status === 403 || a.status === 404) return permanent(status, `Google Chat refused the webhook (${said || a.status}): it was removed or its URL is wrong`, a.body);
  return permanent(status, `Google Chat refused the message: ${said || a.status}`, a.body);
}

const ConfigSchema = Type.Object(
  { url: Type.String(endpoint({ format: 'uri', title: 'Webhook URL', description: 'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…' })) },
  { title: 'Google Chat', description: 'A Google Chat space’s incoming webhook. The URL is the credential: kept write-only.' },
);

export const googleChatDriver: ChannelDriver = {
  type: 'google_chat',
  configSchema: ConfigSchema,
  secretFields: ['url'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  parseConfig: (raw) => parseUrlOnlyConfig(raw),
  async send(config, message, ctx: SendContext): Promise<SendResult> {
    const lastGood = await lastGoodOf(message, ctx);
    const url = threadedUrl(config.url as string, message);
    return postAndClassify(url, JSON.stringify(googleChatPayload(message, ctx.publicUrl, lastGood)), {}, ctx.timeoutMs, classifyGoogleChat);
  },
};
