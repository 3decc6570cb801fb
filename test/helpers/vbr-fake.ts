// A local stand-in for the REST API of a Veeam Backup & Replication server, played from Veeam's
// published reference ("Veeam Backup & Replication REST API",
// https://helpcenter.veeam.com/references/vbr/13/rest/1.3-rev0/tag/Sessions and its Login and
// Repositories tags) and the response examples of its OpenAPI specification (copied into
// test/fixtures/connectors/veeam-vbr, provenance in manifest.json).
//
// Reconstructed where the reference is silent, and said so beside each: the Error body of a wrong
// password (documented: 401 with an Error {errorCode, message}; the code and text used here are
// ours), the answer to a request without `x-api-version` (400), the session type names of
// backup copy and SureBackup jobs (the 1.3 enum lists BackupJob and ReplicaJob; "BackupCopyJob"
// and "SureBackupJob" are assumed), and task-session payloads (no example is published; they are
// built from the documented BackupTaskSessionModel fields).
import { readFileSync } from 'node:fs';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

const FIXTURES = new URL('../fixtures/connectors/veeam-vbr/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

export interface FakeVbrResult {
  result: 'None' | 'Success' | 'Warning' | 'Failed';
  message?: string;
  isCanceled?: boolean;
}

export interface FakeVbrSession {
  id: string;
  name: string;
  sessionType: string;
  state: string;
  creationTime: string;
  endTime?: string | null;
  result?: FakeVbrResult;
  platformName?: string;
  jobId?: string;
  [k: string]: unknown;
}

export interface FakeVbrTask {
  id: string;
  type: string;
  sessionId: string;
  sessionType: string;
  name: string;
  creationTime: string;
  endTime?: string | null;
  state: string;
  usn: number;
  result?: FakeVbrResult;
  repositoryId?: string;
  progress?: Record<string, unknown> | null;
  [k: string]: unknown;
}

export interface FakeVbr {
  server: FakeServer;
  url: string;
  username: string;
  password: string;
  sessions: FakeVbrSession[];
  /** session id → its task sessions. */
  tasks: Map<string, FakeVbrTask[]>;
  repositories: Array<Record<string, unknown>>;
  /** session id → the error its task-session list answers. */
  failing: Map<string, { status: number; errorCode: string; message: string }>;
  /** Paths answered 403 (the user's role does not cover them). */
  forbidden: Set<string>;
  /** Lists answer at most this many items per call, whatever `limit` asks (forces paging). */
  pageCap: number;
  tokensIssued: number;
  refreshes: number;
  /** Called before each request is answered (tests move their clock here). */
  beforeAnswer: ((r: FakeRequest) => void) | null;
  /** Forgets every issued access token (a service restart): the next calls answer 401. */
  revokeTokens(): void;
  /** The next `n` calls answer 429 with this Retry-After (seconds). */
  throttle(n: number, retryAfterSeconds: number): void;
  addSession(s: Partial<FakeVbrSession> & { name: string; creationTime: string }, machines?: Array<Partial<FakeVbrTask> & { name: string }>): FakeVbrSession;
  calls(pathPattern: RegExp): FakeRequest[];
  close(): Promise<void>;
}

let seq = 0;
const uuid = () => {
  seq++;
  const hex = seq.toString(16).padStart(12, '0');
  return `0b1e7c2a-5f3d-4c1e-9a7b-${hex}`;
};

// Documented Error schema: { errorCode, message, resourceId }.
const error = (status: number, errorCode: string, message: string): FakeAnswer => ({ status, body: { errorCode, message, resourceId: null } });

/** `now`: the specification's session example is moved to three hours before it (its duration kept). */
export async function startFakeVbr(now: number): Promise<FakeVbr> {
  const server = await startFakeServer();
  const access = new Set<string>();
  const refresh = new Set<string>();
  const fake: FakeVbr = {
    server,
    url: server.url,
    username: 'TECH\\keepwatch',
    password: 'Vbr-Viewer-2026!',
    sessions: [],
    tasks: new Map(),
    repositories: fixture('repositories-states.json').data,
    failing: new Map(),
    forbidden: new Set(),
    pageCap: 1000,
    tokensIssued: 0,
    refreshes: 0,
    beforeAnswer: null,
    revokeTokens: () => access.clear(),
    throttle(n, retryAfterSeconds) {
      for (let i = 0; i < n; i++) server.forced.push({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { errorCode: 'ServiceUnavailable', message: 'Too many requests' } });
    },
    addSession(s, machines = []) {
      const session: FakeVbrSession = {
        id: uuid(),
        sessionType: 'BackupJob',
        state: 'Stopped',
        activityId: uuid(),
        progressPercent: 100,
        usn: 0,
        resourceId: null,
        resourceReference: null,
        parentSessionId: null,
        platformName: 'VMware',
        platformId: '00000000-0000-0000-0000-000000000000',
        initiatedBy: 'TECH\\sheila.d.cory',
        jobId: uuid(),
        result: { result: 'Success', message: '', isCanceled: false },
        ...s,
      };
      if (session.state !== 'Stopped' && s.result === undefined) session.result = { result: 'None', message: '', isCanceled: false };
      fake.sessions.push(session);
      fake.tasks.set(
        session.id,
        machines.map((m) => ({
          id: uuid(),
          type: session.sessionType.toLowerCase().includes('replica') ? 'Replica' : 'Backup',
          sessionId: session.id,
          sessionType: session.sessionType,
          creationTime: session.creationTime,
          endTime: session.endTime ?? null,
          state: session.state,
          usn: 0,
          repositoryId: '88788f9e-d8f5-4eb4-bc4f-9b3f5403bcec',
          result: session.result,
          progress: session.state === 'Stopped' ? { duration: '00:04:10', processingRate: '120 MB/s', bottleneck: 'Source', processedSize: 42_949_672_960, readSize: 8_589_934_592, transferredSize: 2_147_483_648 } : null,
          ...m,
        })),
      );
      return session;
    },
    calls: (p) => server.requests.filter((r) => p.test(r.path)),
    close: () => server.close(),
  };
  // The specification's own session example (a 1.1 `Job` session that failed with no machine read).
  for (const example of fixture('sessions.json').data as FakeVbrSession[]) {
    const start = Date.parse(example.creationTime);
    const end = Date.parse(example.endTime!);
    fake.sessions.push({ ...example, creationTime: new Date(now - 3 * 3_600_000).toISOString(), endTime: new Date(now - 3 * 3_600_000 + (end - start)).toISOString() });
    fake.tasks.set(example.id, []);
  }

  const versioned = (r: FakeRequest) => typeof r.headers['x-api-version'] === 'string' && r.headers['x-api-version'] !== '';
  const authorised = (r: FakeRequest): FakeAnswer | null => {
    fake.beforeAnswer?.(r);
    if (!versioned(r)) return error(400, 'UnexpectedContent', 'The x-api-version header is required'); // reconstructed
    const h = String(r.headers.authorization ?? '');
    if (!h.startsWith('Bearer ') || !access.has(h.slice(7))) return error(401, 'InvalidToken', 'The access token is invalid or has expired');
    if (fake.forbidden.has(r.path)) return error(403, 'AccessDenied', 'Access is denied: the user has no rights for this operation');
    return null;
  };
  const issue = (): FakeAnswer => {
    const a = `eyJ.access.${uuid()}`;
    const f = `eyJ.refresh.${uuid()}`;
    access.add(a);
    refresh.add(f);
    fake.tokensIssued++;
    const now = Date.now();
    // TokenModel, as in token.json (15-minute access token).
    return { status: 200, body: { access_token: a, token_type: 'bearer', refresh_token: f, expires_in: 900, '.issued': new Date(now).toISOString(), '.expires': new Date(now + 900_000).toISOString() } };
  };
  const page = <T>(items: T[], q: URLSearchParams) => {
    const skip = Number(q.get('skip') ?? 0);
    const limit = Math.min(Number(q.get('limit') ?? 200), fake.pageCap);
    const data = items.slice(skip, skip + limit);
    return { status: 200, body: { data, pagination: { total: items.length, count: data.length, skip, limit } } };
  };

  // POST /api/oauth2/token — Login › Get Access Token (https://helpcenter.veeam.com/references/vbr/13/rest/1.1-rev1/tag/Login):
  // form-encoded TokenLoginSpec, grant_type password or refresh_token (a refresh token is used once).
  server.route('POST', /^\/api\/oauth2\/token$/, (r) => {
    if (!versioned(r)) return error(400, 'UnexpectedContent', 'The x-api-version header is required');
    const form = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
    if (form.get('grant_type') === 'password') {
      if (form.get('username') !== fake.username || form.get('password') !== fake.password) {
        return error(401, 'AccessDenied', 'Invalid user name or password'); // reconstructed text
      }
      return issue();
    }
    if (form.get('grant_type') === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      if (!refresh.delete(token)) return error(401, 'InvalidToken', 'The refresh token is invalid or has expired');
      fake.refreshes++;
      return issue();
    }
    return error(400, 'UnexpectedContent', 'grant_type is not supported');
  });

  // GET /api/v1/sessions — Sessions › Get All Sessions (https://helpcenter.veeam.com/references/vbr/13/rest/1.3-rev0/tag/Sessions):
  // skip/limit, createdAfterFilter, typeFilter, orderColumn/orderAsc; { data, pagination }.
  server.route('GET', /^\/api\/v1\/sessions$/, (r) => {
    const refused = authorised(r);
    if (refused) return refused;
    const after = r.query.get('createdAfterFilter');
    const type = r.query.get('typeFilter');
    let items = fake.sessions.filter((s) => (after === null || Date.parse(s.creationTime) > Date.parse(after)) && (type === null || s.sessionType === type));
    if (r.query.get('orderColumn') === 'CreationTime') {
      const asc = r.query.get('orderAsc') === 'true' ? 1 : -1;
      items = [...items].sort((a, b) => asc * (Date.parse(a.creationTime) - Date.parse(b.creationTime)));
    }
    return page(items, r.query);
  });

  // GET /api/v1/sessions/{id} — Sessions › Get Session (same page).
  server.route('GET', /^\/api\/v1\/sessions\/([^/]+)$/, (r, [id]) => {
    const refused = authorised(r);
    if (refused) return refused;
    const s = fake.sessions.find((x) => x.id === id);
    return s ? { status: 200, body: s } : error(404, 'NotFound', `Session ${id} was not found`);
  });

  // GET /api/v1/sessions/{id}/taskSessions — Sessions › Get Task Sessions For Specified Session (API 1.2-rev1 and later,
  // same page): BackupTaskSessionModel items, paged like every list.
  server.route('GET', /^\/api\/v1\/sessions\/([^/]+)\/taskSessions$/, (r, [id]) => {
    const refused = authorised(r);
    if (refused) return refused;
    const fail = fake.failing.get(id!);
    if (fail) return error(fail.status, fail.errorCode, fail.message);
    const tasks = fake.tasks.get(id!);
    if (!tasks) return error(404, 'NotFound', `Session ${id} was not found`);
    return page(tasks, r.query);
  });

  // GET /api/v1/backupInfrastructure/repositories/states — Repositories › Get All Repository States
  // (https://helpcenter.veeam.com/references/vbr/13/rest/1.1-rev0/tag/Repositories): capacityGB, freeGB, usedSpaceGB.
  server.route('GET', /^\/api\/v1\/backupInfrastructure\/repositories\/states$/, (r) => {
    const refused = authorised(r);
    if (refused) return refused;
    return page(fake.repositories, r.query);
  });
  return fake;
}
