// Telegram through a bot: `POST {api_url}/bot<token>/sendMessage` with `parse_mode: HTML`
// (https://core.telegram.org/bots/api#sendmessage, #formatting-options: only <, > and & need
// escaping, and only b/i/u/s/a/code/pre tags are understood). A message holds at most 4,096
// characters after entities are parsed; we keep whole lines and say how many were left out.
// Every answer is `{ ok, result | error_code, description, parameters }`
// (https://core.telegram.org/bots/api#making-requests): 429 carries `parameters.retry_after`
// seconds (#responseparameters), a group upgraded to a supergroup answers 400 with
// `parameters.migrate_to_chat_id`. 400 "chat not found", 401 Unauthorized (a revoked token),
// 403 "bot was blocked by the user" / "bot was kicked" and 404 (a malformed token) break the
// channel; 429 and 5xx are retried.
import { Type } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf, permanent, transient } from '../channel.js';
import { schemaProblems, withDefaults } from '../config-schema.js';
import { alertUrl, detailLine, deviceUrl, facts, formatTime, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { type HttpAnswer, httpUrlProblem, networkFailure, postJson } from '../http.js';
import { secret } from '../psa/common-schema.js';

export const TELEGRAM_API_URL = 'https://api.telegram.org';
export const TELEGRAM_MAX_TEXT = 4096;

export const TelegramConfig = Type.Object(
  {
    bot_token: Type.String(secret({ minLength: 10, maxLength: 200, title: 'Bot token', description: '123456789:AA… from @BotFather' })),
    chat_id: Type.String({ minLength: 1, maxLength: 64, title: 'Chat id', description: 'the chat’s numeric id (groups start with -100…) or @channelname' }),
    api_url: Type.Optional(Type.String(endpoint({ format: 'uri', default: TELEGRAM_API_URL, title: 'API URL', description: 'https://api.telegram.org, or your own Bot API server', 'x-advanced': true }))),
  },
  { additionalProperties: false, title: 'Telegram', description: 'Messages from a Telegram bot to a chat, group or channel. The bot token is kept write-only.' },
);

/** Telegram's HTML mode: text we do not control must have &, < and > escaped (quotes too, for href values). */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const ICON: Record<string, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/**
 * Whole lines up to Telegram's limit (counted on the visible text, as Telegram counts it after
 * parsing entities; the markup is not counted), then a line saying how many were left out.
 * Each line is balanced markup, so cutting between lines never breaks a tag.
 */
export function fitLines(lines: readonly string[], max = TELEGRAM_MAX_TEXT): string {
  const visible = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, '_').length;
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const n = visible(line) + 1;
    const rest = lines.length - i;
    if (used + n > max - 40) {
      out.push(`… and ${rest} more line${rest === 1 ? '' : 's'}`);
      break;
    }
    out.push(line);
    used += n;
  }
  return out.join('\n');
}

const link = (url: string, text: string) => `<a href="${esc(url)}">${esc(text)}</a>`;

export function telegramAlertText(e: AlertEvent, publicUrl: string, lastGood?: number | null): string {
  const icon = e.event === 'alert.resolved' ? '✅' : (ICON[e.alert.severity] ?? '');
  const detail = detailLine(e.alert);
  const lines = [`${icon} <b>${esc(clip(headline(e), 500))}</b>`];
  if (detail) lines.push(`<i>${esc(clip(detail, 1000))}</i>`);
  for (const [k, v] of facts(e.alert)) lines.push(`<b>${esc(k)}:</b> ${esc(clip(v, 300))}`);
  if (e.alert.device_id && lastGood !== undefined) lines.push(`<b>Last good backup:</b> ${lastGood === null ? 'never' : formatTime(new Date(lastGood).toISOString())}`);
  lines.push(link(alertUrl(publicUrl, e.alert.id), 'Open in Keepwatch'));
  return fitLines(lines);
}

