// One HTTP POST for the webhook-style channels (redirects are not followed), and the reading of its answer that they share:
// 2xx delivered; 408, 429 and 5xx worth retrying (429 with its Retry-After); a timeout or a
// refused connection worth retrying; other 4xx permanent (the URL or the payload is wrong).
import type { TObject } from 'typebox';
import type { FieldProblem } from '../../domain/errors.js';
import { isOutboundRefused, outboundRequest } from '../../lib/outbound/index.js';
import { type ChannelConfig, type ChannelDriver, type Message, type SendContext, type SendResult, permanent, transient } from './channel.js';

export interface HttpAnswer {
  status: number;
  body: string;
  retryAfterMs: number | null;
}

const MAX_BODY = 2000;

export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  return requestJson('POST', url, body, headers, timeoutMs);
}

/**
 * One JSON request of any method (PSA APIs read lists and patch tickets). The answer's body is
 * kept up to `maxBody` bytes: 2,000 for a delivery log, more for a list a form shows. Past
 * `timeoutMs` it fails with a `TimeoutError`. node:http keep-alive agents rather than fetch
 * (about three times the requests per second on one connection, which is what an ordered queue
 * drains at), the outbound module's: each new connection's address is checked against
 * KEEPWATCH_OUTBOUND_ALLOW.
 */
export async function requestJson(method: string, url: string, body: string | null, headers: Record<string, string>, timeoutMs: number, maxBody = MAX_BODY): Promise<HttpAnswer> {
  const sized: Record<string, string | number> = body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  const a = await outboundRequest(url, { method, headers: { 'user-agent': 'Keepwatch', ...sized, ...headers }, body, signal: AbortSignal.timeout(timeoutMs), maxBody });
  const retryAfter = a.headers['retry-after'];
  return { status: a.status, body: a.body.toString('utf8').slice(0, maxBody), retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null, Date.now()) };
}

/**
 * A failed request: timeouts, refused or reset connections are transient; a malformed URL, or an
 * address the outbound policy refuses, is not (and nothing was sent, so there is no response).
 */
export function networkFailure(err: unknown): SendResult {
  const e = err as Error & { code?: string };
  if (isOutboundRefused(err)) return permanent('refused', e.message);
  if (e.name === 'TimeoutError') return transient('timeout', 'the receiver did not answer in time');
  if (e.name === 'TypeError' || e.code === 'ERR_INVALID_URL') return permanent('invalid', e.message);
  return transient('network', `could not reach the receiver: ${e.code ?? e.message}`);
}

/** The generic reading of a status code (webhooks, Teams). */
export function classifyHttp(a: HttpAnswer): SendResult {
  const status = `HTTP ${a.status}`;
  if (a.status >= 200 && a.status < 300) return { ok: true, status, response: a.body };
  if (a.status === 408 || a.status === 429 || a.status >= 500) {
    return transient(status, `the receiver answered ${a.status}; will retry`, a.body, a.retryAfterMs ?? undefined);
  }
  if (a.status >= 300 && a.status < 400) return permanent(status, `the URL redirects (${a.status}); redirects are not followed: use the final URL`, a.body);
  if (a.status === 404 || a.status === 410) return permanent(status, `the URL is gone (${a.status}); fix or remove the channel`, a.body);
  if (a.status === 401 || a.status === 403) return permanent(status, `the receiver refused us (${a.status}); check the URL or its secret`, a.body);
  return permanent(status, `the receiver rejected the request (${a.status})`, a.body);
}

export async function postAndClassify(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  classify: (a: HttpAnswer) => SendResult = classifyHttp,
): Promise<SendResult> {
  try {
    return classify(await postJson(url, body, headers, timeoutMs));
  } catch (err) {
    return networkFailure(err);
  }
}

export function httpUrlProblem(value: unknown, field: string): { field: string; message: string } | null {
  if (typeof value !== 'string' || value === '') return { field, message: 'is required: an http(s) URL' };
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return { field, message: 'must be an http or https URL' };
    return null;
  } catch {
    return { field, message: 'is not a valid URL' };
  }
}

/** The whole config of a channel that is one webhook URL (Slack, Teams): `{ url }`, nothing else. */
export function parseUrlOnlyConfig(raw: Record<string, unknown>): { problems: FieldProblem[] } | { config: { url: unknown } } {
  const problems: FieldProblem[] = [];
  const p = httpUrlProblem(raw.url, 'config.url');
  if (p) problems.push(p);
  for (const k of Object.keys(raw)) if (k !== 'url') problems.push({ field: `config.${k}`, message: 'is not a known field' });
  return problems.length > 0 ? { problems } : { config: { url: raw.url } };
}

/**
 * A chat channel that is one webhook URL (Slack, Teams): the URL is its whole config and is kept
 * write-only; it is told of alerts opening, worsening, repeating and resolving, and of tests.
 */
export function urlOnlyDriver(
  type: string,
  configSchema: TObject,
  payload: (message: Message, ctx: SendContext) => Record<string, unknown>,
  classify?: (a: HttpAnswer) => SendResult,
): ChannelDriver {
  return {
    type,
    configSchema,
    secretFields: ['url'],
    topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
    kinds: ['alert', 'alert_group', 'test'],
    parseConfig: (raw: ChannelConfig) => parseUrlOnlyConfig(raw),
    async send(config, message, ctx): Promise<SendResult> {
      return postAndClassify(config.url as string, JSON.stringify(payload(message, ctx)), {}, ctx.timeoutMs, classify);
    },
  };
}
