// Pushover (https://pushover.net/api): POST {api_url}/1/messages.json with the application's
// token, the user (or group) key, a title (≤ 250 characters), a message (≤ 1,024), a url with its
// url_title (≤ 512 / 100) and a priority. Critical alerts go at priority 1 (high: they bypass the
// phone's quiet hours), warnings at 0, resolutions, info and digests at -1 (quiet: no sound).
// Emergency priority 2 is not used: it needs a receipt to be cancelled, and Keepwatch's own
// escalation already repeats open alerts.
//
// Answers (https://pushover.net/api#response): 200 with `{"status":1}` delivered; a 4xx with
// `{"status":0,"errors":[…]}` means the token, the user key or the request is wrong (permanent);
// 429 means the application's monthly quota is spent (https://pushover.net/api#limits), retried
// with Retry-After when given; 5xx are retried ("wait at least 5 seconds").
import { Type } from 'typebox';
import type { FieldProblem } from '../../../domain/errors.js';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf, permanent, transient } from '../channel.js';
import { schemaProblems, withDefaults } from '../config-schema.js';
import { alertUrl, deviceUrl, detailLine, facts, formatTime, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { type HttpAnswer, networkFailure, requestJson } from '../http.js';
import { secret } from '../psa/common-schema.js';

export const PUSHOVER_URL = 'https://api.pushover.net';
const LIMIT = { title: 250, message: 1024, url: 512, url_title: 100 };

export const PushoverConfig = Type.Object(
  {
    user_key: Type.String({ pattern: '^[A-Za-z0-9]{30}$', minLength: 30, maxLength: 30, title: 'User or group key', description: 'the 30-character key on your Pushover dashboard (or a delivery group’s key)' }),
    app_token: Type.String(secret({ pattern: '^[A-Za-z0-9]{30}$', minLength: 30, maxLength: 30, title: 'Application API token', description: 'the token of an application you created at pushover.net/apps/build' })),
    api_url: Type.Optional(Type.String(endpoint({ format: 'uri', default: PUSHOVER_URL, title: 'API URL', 'x-advanced': true }))),
  },
  { additionalProperties: false, title: 'Pushover', description: 'Push notifications to phones and desktops through Pushover. Critical alerts arrive at high priority.' },
);

/** At most `n` characters (code points, as Pushover counts them), with an ellipsis when cut. */
export function clip(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

export interface PushoverMessage {
  title: string;
  message: string;
  url: string;
  url_title: string;
  priority: -1 | 0 | 1;
  timestamp?: number;
}

/** What a person should feel in their pocket: critical is loud, a warning normal, the rest quiet. */
export function pushoverPriority(e: AlertEvent): -1 | 0 | 1 {
  if (e.event === 'alert.resolved' || e.event === 'alert.deescalated') return -1;
  return e.alert.severity === 'critical' ? 1 : e.alert.severity === 'warning' ? 0 : -1;
}

export function pushoverAlert(e: AlertEvent, publicUrl: string, lastGoodAt: number | null): PushoverMessage {
  const detail = detailLine(e.alert);
  const lines = [...(detail ? [detail] : []), ...facts(e.alert).map(([k, v]) => `${k}: ${v}`)];
  if (e.alert.device_id) lines.push(`Last good backup: ${lastGoodAt === null ? 'never' : formatTime(new Date(lastGoodAt).toISOString())}`);
  const at = Date.parse(e.at);
  return {
    title: headline(e),
    message: lines.join('\n'),
    url: alertUrl(publicUrl, e.alert.id),
    url_title: 'Open in Keepwatch',
    priority: pushoverPriority(e),
    ...(Number.isNaN(at) ? {} : { timestamp: Math.floor(at / 1000) }),
  };
}

export function pushoverMessage(message: Message, ctx: Pick<SendContext, 'publicUrl'>, lastGoodAt: number | null): PushoverMessage {
  switch (message.kind) {
    case 'alert':
      return pushoverAlert(message.event, ctx.publicUrl, lastGoodAt);
    case 'alert_group':
      return {
        title: groupHeadline(message),
        message: message.events.map((e) => `• ${headline(e)}${detailLine(e.alert) ? ` — ${detailLine(e.alert)}` : ''}`).join('\n'),
        url: deviceUrl(ctx.publicUrl, message.device_id),
        url_title: 'Open the device',
        priority: message.events.some((e) => e.alert.severity === 'critical') ? 1 : 0,
      };
    case 'digest': {
      const n = message.alerts.length;
      return {
        title: `${n} alert${n === 1 ? '' : 's'} in the last hour`,
        message: message.alerts.map((a) => `• ${severityWord(a.severity)}: ${a.title}${a.device_name ? ` (${a.device_name})` : ''}`).join('\n'),
        url: `${ctx.publicUrl}/alerts`,
        url_title: 'Open the alerts',
        priority: -1,
      };
    }
    default:
      return { title: 'Keepwatch test', message: TEST_TEXT, url: ctx.publicUrl, url_title: 'Open Keepwatch', priority: 0 };
  }
}

/** The request body, each field cut to its documented limit. */
export function pushoverBody(config: ChannelConfig, m: PushoverMessage): Record<string, unknown> {
  return {
    token: config.app_token,
    user: config.user_key,
    title: clip(m.title, LIMIT.title),
    message: clip(m.message || m.title, LIMIT.message),
    // A URL cut short would lead nowhere: a link too long is left out instead.
    ...(m.url.length <= LIMIT.url ? { url: m.url, url_title: clip(m.url_title, LIMIT.url_title) } : {}),
    priority: m.priority,
    ...(m.timestamp === undefined ? {} : { timestamp: m.timestamp }),
  };
}

function errorsOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) return parsed.errors.filter((x) => typeof x === 'string').join('; ');
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return '';
}