export function telegramText(message: Message, publicUrl: string, lastGood?: number | null): string {
  switch (message.kind) {
    case 'alert':
      return telegramAlertText(message.event, publicUrl, lastGood);
    case 'alert_group': {
      const head = `<b>${link(deviceUrl(publicUrl, message.device_id), groupHeadline(message))}</b>`;
      const lines = message.events.map((e) => `${ICON[e.alert.severity] ?? ''} ${link(alertUrl(publicUrl, e.alert.id), clip(headline(e), 300))}`);
      return fitLines([head, ...lines]);
    }
    case 'digest': {
      const head = `<b>${message.alerts.length} alert${message.alerts.length === 1 ? '' : 's'} raised this hour</b>`;
      const lines = message.alerts.map((a) => `${ICON[a.severity] ?? ''} ${link(alertUrl(publicUrl, a.id), `${severityWord(a.severity)}: ${clip(a.title, 300)}`)}${a.device_name ? ` (${esc(a.device_name)})` : ''}`);
      return fitLines([head, ...lines]);
    }
    default:
      return `✅ ${esc(TEST_TEXT)}`;
  }
}

interface TelegramAnswer {
  ok?: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export function classifyTelegram(a: HttpAnswer): SendResult {
  let b: TelegramAnswer = {};
  try {
    b = JSON.parse(a.body) as TelegramAnswer;
  } catch {
    // a proxy's page, not the Bot API: the status code decides
  }
  const description = typeof b.description === 'string' ? b.description.slice(0, 120) : '';
  const status = `HTTP ${a.status}${description ? ` ${description}` : ''}`;
  if (a.status === 200 && b.ok === true) return { ok: true, status: 'HTTP 200', response: a.body };
  if (a.status === 429 || a.status >= 500) {
    const hint = b.parameters?.retry_after;
    const retryAfterMs = typeof hint === 'number' && hint >= 0 ? hint * 1000 : (a.retryAfterMs ?? undefined);
    return transient(status, `Telegram answered ${a.status}${description ? ` (${description})` : ''}; will retry`, a.body, retryAfterMs);
  }
  const moved = b.parameters?.migrate_to_chat_id;
  if (moved !== undefined) return permanent(status, `the group became a supergroup: set the chat id to ${moved}`, a.body);
  if (a.status === 401 || a.status === 404) return permanent(status, 'Telegram refused the bot token: it was revoked or mistyped (ask @BotFather)', a.body);
  if (a.status === 403) return permanent(status, `the bot may not write to this chat (${description || 'forbidden'}): add it back or unblock it`, a.body);
  return permanent(status, `Telegram refused the message: ${description || a.status}`, a.body);
}

/** The token sits in the request's path: keep it out of anything we record. */
const scrub = (r: SendResult, token: string): SendResult => {
  if (r.ok || token === '') return r;
  const hide = (s: string | undefined) => s?.split(token).join('***');
  return { ...r, error: hide(r.error)!, status: hide(r.status)!, response: hide(r.response) };
};

export const telegramDriver: ChannelDriver = {
  type: 'telegram',
  configSchema: TelegramConfig,
  secretFields: ['bot_token'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  parseConfig(raw: ChannelConfig) {
    // A numeric id typed as a number is what people paste from getUpdates.
    const cleaned = typeof raw.chat_id === 'number' && Number.isInteger(raw.chat_id) ? { ...raw, chat_id: String(raw.chat_id) } : raw;
    const problems = schemaProblems(TelegramConfig, cleaned);
    if (problems.length > 0) return { problems };
    const config = withDefaults<ChannelConfig>(TelegramConfig, cleaned);
    const bad = httpUrlProblem(config.api_url, 'config.api_url');
    if (bad) return { problems: [bad] };
    if (/\s/.test(config.chat_id as string)) return { problems: [{ field: 'config.chat_id', message: 'must be a numeric id or @channelname, without spaces' }] };
    return { config };
  },
  async send(config, message, ctx: SendContext): Promise<SendResult> {
    const token = config.bot_token as string;
    const url = `${(config.api_url as string).replace(/\/+$/, '')}/bot${token}/sendMessage`;
    const lastGood = await lastGoodOf(message, ctx);
    const body = { chat_id: config.chat_id, text: telegramText(message, ctx.publicUrl, lastGood), parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
    try {
      return scrub(classifyTelegram(await postJson(url, JSON.stringify(body), {}, ctx.timeoutMs)), token);
    } catch (err) {
      return scrub(networkFailure(err), token);
    }
  },
};
