// SMS through Twilio's Messages resource
// (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
// POST {api_url}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded `To`, `From` (or
// `MessagingServiceSid` when `from` is an MG… SID) and `Body`, HTTP Basic with the account SID and
// auth token. One request per recipient, one after another.
//
// An SMS is read on a lock screen: one short line per alert, fitted to one 160-unit GSM-7 segment
// (gsm.ts). When the line is too long, parts go in this order: the last good backup, the client,
// then the title is shortened (to no less than 24 units), then the console link; the severity
// and the device always stay. Groups and digests are one line of counts.
//
// Answers (https://www.twilio.com/docs/usage/twilios-response, error codes at
// https://www.twilio.com/docs/api/errors): 201 with the message's JSON is queued. A refusal is JSON
// `{ code, message, more_info, status }`: 401 / 20003 (bad SID or token), 21211 (invalid To),
// 21614 (not a mobile number), 21610 (the recipient sent STOP), 21408 / 21612 (region or route not
// enabled), 21606 / 21212 / 21659 (bad From) are permanent; 429 / 20429 and 5xx are retried.
// A retry after a partial failure sends again to the numbers already reached (Twilio has no
// idempotency key for messages).
import { Type } from 'typebox';
import type { FieldProblem } from '../../../domain/errors.js';
import type { AlertEvent } from '../../../domain/notify.js';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { lastGoodOf, permanent, transient } from '../channel.js';
import { schemaProblems, withDefaults } from '../config-schema.js';
import { alertUrl, deviceUrl, groupHeadline, TEST_TEXT } from '../format.js';
import { type HttpAnswer, networkFailure, requestJson } from '../http.js';
import { secret } from '../psa/common-schema.js';
import { cutGsm, gsmUnits, SEGMENT_UNITS, toGsm } from './gsm.js';

export const TWILIO_URL = 'https://api.twilio.com';
const E164 = /^\+[1-9]\d{1,14}$/;
const MIN_TITLE = 24;

export const TwilioConfig = Type.Object(
  {
    account_sid: Type.String({ pattern: '^[A-Za-z0-9]{34}$', minLength: 34, maxLength: 34, title: 'Account SID', description: 'AC… (34 characters), on the Twilio console’s home page' }),
    auth_token: Type.String(secret({ minLength: 32, maxLength: 64, title: 'Auth token', description: 'the account’s auth token' })),
    from: Type.String({ minLength: 2, maxLength: 34, title: 'From', description: 'a Twilio number in E.164 (+14155550100), an alphanumeric sender ID, or a Messaging Service SID (MG…)' }),
    to: Type.Array(Type.String({ maxLength: 16 }), { minItems: 1, maxItems: 20, title: 'To', description: 'numbers in E.164 form, e.g. +447700900123; each gets its own SMS' }),
    api_url: Type.Optional(Type.String(endpoint({ format: 'uri', default: TWILIO_URL, title: 'API URL', 'x-advanced': true }))),
  },
  { additionalProperties: false, title: 'SMS (Twilio)', description: 'One short text message per alert to each number, sent through your Twilio account.' },
);

const WORD: Record<string, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

function eventWord(e: AlertEvent): string {
  const sev = WORD[e.alert.severity] ?? e.alert.severity.toUpperCase();
  if (e.event === 'alert.resolved') return 'RESOLVED';
  if (e.event === 'alert.escalated') return `ESCALATED ${sev}`;
  if (e.event === 'alert.repeat') return `STILL ${sev}`;
  return sev;
}

/** Parts that are dropped or shortened, in that order, until the line fits. */
interface LineParts {
  head: string;
  title: string;
  client: string | null;
  lastGood: string | null;
  url: string | null;
}

function render(p: LineParts): string {
  return toGsm(`${p.head}${p.client ? ` (${p.client})` : ''}: ${p.title}${p.lastGood ? `. ${p.lastGood}` : ''}${p.url ? ` ${p.url}` : ''}`);
}

/** The line within `units`: see the header for what is cut first. */
export function fitLine(parts: LineParts, units = SEGMENT_UNITS): string {
  let p = { ...parts };
  const fits = () => gsmUnits(render(p)) <= units;
  if (!fits()) p = { ...p, lastGood: null };
  if (!fits()) p = { ...p, client: null };
  if (!fits()) {
    const room = units - gsmUnits(render({ ...p, title: '' }));
    p = { ...p, title: room >= MIN_TITLE ? cutGsm(toGsm(p.title), room) : cutGsm(toGsm(p.title), MIN_TITLE) };
  }
  if (!fits()) p = { ...p, url: null };
  return cutGsm(render(p), units);
}

export function smsAlertLine(e: AlertEvent, publicUrl: string, lastGoodAt: number | null): string {
  const a = e.alert;
  const where = a.device_name ?? a.integration_name ?? a.check_name;
  return fitLine({
    head: `${eventWord(e)} ${where ?? ''}`.trimEnd(),
    title: a.title,
    client: a.client_name,
    lastGood: a.device_id ? `Last good ${lastGoodAt === null ? 'never' : new Date(lastGoodAt).toISOString().slice(0, 10)}` : null,
    url: alertUrl(publicUrl, a.id),
  });
}

