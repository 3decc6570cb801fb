// A local stand-in for the Veeam Service Provider Console REST API v3, built from Veeam's published
// reference (https://helpcenter.veeam.com/docs/vac/rest/reference_v3.html; operation pages cited
// beside each route below). It serves what the veeam-spc connector reads:
//   - bearer authorization with an API key (401 without or with a wrong one; 403 on paths the key
//     may not read) — https://helpcenter.veeam.com/docs/vac/provider_admin/api_keys.html
//   - the collection envelope `{ data, meta: { pagingInfo: { total, count, offset } } }` paged with
//     `limit` (1–500, default 100) and `offset` — https://helpcenter.veeam.com/docs/vac/rest/pagination.html,
//     https://helpcenter.veeam.com/docs/vac/rest/limit_query_v3.html
//   - `filter=[{"property","operation","value"}]` with equals / greaterThan(OrEqual) / lessThan / in —
//     https://helpcenter.veeam.com/docs/vac/rest/filter.html. Several clauses in the array are
//     applied together (AND): RECONSTRUCTED, the page shows one-clause arrays only.
// Field names follow the published schemas (Company, BackupServer, BackupServerJob with
// lastSessionTasks / BackupServerJobSessionTask, BackupAgentJob, ProtectedVirtualMachine,
// ProtectedComputerManagedByConsole). The error body `{ data: null, meta: null, errors: [{ message,
// type, code }] }` is RECONSTRUCTED from the ErrorResponse schema name the reference gives for 4xx.
// Knobs: wrong key, forbidden paths, 429 with Retry-After, a company whose job reads fail.
// Node builtins only, so the benchmark can run it in its own process.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequestRecord {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

type Row = Record<string, unknown>;

interface Clause {
  property: string;
  operation: string;
  value: unknown;
}

const MAX_LIMIT = 500;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const reply = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers });

const errorBody = (message: string, type: string, code: number) => ({ data: null, meta: null, errors: [{ message, type, code }] });

