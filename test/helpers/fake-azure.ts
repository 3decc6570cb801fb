// A local stand-in for login.microsoftonline.com and management.azure.com, serving the real
// example payloads (test/fixtures/azure) and generated ones, the way the documented APIs do:
// client-credentials tokens with AADSTS error bodies, Recovery Services vault lists, backupJobs
// filtered by `$filter` and paged with `nextLink` (absolute, with its own api-version and an XML
// `$skiptoken`, as in the spec example), job details, protected items, Site Recovery items and
// vault health. Knobs: secret expired or wrong, tokens revoked, 429 with Retry-After, a vault
// or the subscription refusing access, a vault failing. Self-contained (node builtins only) so
// the benchmark can run it in its own process.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeJob {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown> & { entityFriendlyName?: string; startTime?: string; status?: string; operation?: string };
}

export interface FakeVault {
  name: string;
  resourceGroup: string;
  tags: Record<string, string>;
  jobs: FakeJob[];
  /** Job name (lower case) → extendedInfo served by the job-details call. */
  details: Map<string, Record<string, unknown>>;
  items: Array<Record<string, unknown>>;
  replicationItems: Array<Record<string, unknown>>;
  /** replicationVaultHealth body; null: the vault has no Site Recovery (404). */
  health: Record<string, unknown> | null;
  /** Every call under this vault answers this error. */
  fail: { status: number; code: string; message: string } | null;
  sorted: boolean;
}

export interface RequestRecord {
  host: 'login' | 'arm';
  method: string;
  /** Path and query exactly as received. */
  url: string;
  path: string;
  query: URLSearchParams;
}

const JOBS_API_OF_NEXT_LINK = '2017-07-01';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function armError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  send(res, status, { error: { code, message } }, headers);
}

/** As .NET's HttpUtility.UrlEncode writes it (the real nextLink): `+` for spaces, lower-case escapes. */
function dotnetEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/'/g, '%27')
    .replace(/%20/g, '+')
    .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

function continuationToken(offset: number): string {
  const row = Buffer.from(`jobsstarttimeindex_${offset}`).toString('base64').replace(/=/g, '-');
  return `<?xml version="1.0" encoding="utf-16"?>\r\n<ContinuationToken>\r\n  <ContinuationToken>\r\n    <Version>2.0</Version>\r\n    <Type>Table</Type>\r\n    <NextPartitionKey>1!28!NzI5MTk0OTM1MDkwNjEwODQzMA--</NextPartitionKey>\r\n    <NextRowKey>1!108!${row}</NextRowKey>\r\n    <TargetLocation>Primary</TargetLocation>\r\n  </ContinuationToken>\r\n</ContinuationToken>`;
}

function offsetOf(token: string): number | null {
  const m = /<NextRowKey>1!108!([^<]+)<\/NextRowKey>/.exec(token);
  if (!m) return null;
  const text = Buffer.from(m[1]!.replace(/-/g, '='), 'base64').toString('utf8');
  const n = /^jobsstarttimeindex_(\d+)$/.exec(text);
  return n ? Number(n[1]) : null;
}

/** `yyyy-MM-dd hh:mm:ss AM|PM`, UTC, 12-hour (00 and 12 both read as midnight with AM). */
function filterTime(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/i.exec(s.trim());
  if (!m) return null;
  let h = Number(m[4]) % 12;
  if (m[7]!.toUpperCase() === 'PM') h += 12;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, Number(m[5]), Number(m[6]));
}

