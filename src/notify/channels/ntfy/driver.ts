// ntfy (ntfy.sh or self-hosted): one publish per notification, as JSON to the server's root URL
// with the topic in the body (https://docs.ntfy.sh/publish/#publish-as-json) rather than as
// X-Title/X-Tags headers, because headers cannot carry the non-ASCII names sources write.
// Priority follows severity (https://docs.ntfy.sh/publish/#message-priority): critical 5, warning 4,
// info and resolutions 3; tags become emojis (https://docs.ntfy.sh/publish/#tags-emojis); `click`
// opens the alert in the console (https://docs.ntfy.sh/publish/#click-action). A protected topic
// takes `Authorization: Bearer <token>` (https://docs.ntfy.sh/publish/#access-tokens).
// Answers: errors are `{ code, http, error }` (40101 unauthorized, 40301 forbidden, 42901… limits):
// 401/403/404 and other 4xx are permanent, 429 and 5xx retried.
import { Type } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf } from '../channel.js';
import { schemaProblems, withDefaults } from '../config-schema.js';
import { alertUrl, detailLine, deviceUrl, facts, formatTime, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { classifyHttp, type HttpAnswer, httpUrlProblem, postAndClassify } from '../http.js';
import { secret } from '../psa/common-schema.js';

export const NtfyConfig = Type.Object(
  {
    url: Type.String(endpoint({ format: 'uri', title: 'Topic URL', description: 'the topic’s full URL, e.g. https://ntfy.sh/acme-backups' })),
    token: Type.Optional(Type.String(secret({ minLength: 1, maxLength: 200, title: 'Access token', description: 'tk_… for a protected topic (sent as a Bearer token); empty for an open topic' }))),
  },
  { additionalProperties: false, title: 'ntfy', description: 'Push notifications to phones and desktops through an ntfy topic (ntfy.sh or your own server).' },
);

const PRIORITY: Record<string, number> = { critical: 5, warning: 4, info: 3 };
const TAG: Record<string, string> = { critical: 'rotating_light', warning: 'warning', info: 'information_source' };
/** ntfy's default message-size-limit is 4,096 bytes; past it a server turns the text into an attachment or refuses it. */
export const NTFY_MAX_MESSAGE_BYTES = 4000;

/** The server's root and the topic: `https://ntfy.example.com/sub/acme` → [`https://ntfy.example.com/sub/`, `acme`]. */
export function splitTopicUrl(url: string): { root: string; topic: string } {
  const u = new URL(url);
  const parts = u.pathname.split('/');
  const topic = decodeURIComponent(parts.pop() ?? '');
  u.pathname = `${parts.join('/')}/`;
  u.search = '';
  return { root: u.toString(), topic };
}

/** Cut to at most `max` UTF-8 bytes without splitting a character, marking the cut. */
export function clipBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max - 3) break;
    out += ch;
  }
  return `${out}…`;
}

const lastGoodLine = (ms: number | null | undefined) => (ms === undefined ? [] : [`Last good backup: ${ms === null ? 'never' : formatTime(new Date(ms).toISOString())}`]);

export function ntfyAlertPayload(topic: string, e: AlertEvent, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  const resolved = e.event === 'alert.resolved';
  const detail = detailLine(e.alert);
  const lines = [...(detail ? [detail] : []), ...facts(e.alert).map(([k, v]) => `${k}: ${v}`), ...lastGoodLine(e.alert.device_id ? lastGood : undefined)];
  const url = alertUrl(publicUrl, e.alert.id);
  return {
    topic,
    title: clipBytes(headline(e), 250),
    message: clipBytes(lines.join('\n'), NTFY_MAX_MESSAGE_BYTES),
    priority: resolved ? 3 : (PRIORITY[e.alert.severity] ?? 3),
    tags: [resolved ? 'white_check_mark' : (TAG[e.alert.severity] ?? 'bell'), 'keepwatch'],
    click: url,
    actions: [{ action: 'view', label: 'Open in Keepwatch', url }],
  };
}

export function ntfyPayload(topic: string, message: Message, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  if (message.kind === 'alert') return ntfyAlertPayload(topic, message.event, publicUrl, lastGood);
  if (message.kind === 'alert_group') {
    const critical = message.events.some((e) => e.alert.severity === 'critical');
    const lines = message.events.map((e) => `${severityWord(e.alert.severity)}: ${e.alert.title}${detailLine(e.alert) ? ` — ${detailLine(e.alert)}` : ''}`);
    return {
      topic,
      title: clipBytes(groupHeadline(message), 250),
      message: clipBytes(lines.join('\n'), NTFY_MAX_MESSAGE_BYTES),
      priority: critical ? 5 : 4,
      tags: [critical ? 'rotating_light' : 'warning', 'keepwatch'],
      click: deviceUrl(publicUrl, message.device_id),
    };
  }
  if (message.kind === 'digest') {
    const lines = message.alerts.map((a) => `${severityWord(a.severity)}: ${a.title}${a.device_name ? ` (${a.device_name})` : ''}`);
    return { topic, title: `${message.alerts.length} alerts this hour`, message: clipBytes(lines.join('\n'), NTFY_MAX_MESSAGE_BYTES), priority: 3, tags: ['keepwatch'], click: `${publicUrl}/alerts` };
  }
  return { topic, title: 'Keepwatch test', message: TEST_TEXT, priority: 3, tags: ['white_check_mark', 'keepwatch'], click: publicUrl };
}

/** ntfy's own error text (`{"error":"unauthorized"}`) in the status, so the log says why. */
export function classifyNtfy(a: HttpAnswer): SendResult {
  const r = classifyHttp(a);
  if (r.ok) return r;
  let reason = '';
  try {
    const b = JSON.parse(a.body) as { error?: unknown };
    if (typeof b.error === 'string') reason = b.error.slice(0, 80);
  } catch {
    // not ntfy's JSON (a proxy's page): the status code says enough
  }
  if (!reason) return r;
  return { ...r, status: `${r.status} ${reason}`, error: `ntfy answered ${a.status}: ${reason}${r.retry ? '; will retry' : ''}` };
}

export const ntfyDriver: ChannelDriver = {
  type: 'ntfy',
  configSchema: NtfyConfig,
  secretFields: ['token'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  parseConfig(raw: ChannelConfig) {
    // An emptied token field means an open topic.
    const cleaned = { ...raw };
    if (cleaned.token === '' || cleaned.token === null) delete cleaned.token;
    const problems = schemaProblems(NtfyConfig, cleaned);
    const bad = httpUrlProblem(cleaned.url, 'config.url');
    if (bad && !problems.some((p) => p.field === 'config.url')) problems.push(bad);
    if (!bad && splitTopicUrl(cleaned.url as string).topic === '') problems.push({ field: 'config.url', message: 'must end with the topic name' });
    if (problems.length > 0) return { problems };
    return { config: withDefaults<ChannelConfig>(NtfyConfig, cleaned) };
  },
  async send(config, message, ctx: SendContext): Promise<SendResult> {
    const { root, topic } = splitTopicUrl(config.url as string);
    const lastGood = await lastGoodOf(message, ctx);
    const headers: Record<string, string> = typeof config.token === 'string' ? { authorization: `Bearer ${config.token}` } : {};
    return postAndClassify(root, JSON.stringify(ntfyPayload(topic, message, ctx.publicUrl, lastGood)), headers, ctx.timeoutMs, classifyNtfy);
  },
};
