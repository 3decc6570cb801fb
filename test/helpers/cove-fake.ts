// A local stand-in for N-able Cove Data Protection's JSON-RPC API (https://api.backup.management/jsonapi),
// built from N-able's published pages (provenance in test/fixtures/connectors/cove/manifest.json):
// - Login — developer.n-able.com/n-able-cove/docs/authorization: params partner, username, password;
//   the visa is a top-level member of the answer, and every answer carries a new one;
// - EnumerateAccountStatistics — documentation.n-able.com/covedataprotection/USERGUIDE/documentation/
//   Content/service-management/json-api/enumerate-device-statistics.htm: query PartnerId,
//   StartRecordNumber, RecordsCount, Columns; answer result.result = [{AccountId, Flags, PartnerId,
//   Settings: [{code: "value"}, ...]}], values as strings;
// - column codes — .../json-api/API-column-codes.htm (see the manifest for what is reconstructed).
// Error answers are JSON-RPC 2.0 `error` objects {code, message}: N-able publishes no example of
// them, so their codes and messages here are reconstructed (said again beside each).
// Knobs: wrong credentials, visas expired, statistics refused for security reasons, 429 throttling.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCoveDevice {
  AccountId: number;
  PartnerId: number;
  Flags?: string[] | null;
  /** Column code → value, as Cove answers them (strings). */
  columns: Record<string, string>;
}

export interface CoveCall {
  method: string;
  visa: string | null;
  params: Record<string, any>;
}

export class CoveFake {
  readonly partner = 'Contoso MSP (ops@contoso.example)';
  readonly username = 'keepwatch-api';
  password = 'token-0123456789abcdef';
  readonly partnerId = 123456;
  devices: FakeCoveDevice[] = [];
  calls: CoveCall[] = [];
  /** Statistics calls answer the security refusal. */
  denyStatistics = false;
  /** The next n calls answer 429 with Retry-After. */
  throttleNext = 0;
  /** Every visa handed out, in order. */
  readonly issued: string[] = [];
  private visas = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<CoveFake> {
    let fake!: CoveFake;
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    fake = new CoveFake(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/jsonapi`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Every visa issued so far stops being accepted (as after 15 minutes without a call). */
  expireVisas(): void {
    this.visas.clear();
  }

  add(device: FakeCoveDevice): FakeCoveDevice {
    this.devices.push(device);
    return device;
  }

  private newVisa(): string {
    const visa = `${this.partnerId}-${randomBytes(6).toString('hex')}-${randomBytes(16).toString('hex').toUpperCase()}`;
    this.visas.add(visa);
    this.issued.push(visa);
    return visa;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/jsonapi') return this.send(res, 404, { error: 'not found' });
    let body: { id?: unknown; method?: unknown; params?: any; visa?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.send(res, 400, { error: 'not JSON' });
    }
    const id = body.id ?? null;
    const method = String(body.method ?? '');
    const visa = typeof body.visa === 'string' ? body.visa : null;
    this.calls.push({ method, visa, params: body.params ?? {} });
    if (this.throttleNext > 0) {
      this.throttleNext--;
      return this.send(res, 429, { error: 'too many requests' }, { 'retry-after': '2' });
    }
    // Reconstructed error shape: JSON-RPC 2.0 `error` {code, message}.
    const fail = (code: number, message: string) => this.send(res, 200, { id, jsonrpc: '2.0', error: { code, message, data: null } });
    if (method === 'Login') {
      const p = body.params ?? {};
      if (p.partner !== this.partner || p.username !== this.username || p.password !== this.password) return fail(2, 'Login failed: wrong partner, username or password');
      return this.send(res, 200, { id, jsonrpc: '2.0', result: { result: { PartnerId: this.partnerId, Name: this.username, Flags: ['NonInteractive'] } }, visa: this.newVisa() });
    }
    if (visa === null || !this.visas.has(visa)) return fail(2, 'Visa is invalid or expired; login again');
    if (method === 'EnumerateAccountStatistics') {
      // The refusal users report for columns or calls an API user may not read.
      if (this.denyStatistics) return fail(13501, 'Operation failed because of security reasons (error 13501)');
      const q = body.params?.query ?? {};
      if (q.PartnerId !== this.partnerId) return fail(13501, 'Operation failed because of security reasons (error 13501)');
      const columns: string[] = Array.isArray(q.Columns) ? q.Columns : [];
      const start = Number(q.StartRecordNumber ?? 0);
      const count = Number(q.RecordsCount ?? 100);
      const rows = this.devices.slice(start, start + count).map((d) => ({
        AccountId: d.AccountId,
        Flags: d.Flags ?? null,
        PartnerId: d.PartnerId,
        Settings: columns.filter((c) => d.columns[c] !== undefined).map((c) => ({ [c]: d.columns[c]! })),
      }));
      return this.send(res, 200, { id, jsonrpc: '2.0', result: { result: rows, totalStatistics: null }, visa: this.newVisa() });
    }
    return fail(-32601, `Method not found: ${method}`);
  }
}

/** A device with one session per data source: `sessions` maps a data source code to [status code, Unix seconds, duration seconds]. */
export function coveDevice(
  accountId: number,
  partnerId: number,
  customer: string,
  computer: string,
  sessions: Record<string, [string, number, number]>,
  extra: Record<string, string> = {},
): FakeCoveDevice {
  const columns: Record<string, string> = { I1: `${computer.toLowerCase()}-${accountId}`, I8: customer, I18: computer, I32: '2', I78: Object.keys(sessions).join(''), ...extra };
  for (const [ds, [status, at, seconds]] of Object.entries(sessions)) {
    columns[`${ds}F00`] = status;
    columns[`${ds}F15`] = String(at);
    columns[`${ds}F12`] = String(seconds);
    columns[`${ds}F06`] = status === '8' ? '3' : '0';
  }
  return { AccountId: accountId, PartnerId: partnerId, columns };
}
