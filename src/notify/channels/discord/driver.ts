// Discord through a channel webhook: `POST <webhook url>` with `content` (the notification's
// text, ≤ 2,000 characters) and one embed (https://discord.com/developers/docs/resources/webhook#execute-webhook),
// coloured by severity, within the embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits:
// title 256, description 4,096, 25 fields of name 256 / value 1,024, 6,000 characters in all).
// `allowed_mentions: { parse: [] }` so a job message containing @everyone pings nobody.
// Answers: 204 delivered; 429 carries `retry_after` (seconds, JSON) and Retry-After
// (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit); 401 "Invalid
// Webhook Token" (50027) and 404 "Unknown Webhook" (10015) mean the webhook was deleted or its URL
// mistyped (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json): permanent,
// as is any other 4xx; 5xx is retried.
import { Type } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf, permanent, transient } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, formatTime, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { type HttpAnswer, parseUrlOnlyConfig, postAndClassify } from '../http.js';

export const LIMIT = { content: 2000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;
export const COLOUR: Record<string, number> = { critical: 0xd92d20, warning: 0xf79009, info: 0x2e90fa, resolved: 0x12b76a };

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** Discord markdown in text we do not control: a backslash before each markdown character. */
export const esc = (s: string) => s.replace(/([\\*_~`|>[\]()#-])/g, '\\$1');

/** Whole lines into a description of at most `max` characters, then how many were left out. */
function fitLines(lines: readonly string[], max: number): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > max - 30) {
      out.push(`… and ${lines.length - i} more`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

const base = { username: 'Keepwatch', allowed_mentions: { parse: [] } };

export function discordAlertPayload(e: AlertEvent, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  const resolved = e.event === 'alert.resolved';
  const fields = facts(e.alert).map(([name, value]) => ({ name: clip(name, LIMIT.fieldName), value: clip(value, LIMIT.fieldValue), inline: true }));
  if (e.alert.device_id && lastGood !== undefined) fields.push({ name: 'Last good backup', value: lastGood === null ? 'never' : formatTime(new Date(lastGood).toISOString()), inline: true });
  const detail = detailLine(e.alert);
  const embed = {
    title: clip(headline(e), LIMIT.title),
    url: alertUrl(publicUrl, e.alert.id),
    // The description and fields stay under the embed's 6,000 in all: title 256 + 2,000 + 25 × (40 + 200).
    description: detail ? clip(esc(detail), 2000) : undefined,
    color: resolved ? COLOUR.resolved : (COLOUR[e.alert.severity] ?? COLOUR.info),
    fields: fields.slice(0, LIMIT.fields).map((f) => ({ ...f, name: clip(f.name, 40), value: clip(f.value, 200) })),
    timestamp: e.at,
    footer: { text: 'Keepwatch' },
  };
  return { ...base, content: clip(headline(e), LIMIT.content), embeds: [embed] };
}

export function discordPayload(message: Message, publicUrl: string, lastGood?: number | null): Record<string, unknown> {
  if (message.kind === 'alert') return discordAlertPayload(message.event, publicUrl, lastGood);
  if (message.kind === 'alert_group') {
    const critical = message.events.some((e) => e.alert.severity === 'critical');
    const lines = message.events.map((e) => `**[${esc(clip(headline(e), 200))}](${alertUrl(publicUrl, e.alert.id)})**${detailLine(e.alert) ? ` — ${esc(clip(detailLine(e.alert)!, 200))}` : ''}`);
    const title = clip(groupHeadline(message), LIMIT.title);
    return { ...base, content: title, embeds: [{ title, url: deviceUrl(publicUrl, message.device_id), description: fitLines(lines, LIMIT.description), color: critical ? COLOUR.critical : COLOUR.warning }] };
  }
  if (message.kind === 'digest') {
    const lines = message.alerts.map((a) => `[${esc(`${severityWord(a.severity)}: ${clip(a.title, 200)}`)}](${alertUrl(publicUrl, a.id)})${a.device_name ? ` (${esc(a.device_name)})` : ''}`);
    const title = `${message.alerts.length} alert${message.alerts.length === 1 ? '' : 's'} raised this hour`;
    return { ...base, content: title, embeds: [{ title, description: fitLines(lines, LIMIT.description), color: COLOUR.info }] };
  }
  return { ...base, content: TEST_TEXT, embeds: [{ title: 'Keepwatch test', url: publicUrl, description: TEST_TEXT, color: COLOUR.resolved }] };
}

export function classifyDiscord(a: HttpAnswer): SendResult {
  let b: { message?: unknown; code?: unknown; retry_after?: unknown } = {};
  try {
    b = JSON.parse(a.body) as typeof b;
  } catch {
    // 204 has no body; a proxy's page is not JSON
  }
  const said = typeof b.message === 'string' ? `${b.message.slice(0, 80)}${typeof b.code === 'number' ? ` (${b.code})` : ''}` : '';
  const status = `HTTP ${a.status}${said ? ` ${said}` : ''}`;
  if (a.status >= 200 && a.status < 300) return { ok: true, status, response: a.body };
  if (a.status === 429 || a.status >= 500) {
    // The body's retry_after (seconds, fractional) is the precise one; the header is rounded up.
    const retryAfterMs = typeof b.retry_after === 'number' ? Math.ceil(b.retry_after * 1000) : (a.retryAfterMs ?? undefined);
    return transient(status, `Discord answered ${a.status}${said ? ` ${said}` : ''}; will retry`, a.body, retryAfterMs);
  }
  if (a.status === 401 || a.status === 404) return permanent(status, `the webhook is gone or its URL is wrong${said ? ` (${said})` : ''}: create a new one`, a.body);
  return permanent(status, `Discord refused the message${said ? `: ${said}` : ` (${a.status})`}`, a.body);
}

const ConfigSchema = Type.Object(
  { url: Type.String(endpoint({ format: 'uri', title: 'Webhook URL', description: 'https://discord.com/api/webhooks/…' })) },
  { title: 'Discord', description: 'A Discord channel webhook (Server settings → Integrations → Webhooks). The URL is the credential: kept write-only.' },
);

export const discordDriver: ChannelDriver = {
  type: 'discord',
  configSchema: ConfigSchema,
  secretFields: ['url'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  parseConfig: (raw) => parseUrlOnlyConfig(raw),
  async send(config, message, ctx: SendContext): Promise<SendResult> {
    const lastGood = await lastGoodOf(message, ctx);
    return postAndClassify(config.url as string, JSON.stringify(discordPayload(message, ctx.publicUrl, lastGood)), {}, ctx.timeoutMs, classifyDiscord);
  },
};
