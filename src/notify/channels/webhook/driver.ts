// Signed webhooks: JSON POST, `X-Keepwatch-Signature: sha256=<hex>` = HMAC-SHA256 with the
// channel's secret over `<timestamp>.<body>`, the timestamp (Unix seconds) in
// `X-Keepwatch-Timestamp` so a receiver can refuse replays, and the idempotency key in
// `Idempotency-Key` (the same on every attempt). Documented in docs/notifications.md.
import { createHmac } from 'node:crypto';
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import { ALERT_TOPICS } from '../../../domain/notify.js';
import type { FieldProblem } from '../../../domain/errors.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { alertUrl, deviceUrl, TEST_TEXT } from '../format.js';
import { httpUrlProblem, postAndClassify } from '../http.js';

/** Requests in flight at once per webhook channel, unless its config says otherwise (1: strict order). */
export const DEFAULT_IN_FLIGHT = 8;

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookBody(message: Message, ctx: Pick<SendContext, 'idempotencyKey' | 'publicUrl' | 'now'>): Record<string, unknown> {
  const base = { id: ctx.idempotencyKey, sent_at: new Date(ctx.now).toISOString() };
  if (message.kind === 'alert') {
    const { alert, ...rest } = message.event;
    return {
      ...base,
      ...rest,
      alert,
      links: { alert: alertUrl(ctx.publicUrl, alert.id), device: alert.device_id ? deviceUrl(ctx.publicUrl, alert.device_id) : null },
    };
  }
  if (message.kind === 'alert_group') {
    return {
      ...base,
      event: 'alert.group',
      at: message.events[0]?.at ?? base.sent_at,
      client_id: message.client_id,
      client_name: message.client_name,
      device_id: message.device_id,
      device_name: message.device_name,
      count: message.events.length,
      events: message.events.map(({ alert, ...rest }) => ({ ...rest, alert, links: { alert: alertUrl(ctx.publicUrl, alert.id) } })),
      links: { device: deviceUrl(ctx.publicUrl, message.device_id) },
    };
  }
  if (message.kind === 'test') return { ...base, event: 'test', message: TEST_TEXT, channel: message.channel_name };
  return { ...base, event: message.kind };
}

const WebhookConfigSchema = Type.Object(
  {
    url: Type.String(endpoint({ format: 'uri', title: 'URL', description: 'receives a signed JSON POST for every alert transition' })),
    secret: Type.Optional(Type.String({ minLength: 16, title: 'Signing secret', description: 'at least 16 characters; signs each body (X-Keepwatch-Signature: sha256=HMAC)' })),
    max_in_flight: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, default: DEFAULT_IN_FLIGHT, title: 'Requests in flight', description: '1 keeps strict order', 'x-advanced': true })),
  },
  { title: 'Webhook', description: 'Signed JSON to your own endpoint: every transition of every alert it is told of.' },
);

export const webhookDriver: ChannelDriver = {
  type: 'webhook',
  configSchema: WebhookConfigSchema,
  secretFields: ['secret'],
  topics: ALERT_TOPICS,
  kinds: ['alert', 'alert_group', 'test'],
  parseConfig(raw: ChannelConfig) {
    const problems: FieldProblem[] = [];
    const urlProblem = httpUrlProblem(raw.url, 'config.url');
    if (urlProblem) problems.push(urlProblem);
    if (raw.secret !== undefined && raw.secret !== null && (typeof raw.secret !== 'string' || raw.secret.length < 16)) {
      problems.push({ field: 'config.secret', message: 'must be a string of at least 16 characters' });
    }
    const inFlight = raw.max_in_flight ?? DEFAULT_IN_FLIGHT;
    if (typeof inFlight !== 'number' || !Number.isInteger(inFlight) || inFlight < 1 || inFlight > 16) {
      problems.push({ field: 'config.max_in_flight', message: 'must be an integer from 1 (strict order) to 16' });
    }
    for (const k of Object.keys(raw)) if (!['url', 'secret', 'max_in_flight'].includes(k)) problems.push({ field: `config.${k}`, message: 'is not a known field' });
    if (problems.length > 0) return { problems };
    return { config: { url: raw.url, max_in_flight: inFlight, ...(typeof raw.secret === 'string' ? { secret: raw.secret } : {}) } };
  },
  maxInFlight: (config) => (typeof config.max_in_flight === 'number' ? config.max_in_flight : DEFAULT_IN_FLIGHT),
  async send(config, message, ctx): Promise<SendResult> {
    const body = JSON.stringify(webhookBody(message, ctx));
    const timestamp = Math.floor(ctx.now / 1000);
    const headers: Record<string, string> = {
      'idempotency-key': ctx.idempotencyKey,
      'x-keepwatch-event': message.kind === 'alert' ? message.event.event : message.kind === 'alert_group' ? 'alert.group' : message.kind,
      'x-keepwatch-timestamp': String(timestamp),
    };
    if (typeof config.secret === 'string') headers['x-keepwatch-signature'] = signature(config.secret, timestamp, body);
    return postAndClassify(config.url as string, body, headers, ctx.timeoutMs);
  },
};