export function smsText(message: Message, ctx: Pick<SendContext, 'publicUrl'>, lastGoodAt: number | null): string {
  switch (message.kind) {
    case 'alert':
      return smsAlertLine(message.event, ctx.publicUrl, lastGoodAt);
    case 'alert_group':
      return cutGsm(toGsm(`Keepwatch: ${groupHeadline(message)} ${deviceUrl(ctx.publicUrl, message.device_id)}`), SEGMENT_UNITS);
    case 'digest': {
      const n = message.alerts.length;
      const critical = message.alerts.filter((a) => a.severity === 'critical').length;
      const devices = new Set(message.alerts.map((a) => a.device_id ?? a.id)).size;
      return cutGsm(toGsm(`Keepwatch: ${n} alert${n === 1 ? '' : 's'} in the last hour${critical ? ` (${critical} critical)` : ''} on ${devices} device${devices === 1 ? '' : 's'} ${ctx.publicUrl}/alerts`), SEGMENT_UNITS);
    }
    default:
      return toGsm(TEST_TEXT);
  }
}

const PERMANENT_CODES = new Set([20003, 20404, 21211, 21212, 21408, 21606, 21610, 21612, 21614, 21659]);

export function classifyTwilio(a: HttpAnswer, recipient: string): SendResult {
  let code: number | null = null;
  let text = '';
  try {
    const parsed = JSON.parse(a.body) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'number') code = parsed.code;
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // a proxy's page: the status code decides
  }
  const status = `HTTP ${a.status}${code === null ? '' : ` ${code}`} ${recipient}`;
  if (a.status >= 200 && a.status < 300) return { ok: true, status: `HTTP ${a.status}`, response: a.body };
  if (a.status === 429 || code === 20429) return transient(status, `Twilio is rate limiting the account (${code ?? 429}); will retry`, a.body, a.retryAfterMs ?? undefined);
  if (a.status >= 500 || a.status === 408) return transient(status, `Twilio answered ${a.status}; will retry`, a.body, a.retryAfterMs ?? undefined);
  if (a.status === 401 || code === 20003) return permanent(status, `Twilio refused the account SID or auth token: ${text || 'authenticate'}`, a.body);
  const why = code !== null && PERMANENT_CODES.has(code) ? `${text} (error ${code})` : text || `HTTP ${a.status}`;
  return permanent(status, `Twilio refused the SMS to ${recipient}: ${why}`, a.body);
}

function toProblems(to: unknown): FieldProblem[] {
  if (!Array.isArray(to)) return [];
  return to.flatMap((n, i) => (typeof n === 'string' && E164.test(n) ? [] : [{ field: `config.to[${i}]`, message: 'must be a phone number in E.164 form: + and up to 15 digits, e.g. +447700900123' }]));
}

async function sendOne(config: ChannelConfig, to: string, body: string, timeoutMs: number): Promise<SendResult> {
  const sid = String(config.account_sid);
  const from = String(config.from);
  const form = new URLSearchParams({ To: to, [/^MG[0-9a-fA-F]{32}$/.test(from) ? 'MessagingServiceSid' : 'From']: from, Body: body });
  const url = `${String(config.api_url).replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${sid}:${String(config.auth_token)}`).toString('base64')}`,
  };
  try {
    return classifyTwilio(await requestJson('POST', url, form.toString(), headers, timeoutMs), to);
  } catch (err) {
    return networkFailure(err);
  }
}

export const twilioSmsDriver: ChannelDriver = {
  type: 'twilio_sms',
  configSchema: TwilioConfig,
  secretFields: ['auth_token'],
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  kinds: ['alert', 'alert_group', 'digest', 'test'],
  // Twilio queues messages per sender itself and refuses only past its concurrency limit (20429):
  // a few requests at once; one alert's messages still go in order.
  maxInFlight: () => 4,
  parseConfig(raw: ChannelConfig): { config: ChannelConfig } | { problems: FieldProblem[] } {
    const problems = [...schemaProblems(TwilioConfig, raw), ...toProblems(raw.to)];
    if (problems.length > 0) return { problems };
    const config = withDefaults<ChannelConfig>(TwilioConfig, raw);
    return { config: { ...config, api_url: config.api_url ?? TWILIO_URL } };
  },
  async send(config, message, ctx): Promise<SendResult> {
    const lastGood = (await lastGoodOf(message, ctx)) ?? null;
    const body = smsText(message, ctx, lastGood);
    const sent: string[] = [];
    for (const to of config.to as string[]) {
      const r = await sendOne(config, to, body, ctx.timeoutMs);
      if (!r.ok) return r;
      sent.push(to);
    }
    return { ok: true, status: 'HTTP 201', response: `queued for ${sent.join(', ')}` };
  },
};
