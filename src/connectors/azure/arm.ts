// Azure Resource Manager reads: one GET, and lists that follow `nextLink` exactly as given (it
// carries its own api-version and an opaque `$skiptoken`; rebuilding it breaks paging). The
// token is only ever sent to the configured management host: a nextLink elsewhere is refused.
// 401 fetches a fresh token once; 401 again and 403 are ConnectorAuthError; other failures
// are ArmError with ARM's own code and message.
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';
import type { TokenSource } from './auth.js';

export class ArmError extends ConnectorHttpError {
  constructor(
    message: string,
    status: number | null,
    readonly code: string | null,
  ) {
    super(message, status);
    this.name = 'ArmError';
  }
}

interface ArmErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** `Code: message` from ARM's error body, or the HTTP status. */
export function armErrorText(body: unknown, status: number): { code: string | null; text: string } {
  const e = (body as ArmErrorBody | null)?.error;
  const code = typeof e?.code === 'string' ? e.code : null;
  const msg = typeof e?.message === 'string' ? e.message : null;
  if (code && msg) return { code, text: `${code}: ${msg}` };
  return { code, text: code ?? msg ?? `HTTP ${status}` };
}

export class Arm {
  readonly origin: string;
  requests = 0;

  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
  }

  /** A path (`/subscriptions/…?api-version=…`) or an absolute URL on the management host. */
  async get<T>(pathOrUrl: string): Promise<T> {
    const url = pathOrUrl.startsWith('/') ? this.baseUrl + pathOrUrl : pathOrUrl;
    if (new URL(url).origin !== this.origin) {
      throw new ArmError(`refusing to follow a link outside ${this.origin}: ${new URL(url).origin}`, null, null);
    }
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      this.requests++;
      const res = await request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, this.deps, this.throttle);
      const body = await jsonBody(res);
      if (res.ok) return body as T;
      const { code, text } = armErrorText(body, res.status);
      if (res.status === 401 && attempt === 0) {
        this.tokens.invalidate();
        continue;
      }
      if (res.status === 401 || res.status === 403) throw new ConnectorAuthError(text);
      throw new ArmError(text, res.status, code);
    }
  }

  /** Every page of a list, in order; `value` of each. */
  async *pages<T>(path: string): AsyncGenerator<T[]> {
    let next: string | null = path;
    while (next !== null) {
      const page: { value?: T[]; nextLink?: string | null } = await this.get(next);
      yield page?.value ?? [];
      next = typeof page?.nextLink === 'string' && page.nextLink !== '' ? page.nextLink : null;
    }
  }
}
