// The Acronis Cyber Platform API of one data centre: client-credentials tokens from
// POST /api/2/idp/token (HTTP Basic client_id:client_secret, form grant_type=client_credentials;
// valid two hours), renewed a quarter of an hour before they run out as Acronis's examples do;
// Bearer on every call; Task Manager lists paged with `paging.cursors.after` (a follow-up page
// carries only `after` and `limit`). A 401 fetches a new token once; a second 401, or a 403, is a
// ConnectorAuthError with the platform's own error text.
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

const RENEW_BEFORE_MS = 15 * 60_000;
export const PAGE_SIZE = 200;

export class AcronisError extends ConnectorHttpError {
  constructor(message: string, status: number | null) {
    super(message, status);
    this.name = 'AcronisError';
  }
}

/** The platform's error body: `{ error: { code, message } }`, OAuth's `{ error, error_description }`, or `{ code, domain, ... }`. */
export function acronisErrorText(body: unknown, status: number): string {
  const b = (body ?? {}) as Record<string, unknown>;
  const nested = typeof b.error === 'object' && b.error !== null ? (b.error as Record<string, unknown>) : null;
  const code = [nested?.code, b.error, b.code].find((v) => typeof v === 'string') as string | undefined;
  const msg = [nested?.message, b.error_description, b.message, nested?.reason].find((v) => typeof v === 'string') as string | undefined;
  if (code && msg) return `${code}: ${msg}`;
  return code ?? msg ?? `HTTP ${status}`;
}

type Query = Record<string, string | number | undefined>;

export class AcronisApi {
  requests = 0;
  private token: { access: string; expiresAt: number } | null = null;
  private renewing: Promise<string> | null = null;

  constructor(
    private readonly base: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {}

  /** A fresh token (test connection's first step). */
  async login(): Promise<void> {
    this.token = null;
    await this.accessToken();
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - RENEW_BEFORE_MS > this.deps.now()) return this.token.access;
    this.renewing ??= this.issue().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async issue(): Promise<string> {
    const url = `${this.base}/api/2/idp/token`;
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    this.requests++;
    const res = await request(
      url,
      { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'grant_type=client_credentials' },
      this.deps,
      this.throttle,
    );
    const body = await jsonBody(res);
    if (res.status === 400 || res.status === 401 || res.status === 403) throw new ConnectorAuthError(`the data centre refused API client ${this.clientId}: ${acronisErrorText(body, res.status)}`);
    if (!res.ok) throw new AcronisError(`the token endpoint ${url} answered ${acronisErrorText(body, res.status)}`, res.status);
    const b = (body ?? {}) as { access_token?: unknown; expires_in?: unknown; expires_on?: unknown };
    if (typeof b.access_token !== 'string') throw new AcronisError('the token endpoint answered without an access_token', res.status);
    const now = this.deps.now();
    const expiresAt =
      typeof b.expires_on === 'number' ? b.expires_on * 1000 : typeof b.expires_in === 'number' ? now + b.expires_in * 1000 : now + 2 * 3_600_000;
    this.token = { access: b.access_token, expiresAt };
    return b.access_token;
  }

  async get<T>(path: string, query: Query = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.base}${path}${qs.size > 0 ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      this.requests++;
      const res = await request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, this.deps, this.throttle);
      const body = await jsonBody(res);
      if (res.ok) return body as T;
      if (res.status === 401 && attempt === 0) {
        if (this.token?.access === token) this.token = null;
        continue;
      }
      const text = acronisErrorText(body, res.status);
      if (res.status === 401 || res.status === 403) throw new ConnectorAuthError(`${path}: ${text}`);
      throw new AcronisError(`${path}: ${text}`, res.status);
    }
  }

  /** Every page of a Task Manager or Alert Manager list: `items`, then `paging.cursors.after` until there is none. */
  async *pages<T>(path: string, query: Query): AsyncGenerator<T[]> {
    let page = await this.get<{ items?: T[]; paging?: { cursors?: { after?: string } } }>(path, { ...query, limit: PAGE_SIZE });
    for (;;) {
      const items = Array.isArray(page?.items) ? page.items : [];
      yield items;
      const after = page?.paging?.cursors?.after;
      if (typeof after !== 'string' || after === '' || items.length === 0) return;
      page = await this.get(path, { limit: PAGE_SIZE, after });
    }
  }
}
