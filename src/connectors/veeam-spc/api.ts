// Veeam Service Provider Console REST API v3 reads. Every call sends `Authorization: Bearer
// <api key>` (a Simple API key works directly as the bearer token) under `<url>/api/v3`, goes
// through connectors/http.ts (timeouts, retries, 429/Retry-After) with the configured certificate
// trust. Collections answer `{ data: [...], meta: { pagingInfo: { total, count, offset } } }` and
// are paged with `limit` (at most 500 by default) and `offset`
// (https://helpcenter.veeam.com/docs/vac/rest/pagination.html); filters are the documented JSON
// array `filter=[{"property","operation","value"}]` (https://helpcenter.veeam.com/docs/vac/rest/filter.html).
// 401 and 403 are ConnectorAuthError; other failures are VspcError with the console's message.
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

export const PAGE_SIZE = 500;

export class VspcError extends ConnectorHttpError {
  constructor(message: string, status: number | null) {
    super(message, status);
    this.name = 'VspcError';
  }
}

export interface FilterClause {
  property: string;
  operation: 'equals' | 'greaterThanOrEqual' | 'greaterThan' | 'lessThan' | 'in';
  value: unknown;
}

interface Page<T> {
  data?: T[];
  meta?: { pagingInfo?: { total?: number; count?: number; offset?: number } };
}

/** The console's own error text: `errors[].message` (ErrorResponse), `message`, or the status. */
export function errorText(body: unknown, status: number): string {
  const b = body as { errors?: Array<{ message?: unknown; code?: unknown }>; message?: unknown; title?: unknown } | null;
  const first = Array.isArray(b?.errors) ? b.errors.find((e) => typeof e?.message === 'string') : undefined;
  if (first) return typeof first.code === 'string' || typeof first.code === 'number' ? `${first.code}: ${first.message}` : String(first.message);
  if (typeof b?.message === 'string') return b.message;
  if (typeof b?.title === 'string') return b.title;
  return `HTTP ${status}`;
}

export class VspcApi {
  requests = 0;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {}

  /** GET `/api/v3<path>` with query parameters; the body as JSON. */
  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    const url = `${this.baseUrl}/api/v3${path}${qs ? `?${qs}` : ''}`;
    this.requests++;
    const res = await request(url, { headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' } }, this.deps, this.throttle);
    const body = await jsonBody(res);
    if (res.status === 401) throw new ConnectorAuthError(`the console refused the API key (401): ${errorText(body, 401)}`);
    if (res.status === 403) throw new ConnectorAuthError(`the API key may not read ${path} (403): ${errorText(body, 403)}`);
    if (!res.ok) {
      const text = errorText(body, res.status);
      throw new VspcError(`GET ${path}: ${text}${text === `HTTP ${res.status}` ? '' : ` (HTTP ${res.status})`}`, res.status);
    }
    if (body === null || typeof body !== 'object') throw new VspcError(`GET ${path}: the answer is not JSON (is ${this.baseUrl} a Veeam Service Provider Console?)`, res.status);
    return body as T;
  }

  /** Every page of a collection, in order, following limit/offset until pagingInfo.total. */
  async *pages<T>(path: string, filter: FilterClause[] = [], limit = PAGE_SIZE): AsyncGenerator<T[]> {
    let offset = 0;
    for (;;) {
      const query: Record<string, string> = { limit: String(limit), offset: String(offset) };
      if (filter.length > 0) query.filter = JSON.stringify(filter);
      const page = await this.get<Page<T>>(path, query);
      if (!Array.isArray(page.data)) throw new VspcError(`GET ${path}: the answer has no data array`, 200);
      yield page.data;
      offset += page.data.length;
      const total = page.meta?.pagingInfo?.total;
      if (page.data.length === 0 || typeof total !== 'number' || offset >= total) return;
    }
  }

  async all<T>(path: string, filter: FilterClause[] = []): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path, filter)) out.push(...page);
    return out;
  }
}
