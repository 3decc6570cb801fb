// Client-credentials tokens from Microsoft Entra ID (POST /{tenant}/oauth2/v2.0/token), cached
// per app registration until five minutes before they expire. A refusal (AADSTS… in the error
// body: bad or expired secret, unknown tenant or app) is a ConnectorAuthError with Entra's own
// first line, e.g. "AADSTS7000222: The provided client secret keys for app '…' are expired."
import { createHash } from 'node:crypto';
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

export interface Credentials {
  loginUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. `https://management.azure.com/.default` */
  scope: string;
}

const REFRESH_BEFORE_MS = 5 * 60_000;
const cache = new Map<string, { token: string; expiresAt: number }>();

function cacheKey(c: Credentials): string {
  return createHash('sha256').update([c.loginUrl, c.tenantId, c.clientId, c.clientSecret, c.scope].join('\n')).digest('hex');
}

/** The first line of an Entra error description (the rest is trace and correlation ids). */
export function entraError(body: unknown, status: number): string {
  const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
  if (typeof b.error_description === 'string' && b.error_description !== '') return b.error_description.split(/\r?\n/)[0]!.trim();
  if (typeof b.error === 'string') return `${b.error} (HTTP ${status})`;
  return `HTTP ${status} from the token endpoint`;
}

export class TokenSource {
  private readonly key: string;

  constructor(
    private readonly creds: Credentials,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {
    this.key = cacheKey(creds);
  }

  async token(): Promise<string> {
    const cached = cache.get(this.key);
    if (cached && cached.expiresAt - REFRESH_BEFORE_MS > this.deps.now()) return cached.token;
    const fresh = await this.fetch();
    if (cache.size > 1000) cache.clear();
    cache.set(this.key, fresh);
    return fresh.token;
  }

  /** After ARM refused a token: the next call fetches a new one. */
  invalidate(): void {
    cache.delete(this.key);
  }

  private async fetch(): Promise<{ token: string; expiresAt: number }> {
    const { loginUrl, tenantId, clientId, clientSecret, scope } = this.creds;
    const url = `${loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials', scope });
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() }, this.deps, this.throttle);
    const body = await jsonBody(res);
    // Entra answers refusals (bad secret, unknown tenant or app) as 400/401 with an OAuth error body.
    const oauthError = typeof (body as { error?: unknown } | null)?.error === 'string';
    if (res.status >= 400 && res.status < 500 && oauthError) throw new ConnectorAuthError(entraError(body, res.status));
    if (!res.ok) throw new ConnectorHttpError(`the token endpoint ${url} answered HTTP ${res.status}`, res.status);
    const b = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== 'string') throw new ConnectorHttpError('the token endpoint answered without an access_token', res.status);
    const expiresIn = Number(b.expires_in ?? 3599);
    return { token: b.access_token, expiresAt: this.deps.now() + (Number.isFinite(expiresIn) ? expiresIn : 3599) * 1000 };
  }
}