export function classifyPushover(a: HttpAnswer): SendResult {
  const errors = errorsOf(a.body);
  const status = `HTTP ${a.status}`;
  if (a.status >= 200 && a.status < 300) {
    // 200 with status 0 is not documented, but would mean nothing was queued.
    if (/"status"\s*:\s*0/.test(a.body)) return permanent(status, `Pushover refused the message: ${errors || 'status 0'}`, a.body);
    return { ok: true, status, response: a.body };
  }
  if (a.status === 429) return transient(status, 'Pushover’s monthly message limit for this application is reached; will retry', a.body, a.retryAfterMs ?? undefined);
  if (a.status >= 500 || a.status === 408) return transient(status, `Pushover answered ${a.status}; will retry`, a.body, a.retryAfterMs ?? undefined);
  return permanent(status, `Pushover refused the message: ${errors || `HTTP ${a.status}`} (check the application token and the user key)`, a.body);
}

export const pushoverDriver: ChannelDriver = {
  type: 'pushover',
  configSchema: PushoverConfig,
  secretFields: ['app_token'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  // Pushover limits messages per month, not requests in flight: a few at once drain a backlog
  // after an outage (one alert's messages still never overtake each other).
  maxInFlight: () => 4,
  parseConfig(raw: ChannelConfig): { config: ChannelConfig } | { problems: FieldProblem[] } {
    const problems = schemaProblems(PushoverConfig, raw);
    if (problems.length > 0) return { problems };
    const config = withDefaults<ChannelConfig>(PushoverConfig, raw);
    return { config: { ...config, api_url: config.api_url ?? PUSHOVER_URL } };
  },
  async send(config, message, ctx): Promise<SendResult> {
    const lastGood = (await lastGoodOf(message, ctx)) ?? null;
    const body = JSON.stringify(pushoverBody(config, pushoverMessage(message, ctx, lastGood)));
    const url = `${String(config.api_url).replace(/\/+$/, '')}/1/messages.json`;
    try {
      return classifyPushover(await requestJson('POST', url, body, {}, ctx.timeoutMs));
    } catch (err) {
      return networkFailure(err);
    }
  },
};
