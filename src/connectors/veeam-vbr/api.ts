// The backup server's REST API: OAuth2 password-grant tokens (POST /api/oauth2/token, answered
// with access_token, refresh_token and expires_in — 15 minutes), refreshed with the refresh token
// shortly before they run out and fetched again with the password when the refresh is refused;
// `x-api-version` on every call; lists paged with skip/limit and answered as
// { data, pagination: { total, count, skip, limit } }. A 401 fetches a new token once; a second
// 401, or a 403, is a ConnectorAuthError carrying the server's own errorCode and message.
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

/** The first REST API revision with task sessions (per-machine results). */
export const API_VERSION = '1.2-rev1';
export const PAGE_SIZE = 200;
const REFRESH_BEFORE_MS = 60_000;

export class VbrError extends ConnectorHttpError {
  constructor(message: string, status: number | null) {
    super(message, status);
    this.name = 'VbrError';
  }
}

/** `errorCode: message` of the documented Error body, or the HTTP status. */
export function vbrErrorText(body: unknown, status: number): string {
  const b = (body ?? {}) as { errorCode?: unknown; message?: unknown; error?: unknown; error_description?: unknown };
  const code = typeof b.errorCode === 'string' ? b.errorCode : typeof b.error === 'string' ? b.error : null;
  const msg = typeof b.message === 'string' ? b.message : typeof b.error_description === 'string' ? b.error_description : null;
  if (code && msg) return `${code}: ${msg}`;
  return code ?? msg ?? `HTTP ${status}`;
}

export interface Page<T> {
  data?: T[];
  pagination?: { total?: number; count?: number; skip?: number; limit?: number };
}

interface Token {
  access: string;
  refresh: string | null;
  expiresAt: number;
}

export class VbrApi {
  requests = 0;
  tokensFetched = 0;
  private token: Token | null = null;
  private renewing: Promise<Token> | null = null;

  constructor(
    private readonly base: string,
    private readonly username: string,
    private readonly password: string,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: 'application/json', 'x-api-version': API_VERSION, ...extra };
  }

  /** A fresh token from the password (test connection's first step). */
  async login(): Promise<void> {
    this.token = await this.grant({ grant_type: 'password', username: this.username, password: this.password });
  }

  /** The current access token, renewed when it is about to run out; concurrent callers share one renewal. */
  private async accessToken(): Promise<string> {
    const t = this.token;
    if (t && t.expiresAt - REFRESH_BEFORE_MS > this.deps.now()) return t.access;
    this.renewing ??= this.renew(t).finally(() => {
      this.renewing = null;
    });
    return (await this.renewing).access;
  }

  private async renew(t: Token | null): Promise<Token> {
    if (t?.refresh) {
      try {
        this.token = await this.grant({ grant_type: 'refresh_token', refresh_token: t.refresh });
        return this.token;
      } catch (err) {
        // A refused refresh token (used, expired, server restarted): the password still works.
        if (!(err instanceof ConnectorAuthError)) throw err;
      }
    }
    this.token = await this.grant({ grant_type: 'password', username: this.username, password: this.password });
    return this.token;
  }

  private async grant(form: Record<string, string>): Promise<Token> {
    const url = `${this.base}/api/oauth2/token`;
    this.requests++;
    const res = await request(
      url,
      { method: 'POST', headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }), body: new URLSearchParams(form).toString() },
      this.deps,
      this.throttle,
    );
    const body = await jsonBody(res);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const what = form.grant_type === 'password' ? `the backup server refused user ${this.username}` : 'the backup server refused the refresh token';
      throw new ConnectorAuthError(`${what}: ${vbrErrorText(body, res.status)}`);
    }
    if (!res.ok) throw new VbrError(`the token endpoint ${url} answered ${vbrErrorText(body, res.status)}`, res.status);
    const b = (body ?? {}) as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== 'string') throw new VbrError('the token endpoint answered without an access_token', res.status);
    this.tokensFetched++;
    const expiresIn = Number(b.expires_in ?? 900);
    return {
      access: b.access_token,
      refresh: typeof b.refresh_token === 'string' ? b.refresh_token : null,
      expiresAt: this.deps.now() + (Number.isFinite(expiresIn) ? expiresIn : 900) * 1000,
    };
  }

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.base}${path}${qs.size > 0 ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      this.requests++;
      const res = await request(url, { headers: this.headers({ authorization: `Bearer ${token}` }) }, this.deps, this.throttle);
      const body = await jsonBody(res);
      if (res.ok) return body as T;
      if (res.status === 401 && attempt === 0) {
        // Refused: a new one from the password (unless another call already replaced it).
        if (this.token?.access === token) this.token = null;
        continue;
      }
      const text = vbrErrorText(body, res.status);
      if (res.status === 401 || res.status === 403) throw new ConnectorAuthError(`${path}: ${text}`);
      throw new VbrError(`${path}: ${text}`, res.status);
    }
  }

  /** Every page of a list, in order (skip/limit until `pagination.total` is reached). */
  async *pages<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): AsyncGenerator<T[]> {
    let skip = 0;
    for (;;) {
      const page = await this.get<Page<T>>(path, { ...query, skip, limit: PAGE_SIZE });
      const data = Array.isArray(page?.data) ? page.data : [];
      yield data;
      skip += data.length;
      const total = page?.pagination?.total;
      if (data.length === 0 || (typeof total === 'number' ? skip >= total : data.length < PAGE_SIZE)) return;
    }
  }
}