function compare(a: unknown, b: unknown): number {
  const ta = typeof a === 'string' ? Date.parse(a) : Number.NaN;
  const tb = typeof b === 'string' ? Date.parse(b) : Number.NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function matches(row: Row, c: Clause): boolean {
  const v = row[c.property];
  switch (c.operation) {
    case 'equals':
      return String(v ?? '').toLowerCase() === String(c.value ?? '').toLowerCase();
    case 'notEquals':
      return String(v ?? '').toLowerCase() !== String(c.value ?? '').toLowerCase();
    case 'in':
      return Array.isArray(c.value) && c.value.some((x) => String(x).toLowerCase() === String(v ?? '').toLowerCase());
    case 'greaterThan':
      return v != null && compare(v, c.value) > 0;
    case 'greaterThanOrEqual':
      return v != null && compare(v, c.value) >= 0;
    case 'lessThan':
      return v != null && compare(v, c.value) < 0;
    case 'lessThanOrEqual':
      return v != null && compare(v, c.value) <= 0;
    default:
      return false;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export class FakeVspc {
  apiKey = `${randomUUID()}-vspc-simple-key`;
  url = '';
  readonly companies: Row[] = [];
  readonly backupServers: Row[] = [];
  readonly serverJobs: Row[] = [];
  readonly agentJobs: Row[] = [];
  readonly vms: Row[] = [];
  readonly computers: Row[] = [];
  readonly requests: FakeRequestRecord[] = [];
  /** Set false to stop logging requests (volume benchmarks). */
  record = true;
  calls = 0;
  /** Paths (under /api/v3) answering 403: the key's role may not read them. */
  readonly forbidden = new Set<string>();
  /** The next `remaining` calls answer 429 with this Retry-After (seconds). */
  throttle = { remaining: 0, retryAfter: 5 };
  /** Company UIDs (lower case) whose job reads answer 500. */
  readonly failingCompanies = new Set<string>();
  private server: Server | null = null;
  private readonly byOrg = new Map<Row[], Map<string, Row[]>>();

  static async start(): Promise<FakeVspc> {
    const fake = new FakeVspc();
    fake.server = createServer((req, res) => fake.handle(req, res));
    fake.server.keepAliveTimeout = 5000;
    await new Promise<void>((r) => fake.server!.listen(0, '127.0.0.1', () => r()));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Requests to a path under /api/v3 (e.g. `/infrastructure/backupAgents/jobs`). */
  requestsTo(path: string): FakeRequestRecord[] {
    return this.requests.filter((r) => r.path === `/api/v3${path}`);
  }

  /** Rebuilds the per-organization indexes after rows were added in bulk. */
  reindex(): void {
    this.byOrg.clear();
  }

  // ---- data builders (shapes of the published schemas) ----

  addCompany(name: string, uid: string = randomUUID()): Row {
    // Company — https://helpcenter.veeam.com/docs/vac/rest/reference_v3.html (Companies: Get All Companies)
    const row = { instanceUid: uid, name, status: 'Active', resellerUid: null, subscriptionPlanUid: null };
    this.companies.push(row);
    return row;
  }

  addBackupServer(companyUid: string, name: string, uid: string = randomUUID()): Row {
    // BackupServer — Backup Servers: Get All Backup Servers
    const row = { instanceUid: uid, name, organizationUid: companyUid, locationUid: randomUUID(), managementAgentUid: randomUUID(), version: '12.3.0.310', backupServerRoleType: 'Client', status: 'Healthy' };
    this.backupServers.push(row);
    this.reindex();
    return row;
  }

  addVm(companyUid: string, backupServerUid: string, name: string, totalRestorePointSize: number | null = null): Row {
    // ProtectedVirtualMachine — Protected Workloads: Get All Protected Virtual Machines
    const row = {
      instanceUid: randomUUID(),
      backupServerUid,
      organizationUid: companyUid,
      name,
      hierarchyRef: `vm-${this.vms.length + 1}`,
      objectUid: randomUUID(),
      ipAddresses: [],
      provisionedSourceSize: 100 * 2 ** 30,
      usedSourceSize: 60 * 2 ** 30,
      totalRestorePointSize,
      latestRestorePointSize: null,
      restorePoints: 7,
    };
    this.vms.push(row);
    this.reindex();
    return row;
  }

  addComputer(companyUid: string, name: string, operationMode: 'Server' | 'Workstation', backupAgentUid: string = randomUUID()): Row {
    // ProtectedComputerManagedByConsole — Protected Workloads: Get All Protected Computers Managed by Veeam Service Provider Console
    const row = { backupAgentUid, organizationUid: companyUid, name, numberOfJobs: 1, operationMode, latestRestorePointDate: null };
    this.computers.push(row);
    this.reindex();
    return row;
  }

  /** BackupServerJob — Jobs: Get All Jobs (status of the LATEST session; lastSessionTasks for VM backup and replication jobs). */
  addServerJob(server: Row, fields: Partial<Row> & { name: string; type: string; status: string }): Row {
    const row: Row = {
      instanceUid: randomUUID(),
      uniqueUid: randomUUID(),
      backupServerUid: server.instanceUid,
      organizationUid: server.organizationUid,
      mappedOrganizationUid: null,
      isEnabled: true,
      lastRun: null,
      lastEndTime: null,
      lastDuration: null,
      transferredData: null,
      failureMessage: null,
      lastSessionTasks: [],
      ...fields,
    };
    this.serverJobs.push(row);
    this.reindex();
    return row;
  }

  /** BackupServerJobSessionTask: one VM of a job's latest session. */
  static task(objectName: string, status: string, start: number, end: number | null, extra: Partial<Row> = {}): Row {
    return {
      instanceUid: randomUUID(),
      objectUid: randomUUID(),
      objectName,
      totalObjects: 1,
      processedObjects: end === null ? 0 : 1,
      readDataSize: 10 * 2 ** 30,
      transferredDataSize: 2 * 2 ** 30,
      startTime: iso(start),
      endTime: end === null ? null : iso(end),
      duration: end === null ? null : Math.round((end - start) / 1000),
      failureMessages: [],
      status,
      ...extra,
    };
  }

  /** BackupAgentJob — Backup Agent Jobs: Get All Veeam Backup Agent Jobs. */
  addAgentJob(computer: Row, fields: Partial<Row> & { name: string; status: string }): Row {
    const row: Row = {
      instanceUid: randomUUID(),
      originalUid: randomUUID(),
      backupAgentUid: computer.backupAgentUid,
      organizationUid: computer.organizationUid,
      operationMode: computer.operationMode,
      systemType: 'Windows',
      isEnabled: true,
      lastRun: null,
      lastEndTime: null,
      lastDuration: null,
      failureMessage: null,
      backedUpSize: null,
      ...fields,
    };
    this.agentJobs.push(row);
    this.reindex();
    return row;
  }

  /** A job's next session: the job now shows it as its latest (VSPC keeps no older ones). */
  runServerJob(job: Row, status: string, start: number, end: number | null, failure: string | null = null): void {
    job.status = status;
    job.lastRun = iso(start);
    job.lastEndTime = end === null ? null : iso(end);
    job.lastDuration = end === null ? null : Math.round((end - start) / 1000);
    job.failureMessage = failure;
    const tasks = (job.lastSessionTasks as Row[] | undefined) ?? [];
    job.lastSessionTasks = tasks.map((t) =>
      FakeVspc.task(String(t.objectName), status === 'Running' ? 'Running' : status, start, end, status === 'Failed' && failure ? { failureMessages: [failure] } : {}),
    );
  }

  /** The running latest session of a job ends (same session: its tasks keep their UIDs). */
  finishServerJob(job: Row, status: string, end: number, failure: string | null = null): void {
    const start = Date.parse(String(job.lastRun));
    job.status = status;
    job.lastEndTime = iso(end);
    job.lastDuration = Math.round((end - start) / 1000);
    job.failureMessage = failure;
    for (const t of (job.lastSessionTasks as Row[] | undefined) ?? []) {
      t.status = status;
      t.endTime = iso(end);
      t.duration = Math.round((end - Date.parse(String(t.startTime))) / 1000);
      t.processedObjects = 1;
    }
  }

  runAgentJob(job: Row, status: string, start: number, end: number | null, failure: string | null = null): void {
    job.status = status;
    job.lastRun = iso(start);
    job.lastEndTime = end === null ? null : iso(end);
    job.lastDuration = end === null ? null : Math.round((end - start) / 1000);
    job.failureMessage = failure;
  }

  // ---- HTTP ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const a = this.answer(req);
    send(res, a.status, a.body, a.headers);
  }

  private answer(req: IncomingMessage): Answer {
    this.calls++;
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.record) this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    req.resume();
    if (this.throttle.remaining > 0) {
      this.throttle.remaining--;
      return reply(429, errorBody('Too many requests.', 'transport', 429), { 'retry-after': String(this.throttle.retryAfter) });
    }
    if (req.method !== 'GET') return reply(405, errorBody('Method not allowed.', 'transport', 405));
    // API key-based authorization: the key is sent as a bearer token (REST API Reference, "API Key-Based Authorization").
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return reply(401, errorBody('Authentication failed: the access token is invalid or has expired.', 'security', 1000));
    const path = url.pathname.replace(/^\/api\/v3/, '');
    if (!url.pathname.startsWith('/api/v3/')) return reply(404, errorBody(`Resource ${url.pathname} not found.`, 'transport', 404));
    if (this.forbidden.has(path)) return reply(403, errorBody('Access denied: insufficient permissions.', 'security', 1001));
    let rows: Row[];
    switch (path) {
      // Companies: Get All Companies — https://helpcenter.veeam.com/archive/vac/40/rest/companies_methods.html
      // (paged example: https://helpcenter.veeam.com/docs/vac/rest/limit_query_v3.html)
      case '/organizations/companies':
        rows = this.companies;
        break;
      // Backup Servers: Get All Backup Servers — https://helpcenter.veeam.com/docs/vac/rest/limit_query_v3.html (example request)
      case '/infrastructure/backupServers':
        rows = this.backupServers;
        break;
      // Jobs: Get All Jobs (BackupServerJob) — https://helpcenter.veeam.com/archive/vac/40/rest/get_job.html,
      // schema https://helpcenter.veeam.com/archive/vac/40/rest/backupserverjob.html
      case '/infrastructure/backupServers/jobs':
        rows = this.serverJobs;
        break;
      // Backup Agent Jobs: Get All Veeam Backup Agent Jobs — https://helpcenter.veeam.com/references/vac/9.1/rest/tag/Backup-Agent-Jobs,
      // schema https://helpcenter.veeam.com/archive/vac/40/rest/backupagentjob.html
      case '/infrastructure/backupAgents/jobs':
        rows = this.agentJobs;
        break;
      // Protected Workloads: Get All Protected Virtual Machines — https://helpcenter.veeam.com/archive/vac/40/rest/get_protected_vms.html
      case '/protectedWorkloads/virtualMachines':
        rows = this.vms;
        break;
      // Protected Workloads: Get All Protected Computers Managed by VSPC — https://helpcenter.veeam.com/archive/vac/40/rest/get_computers_managed_by_vspc.html
      case '/protectedWorkloads/computersManagedByConsole':
        rows = this.computers;
        break;
      default:
        return reply(404, errorBody(`Resource ${url.pathname} not found.`, 'transport', 404));
    }
    const limitText = url.searchParams.get('limit');
    const offsetText = url.searchParams.get('offset');
    const limit = limitText === null ? 100 : Number(limitText);
    const offset = offsetText === null ? 0 : Number(offsetText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return reply(400, errorBody(`The limit parameter must be between 1 and ${MAX_LIMIT}.`, 'validation', 400));
    if (!Number.isInteger(offset) || offset < 0) return reply(400, errorBody('The offset parameter must not be negative.', 'validation', 400));
    let clauses: Clause[] = [];
    const filterText = url.searchParams.get('filter');
    if (filterText !== null) {
      try {
        const parsed = JSON.parse(filterText) as unknown;
        if (!Array.isArray(parsed) || parsed.some((c) => typeof c?.property !== 'string' || typeof c?.operation !== 'string')) throw new Error('shape');
        clauses = parsed as Clause[];
      } catch {
        return reply(400, errorBody('The filter parameter is not valid.', 'validation', 400));
      }
    }
    const org = clauses.find((c) => c.property === 'organizationUid' && c.operation === 'equals');
    if (org && (path === '/infrastructure/backupServers/jobs' || path === '/infrastructure/backupAgents/jobs') && this.failingCompanies.has(String(org.value).toLowerCase())) {
      return reply(500, errorBody('Internal server error: the management agent of this company did not answer.', 'internal', 500));
    }
    const candidates = org ? (this.orgIndex(rows).get(String(org.value).toLowerCase()) ?? []) : rows;
    const selected = clauses.length === 0 ? candidates : candidates.filter((r) => clauses.every((c) => matches(r, c)));
    const data = selected.slice(offset, offset + limit);
    return reply(200, { data, meta: { pagingInfo: { total: selected.length, count: data.length, offset } } });
  }

  private orgIndex(rows: Row[]): Map<string, Row[]> {
    let index = this.byOrg.get(rows);
    if (!index) {
      index = new Map();
      for (const r of rows) {
        const k = String(r.organizationUid ?? '').toLowerCase();
        const list = index.get(k);
        if (list) list.push(r);
        else index.set(k, [r]);
      }
      this.byOrg.set(rows, index);
    }
    return index;
  }
}
