// HaloPSA's OAuth2 client-credentials token (Halo API docs, "Authorisation":
// https://halo.haloservicedesk.com/apidoc/authentication/client): a form POST to the
// authorisation server's `/auth/token` (hosted Halo adds `?tenant=<name>`), answered with
// `{ access_token, token_type: "Bearer", expires_in }`. Tokens are cached per instance and client
// until shortly before they expire, so a busy queue asks once an hour, not once a send.
import { createHash } from 'node:crypto';
import { type SendResult, permanent } from '../channel.js';
import { type HttpAnswer, networkFailure, requestJson } from '../http.js';
import { classifyPsa, PsaFailure } from '../psa/api.js';

export interface HaloAuth {
  base: string;
  clientId: string;
  clientSecret: string;
  tenant?: string;
}

interface Cached {
  token: string;
  until: number;
}

const tokens = new Map<string, Cached>();
/** Renewed this long before Halo says it expires: a request in flight never carries a dead token. */
const MARGIN_MS = 60_000;

// The secret is part of the key (hashed): a corrected secret must not reuse the old token.
const keyOf = (a: HaloAuth) => `${a.base}|${a.tenant ?? ''}|${a.clientId}|${createHash('sha256').update(a.clientSecret).digest('hex').slice(0, 16)}`;

export function tokenUrl(a: HaloAuth): string {
  return `${a.base}/auth/token${a.tenant ? `?${new URLSearchParams({ tenant: a.tenant })}` : ''}`;
}

/**
 * The token endpoint's refusals: 400 (`invalid_client`, `unauthorized_client`, as OAuth2 servers
 * answer a wrong id or secret), 401 and 403 all mean the credentials are wrong; the rest is read
 * as any other Halo answer (429 and 5xx retried).
 */
export function classifyToken(a: HttpAnswer): Extract<SendResult, { ok: false }> {
  if (a.status === 400 || a.status === 401 || a.status === 403) {
    return permanent(`HTTP ${a.status}`, `HaloPSA refused the credentials (${a.status}) for a token; check the client id, secret and tenant`, a.body) as Extract<SendResult, { ok: false }>;
  }
  return classifyPsa('HaloPSA', 'the token request', a);
}

/** A bearer token: the cached one unless `fresh` (after a 401, the cached one was revoked). */
export async function haloToken(a: HaloAuth, timeoutMs: number, now: number, fresh = false): Promise<string> {
  const key = keyOf(a);
  const hit = tokens.get(key);
  if (!fresh && hit && hit.until > now) return hit.token;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: a.clientId, client_secret: a.clientSecret, scope: 'all' }).toString();
  let answer: HttpAnswer;
  try {
    answer = await requestJson('POST', tokenUrl(a), form, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, timeoutMs);
  } catch (err) {
    throw new PsaFailure(networkFailure(err) as Extract<SendResult, { ok: false }>);
  }
  if (answer.status < 200 || answer.status >= 300) throw new PsaFailure(classifyToken(answer), answer.status);
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(answer.body);
  } catch {
    body = {};
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new PsaFailure(permanent(`HTTP ${answer.status}`, 'HaloPSA answered the token request without an access_token; check the URL points at Halo', answer.body.slice(0, 500)) as Extract<SendResult, { ok: false }>);
  }
  const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  tokens.set(key, { token: body.access_token, until: now + Math.max(0, seconds * 1000 - MARGIN_MS) });
  return body.access_token;
}