/** The clauses of a backupJobs `$filter` (`x eq 'v' and y eq 'w'`); null when it does not parse. */
function parseFilter(filter: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(clause);
    if (!m) return null;
    out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

export class FakeAzure {
  tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  clientId = '535fb089-9ff3-47b6-9bfb-4f1264799865';
  clientSecret = 'qWgdYAmab0YSkuL1qKv5bPX';
  subscriptionId = '77777777-b0c6-47a2-b37c-d8e65a629c18';
  /** `expired`: Entra answers AADSTS7000222 even for the right secret. */
  secretState: 'valid' | 'expired' = 'valid';
  /** Subscription-level 403 (the app has no role on it). */
  forbidden = false;
  pageSize = 50;
  /** The next `remaining` ARM calls answer 429 with this Retry-After (seconds). */
  throttle = { remaining: 0, retryAfter: 5 };
  readonly vaults: FakeVault[] = [];
  readonly requests: RequestRecord[] = [];
  /** Set false to stop logging requests (volume benchmarks). */
  record = true;
  tokensIssued = 0;
  /** ARM calls answered, logged or not. */
  armCalls = 0;
  loginUrl = '';
  managementUrl = '';
  /** ARM calls waiting behind hold(). */
  waiting = 0;
  private gate: Promise<void> | null = null;
  private readonly tokens = new Set<string>();
  private readonly servers: Server[] = [];
  private reads = 12000;

  static async start(options: { pageSize?: number } = {}): Promise<FakeAzure> {
    const fake = new FakeAzure();
    if (options.pageSize) fake.pageSize = options.pageSize;
    fake.loginUrl = await fake.listen((req, res) => fake.login(req, res));
    fake.managementUrl = await fake.listen((req, res) => fake.arm(req, res));
    return fake;
  }

  private listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const server = createServer((req, res) => {
      try {
        handler(req, res);
      } catch (err) {
        armError(res, 500, 'InternalServerError', (err as Error).message);
      }
    });
    server.keepAliveTimeout = 30_000;
    this.servers.push(server);
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const a = server.address();
        resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
      }),
    );
  }

  async close(): Promise<void> {
    for (const s of this.servers) s.closeAllConnections();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }

  /** Holds every ARM call until the returned function is called (a sync kept in flight). */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => {
      release = () => {
        this.gate = null;
        resolve();
      };
    });
    return release;
  }

  /** Tokens issued so far stop working (ARM answers 401 ExpiredAuthenticationToken). */
  revokeTokens() {
    this.tokens.clear();
  }

  addVault(name: string, resourceGroup: string, tags: Record<string, string> = {}): FakeVault {
    const v: FakeVault = { name, resourceGroup, tags, jobs: [], details: new Map(), items: [], replicationItems: [], health: null, fail: null, sorted: true };
    this.vaults.push(v);
    return v;
  }

  vault(name: string): FakeVault {
    const v = this.vaults.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!v) throw new Error(`no fake vault ${name}`);
    return v;
  }

  vaultId(v: FakeVault): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`;
  }

  /** Adds (or replaces, by name) a job; `properties` as Azure writes them. */
  putJob(v: FakeVault, name: string, properties: FakeJob['properties']): FakeJob {
    const job: FakeJob = {
      id: `/Subscriptions/${this.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}/backupJobs/${name}`,
      name,
      type: 'Microsoft.RecoveryServices/vaults/backupJobs',
      properties,
    };
    const at = v.jobs.findIndex((j) => j.name === name);
    if (at >= 0) v.jobs[at] = job;
    else v.jobs.push(job);
    v.sorted = false;
    return job;
  }

  newToken(): string {
    return `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString('base64url')}`;
  }

  // ---- login.microsoftonline.com -----------------------------------------------------------

  private login(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (this.record) this.requests.push({ host: 'login', method: req.method ?? 'GET', url: req.url ?? '', path: url.pathname, query: url.searchParams });
      const m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      if (!m || req.method !== 'POST') return send(res, 404, { error: 'not_found' });
      this.token(decodeURIComponent(m[1]!), new URLSearchParams(Buffer.concat(chunks).toString('utf8')), res);
    });
  }

  private entraError(res: ServerResponse, status: number, error: string, code: number, text: string) {
    const trace = 'a1f1e7a2-3c1b-4a55-9e0d-7c0c1b2f3e4d';
    const ts = new Date().toISOString().replace('T', ' ').slice(0, 19);
    send(res, status, {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\r\nTimestamp: ${ts}Z`,
      error_codes: [code],
      timestamp: `${ts}Z`,
      trace_id: trace,
      correlation_id: 'fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7',
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    });
  }

  private token(tenant: string, form: URLSearchParams, res: ServerResponse) {
    if (tenant !== this.tenantId) {
      return this.entraError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (form.get('grant_type') !== 'client_credentials') return this.entraError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== this.clientId) {
      return this.entraError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`);
    }
    if (!(form.get('scope') ?? '').endsWith('/.default')) {
      return this.entraError(res, 400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${form.get('scope')} is not valid.`);
    }
    if (form.get('client_secret') !== this.clientSecret) {
      return this.entraError(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.clientId}'.`);
    }
    if (this.secretState === 'expired') {
      return this.entraError(res, 401, 'invalid_client', 7000222, `The provided client secret keys for app '${this.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
    }
    const token = this.newToken();
    this.tokens.add(token);
    this.tokensIssued++;
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  // ---- management.azure.com ----------------------------------------------------------------

  private arm(req: IncomingMessage, res: ServerResponse) {
    if (this.gate) {
      this.waiting++;
      void this.gate.then(() => {
        this.waiting--;
        this.arm(req, res);
      });
      return;
    }
    const url = new URL(req.url ?? '/', this.managementUrl);
    this.armCalls++;
    if (this.record) this.requests.push({ host: 'arm', method: req.method ?? 'GET', url: req.url ?? '', path: url.pathname, query: url.searchParams });
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!auth) return armError(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    if (!this.tokens.has(auth[1]!)) {
      return armError(res, 401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${new Date(Date.now() - 60_000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`);
    }
    if (this.throttle.remaining > 0) {
      this.throttle.remaining--;
      const s = this.throttle.retryAfter;
      return armError(res, 429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${this.subscriptionId}' actor '${this.clientId}' exceeded. Please try again after '${s}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`, { 'retry-after': String(s) });
    }
    if (!url.searchParams.get('api-version')) return armError(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    const headers = { 'x-ms-ratelimit-remaining-subscription-reads': String(Math.max(0, --this.reads)) };
    const sub = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(url.pathname);
    if (!sub) return armError(res, 404, 'NotFound', `The resource path ${url.pathname} is not served here.`);
    if (sub[1] !== this.subscriptionId) return armError(res, 404, 'SubscriptionNotFound', `The subscription '${sub[1]}' could not be found.`);
    if (this.forbidden) {
      return armError(res, 403, 'AuthorizationFailed', `The client '${this.clientId}' with object id '${this.clientId}' does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/read' over scope '/subscriptions/${this.subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const rest = sub[2] ?? '';
    if (/^\/providers\/Microsoft\.RecoveryServices\/vaults$/i.test(rest)) return this.listVaults(url, res, headers);
    const v = /^\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/(.+)$/i.exec(rest);
    if (!v) return armError(res, 404, 'InvalidResourceType', `The resource type could not be found in the namespace for path ${url.pathname}.`);
    const vault = this.vaults.find((x) => x.name.toLowerCase() === v[2]!.toLowerCase() && x.resourceGroup.toLowerCase() === v[1]!.toLowerCase());
    if (!vault) return armError(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.RecoveryServices/vaults/${v[2]}' under resource group '${v[1]}' was not found.`);
    if (vault.fail) return armError(res, vault.fail.status, vault.fail.code, vault.fail.message);
    this.vaultRoute(vault, v[3]!, url, res, headers);
  }

  private vaultRoute(vault: FakeVault, tail: string, url: URL, res: ServerResponse, headers: Record<string, string>) {
    const detail = /^backupJobs\/([^/]+)$/i.exec(tail);
    if (/^backupJobs$/i.test(tail)) return this.listJobs(vault, url, res, headers);
    if (detail) return this.jobDetails(vault, decodeURIComponent(detail[1]!), res, headers);
    if (/^backupProtectedItems$/i.test(tail)) return this.paged(url, vault.items, res, headers);
    if (/^replicationProtectedItems$/i.test(tail)) return this.paged(url, vault.replicationItems, res, headers);
    if (/^replicationVaultHealth$/i.test(tail)) {
      if (!vault.health) return armError(res, 404, 'ResourceNotFound', 'Site Recovery is not configured for this vault.');
      return send(res, 200, vault.health, headers);
    }
    armError(res, 404, 'InvalidResourceType', `The resource type '${tail}' could not be found.`);
  }

  private listVaults(url: URL, res: ServerResponse, headers: Record<string, string>) {
    const body = this.vaults.map((v) => ({
      location: 'westus',
      name: v.name,
      etag: 'W/"datetime\'2017-11-22T11%3A05%3A19.907Z\'"',
      tags: v.tags,
      properties: { provisioningState: 'Succeeded' },
      id: this.vaultId(v),
      type: 'Microsoft.RecoveryServices/vaults',
      sku: { name: 'Standard' },
    }));
    this.paged(url, body, res, headers);
  }

  /** Lists other than jobs page with a plain `$skiptoken` offset, keeping the request's api-version. */
  private paged(url: URL, all: unknown[], res: ServerResponse, headers: Record<string, string>) {
    const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
    const value = all.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize < all.length ? `${this.managementUrl}${url.pathname}?api-version=${url.searchParams.get('api-version')}&$skiptoken=${offset + this.pageSize}` : undefined;
    send(res, 200, next ? { value, nextLink: next } : { value }, headers);
  }

  private sortJobs(v: FakeVault) {
    if (v.sorted) return;
    v.jobs.sort((a, b) => Date.parse(a.properties.startTime ?? '') - Date.parse(b.properties.startTime ?? ''));
    v.sorted = true;
  }

  private listJobs(vault: FakeVault, url: URL, res: ServerResponse, headers: Record<string, string>) {
    const filterText = url.searchParams.get('$filter') ?? '';
    const filter = filterText === '' ? new Map<string, string>() : parseFilter(filterText);
    if (!filter) return armError(res, 400, 'BMSUserErrorInvalidSyntax', `The $filter '${filterText}' is not valid.`);
    const token = url.searchParams.get('$skiptoken');
    // A continuation is only valid as the service wrote it: with the nextLink's own api-version.
    if (token !== null && url.searchParams.get('api-version') !== JOBS_API_OF_NEXT_LINK) {
      return armError(res, 400, 'BMSUserErrorInvalidSkipToken', 'The skip token does not belong to this request: follow nextLink as given.');
    }
    const offset = token === null ? 0 : offsetOf(token);
    if (offset === null) return armError(res, 400, 'BMSUserErrorInvalidSkipToken', 'The skip token is not valid.');
    const from = filter.has('starttime') ? filterTime(filter.get('starttime')!) : Number.NEGATIVE_INFINITY;
    const to = filter.has('endtime') ? filterTime(filter.get('endtime')!) : Number.POSITIVE_INFINITY;
    if (from === null || to === null) return armError(res, 400, 'BMSUserErrorInvalidSyntax', "Times in $filter must read 'yyyy-MM-dd hh:mm:ss AM'.");
    const matches = this.jobsBetween(vault, from, to).filter((j) => {
      for (const [k, want] of filter) {
        if (k === 'starttime' || k === 'endtime') continue;
        if (String(j.properties[k === 'status' ? 'status' : k === 'operation' ? 'operation' : 'backupManagementType'] ?? '').toLowerCase() !== want.toLowerCase()) return false;
      }
      return true;
    });
    const value = matches.slice(offset, offset + this.pageSize);
    const body: { value: unknown[]; nextLink?: string } = { value };
    if (offset + this.pageSize < matches.length) {
      const base = `${this.managementUrl}/subscriptions/${this.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}/backupJobs`;
      body.nextLink = `${base}?api-version=${JOBS_API_OF_NEXT_LINK}${filterText ? `&%24filter=${dotnetEncode(filterText)}` : ''}&%24skiptoken=${dotnetEncode(continuationToken(offset + this.pageSize))}`;
    }
    send(res, 200, body, headers);
  }

  /** Jobs that started in [from, to], newest first. */
  private jobsBetween(vault: FakeVault, from: number, to: number): FakeJob[] {
    this.sortJobs(vault);
    const start = (j: FakeJob) => Date.parse(j.properties.startTime ?? '');
    let lo = 0;
    let hi = vault.jobs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (start(vault.jobs[mid]!) < from) lo = mid + 1;
      else hi = mid;
    }
    const out: FakeJob[] = [];
    for (let i = lo; i < vault.jobs.length && start(vault.jobs[i]!) <= to; i++) out.push(vault.jobs[i]!);
    return out.reverse();
  }

  private jobDetails(vault: FakeVault, name: string, res: ServerResponse, headers: Record<string, string>) {
    const job = vault.jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
    if (!job) return armError(res, 404, 'BMSUserErrorJobNotFound', `Job ${name} was not found.`);
    const extendedInfo = vault.details.get(name.toLowerCase()) ?? { tasksList: [], propertyBag: { 'VM Name': job.properties.entityFriendlyName } };
    send(res, 200, { ...job, properties: { ...job.properties, extendedInfo } }, headers);
  }

  /** ARM calls received (not counting logins). */
  armRequests(): RequestRecord[] {
    return this.requests.filter((r) => r.host === 'arm');
  }
}
