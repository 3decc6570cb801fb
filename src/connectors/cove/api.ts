// Cove's JSON-RPC API, as N-able documents it: every call is a POST of a JSON-RPC 2.0 body to the
// one endpoint; `Login` (partner, username, password) answers a visa at the top level of its
// answer, every further call carries the latest visa at the top level of its body, and every
// answer brings a new one (developer.n-able.com/n-able-cove/docs/authorization: "Each response
// contains a new visa... If the interval between service calls exceeds 15 minutes, you will need
// to repeat the Login request"). Device statistics come from `EnumerateAccountStatistics`, paged
// with StartRecordNumber / RecordsCount (documentation.n-able.com/covedataprotection/USERGUIDE/
// documentation/Content/service-management/json-api/enumerate-device-statistics.htm).
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

/** One device row of EnumerateAccountStatistics: `Settings` is a list of one-key objects, column code → value (strings). */
export interface CoveAccount {
  AccountId?: number;
  PartnerId?: number;
  Flags?: string[] | null;
  Settings?: Array<Record<string, string>> | null;
}

/** A JSON-RPC `error` answer. N-able documents no list of codes; the message is shown as given. */
export class CoveRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | null,
    message: string,
  ) {
    super(`Cove ${method} answered error${code === null ? '' : ` ${code}`}: ${message}`);
    this.name = 'CoveRpcError';
  }
}

interface RpcAnswer {
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
  visa?: unknown;
}

/** Rows per EnumerateAccountStatistics page. */
export const PAGE_SIZE = 500;

/** An error answer that says the visa is no longer good (reconstructed: N-able documents no code for it). */
const visaRefused = (err: CoveRpcError) => /visa|not logged|login|session (has )?expired|unauthori[sz]ed/i.test(err.message);

export class CoveApi {
  private visa: string | null = null;
  private nextId = 1;
  /** The partner id the API user logged in under (Login's `result.result.PartnerId`). */
  partnerId: number | null = null;
  partnerName: string | null = null;
  requests = 0;

  constructor(
    private readonly url: string,
    private readonly credentials: { partner: string; username: string; password: string },
    private readonly http: HttpDeps,
    private readonly throttle: Throttle,
  ) {}

  /** Logs in; ConnectorAuthError when Cove refuses the credentials. */
  async login(): Promise<void> {
    this.visa = null;
    let answer: RpcAnswer;
    try {
      answer = await this.post('Login', { partner: this.credentials.partner, username: this.credentials.username, password: this.credentials.password });
    } catch (err) {
      if (err instanceof CoveRpcError) {
        throw new ConnectorAuthError(`Cove refused the login of ${this.credentials.username} under partner "${this.credentials.partner}": ${err.message.replace(/^Cove Login answered /, '')}`);
      }
      throw err;
    }
    if (typeof answer.visa !== 'string' || answer.visa === '') throw new ConnectorHttpError('Cove Login answered no visa', null);
    const who = ((answer.result as { result?: unknown } | null)?.result ?? null) as { PartnerId?: unknown; Name?: unknown } | null;
    this.partnerId = typeof who?.PartnerId === 'number' ? who.PartnerId : null;
    this.partnerName = typeof who?.Name === 'string' ? who.Name : null;
    if (this.partnerId === null) throw new ConnectorHttpError('Cove Login answered no PartnerId', null);
  }

  /** A call with the current visa; logs in first, and once more when the visa was refused. */
  async call<T>(method: string, params: Record<string, unknown>): Promise<T> {
    if (this.visa === null) await this.login();
    try {
      return (await this.post(method, params)).result as T;
    } catch (err) {
      if (!(err instanceof CoveRpcError) || !visaRefused(err)) throw err;
      await this.login();
      return (await this.post(method, params)).result as T;
    }
  }

  /** Every device row under the logged-in partner, a page at a time. */
  async *accounts(columns: readonly string[], pageSize = PAGE_SIZE): AsyncGenerator<CoveAccount[]> {
    if (this.visa === null) await this.login();
    for (let start = 0; ; start += pageSize) {
      const answer = await this.call<{ result?: CoveAccount[] | null }>('EnumerateAccountStatistics', {
        query: { PartnerId: this.partnerId, StartRecordNumber: start, RecordsCount: pageSize, Columns: [...columns] },
      });
      const rows = Array.isArray(answer?.result) ? answer.result : [];
      yield rows;
      if (rows.length < pageSize) return;
    }
  }

  private async post(method: string, params: Record<string, unknown>): Promise<RpcAnswer> {
    const body: Record<string, unknown> = { jsonrpc: '2.0', id: String(this.nextId++), method, params };
    if (method !== 'Login' && this.visa !== null) body.visa = this.visa;
    this.requests++;
    const res = await request(this.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }, this.http, this.throttle);
    const answer = (await jsonBody(res)) as RpcAnswer | null;
    if (res.status === 401 || res.status === 403) throw new ConnectorAuthError(`Cove answered HTTP ${res.status} to ${method}`);
    if (res.status >= 400 || answer === null || typeof answer !== 'object') {
      throw new ConnectorHttpError(`Cove answered HTTP ${res.status} to ${method}${answer === null ? ' (not JSON)' : ''}`, res.status);
    }
    // Each answer carries the visa for the next call, error answers included.
    if (typeof answer.visa === 'string' && answer.visa !== '') this.visa = answer.visa;
    if (answer.error) {
      const code = typeof answer.error.code === 'number' ? answer.error.code : null;
      throw new CoveRpcError(method, code, typeof answer.error.message === 'string' ? answer.error.message : JSON.stringify(answer.error));
    }
    return answer;
  }
}
