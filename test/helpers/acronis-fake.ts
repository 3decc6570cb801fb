// A local stand-in for one Acronis Cyber Protect Cloud data centre, played from Acronis's
// published API guides and official example scripts (provenance of each endpoint in
// test/fixtures/connectors/acronis/manifest.json): client-credentials tokens, the API client's
// tenant, the tenant tree, and the Task Manager's activities with their filters and cursor paging.
//
// Reconstructed where the published material is silent, and said so beside each: the error
// bodies, and the activity's tenant / policy / resource / result objects (Acronis's published
// activity example stops after `id`, test/fixtures/connectors/acronis/activity-adding-agent.json).
import { readFileSync } from 'node:fs';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/connectors/acronis/${name}`, import.meta.url), 'utf8'));

export interface FakeAcronisTenant {
  id: string;
  name: string;
  kind: 'root' | 'partner' | 'folder' | 'customer' | 'unit';
  parent_id: string | null;
}

export type ResultCode = 'ok' | 'warning' | 'error' | 'cancelled' | 'abandoned' | 'timedout';

export interface FakeAcronis {
  server: FakeServer;
  url: string;
  clientId: string;
  clientSecret: string;
  /** The partner tenant the API client was created in. */
  partnerId: string;
  tenants: FakeAcronisTenant[];
  activities: Array<Record<string, unknown>>;
  /** Tenant ids whose details answer 500. */
  failingTenants: Set<string>;
  /** Pages hold at most this many items, whatever `limit` asks (forces paging). */
  pageCap: number;
  tokensIssued: number;
  revokeTokens(): void;
  throttle(n: number, retryAfterSeconds: number): void;
  addTenant(name: string, kind: FakeAcronisTenant['kind'], parentId?: string): FakeAcronisTenant;
  /** A backup activity of a machine (or Microsoft 365 resource) under a tenant. */
  addActivity(a: { tenant: FakeAcronisTenant; resource: string; resourceType?: string; policy?: string; code?: ResultCode; state?: string; startedAt: string; completedAt?: string; reason?: string }): Record<string, unknown>;
  calls(pathPattern: RegExp): FakeRequest[];
  close(): Promise<void>;
}

let seq = 0;
const uuid = () => `5b2c9f1e-0d4a-4e6b-8c3d-${(++seq).toString(16).padStart(12, '0')}`;

// Reconstructed: the platform's error object as { error: { code, message } }.
const error = (status: number, code: string, message: string): FakeAnswer => ({ status, body: { error: { code, message } } });

/** `gt(2026-11-19T06:00:00.000Z)` → the time; the documented comparison operators gt/ge/lt/le. */
function comparison(v: string): { op: string; at: number } | null {
  const m = /^(gt|ge|lt|le)\((.+)\)$/.exec(v);
  if (!m) return null;
  const at = Date.parse(m[2]!);
  return Number.isNaN(at) ? null : { op: m[1]!, at };
}

export async function startFakeAcronis(): Promise<FakeAcronis> {
  const server = await startFakeServer();
  const tokens = new Set<string>();
  const fake: FakeAcronis = {
    server,
    url: server.url,
    clientId: 'a4a2e7b8-9a45-4d8c-b1c5-2d5f0c6a7e10',
    clientSecret: 'rc7xq4l2jz6v5mzb5k3c6wtf2l4y5n3q',
    partnerId: '',
    tenants: [],
    activities: [],
    failingTenants: new Set(),
    pageCap: 1000,
    tokensIssued: 0,
    revokeTokens: () => tokens.clear(),
    throttle(n, retryAfterSeconds) {
      for (let i = 0; i < n; i++) server.forced.push({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { error: { code: 'TooManyRequests', message: 'Rate limit exceeded' } } });
    },
    addTenant(name, kind, parentId) {
      const t: FakeAcronisTenant = { id: uuid(), name, kind, parent_id: parentId ?? null };
      fake.tenants.push(t);
      return t;
    },
    addActivity(a) {
      const id = uuid();
      const activity = {
        id: 944455285181700000 + seq,
        idString: String(944455285181700000 + seq),
        uuid: id,
        type: 'backup',
        state: a.state ?? 'completed',
        createdAt: a.startedAt,
        startedAt: a.startedAt,
        ...(a.completedAt ? { completedAt: a.completedAt } : {}),
        context: { IsProcessRoot: true, Persistent: { AgentType: 'agent', ID: uuid(), Name: a.resource }, title: `Backing up '${a.resource}'` },
        // Reconstructed shapes (see the header).
        tenant: { id: a.tenant.id, name: a.tenant.name },
        policy: { id: uuid(), name: a.policy ?? 'Daily backup', type: 'policy.backup.machine' },
        resource: { id: uuid(), name: a.resource, type: a.resourceType ?? 'resource.machine' },
        result: a.state && a.state !== 'completed' ? null : { code: a.code ?? 'ok', ...(a.reason ? { error: { code: 'BackupFailed', domain: 'Backup', reason: a.reason } } : {}) },
      };
      fake.activities.push(activity);
      return activity;
    },
    calls: (p) => server.requests.filter((r) => p.test(r.path)),
    close: () => server.close(),
  };
  const partner = fake.addTenant('Northwind IT (partner)', 'partner');
  fake.partnerId = partner.id;
  // Acronis's published activity example (agent registration, no backup policy) on a customer of the partner.
  const example = fake.addTenant('Example Customer', 'customer', partner.id);
  fake.activities.push({ ...fixture('activity-adding-agent.json'), tenant: { id: example.id, name: example.name } });

  const authorised = (r: FakeRequest): FakeAnswer | null => {
    const h = String(r.headers.authorization ?? '');
    if (!h.startsWith('Bearer ') || !tokens.has(h.slice(7))) return error(401, 'Unauthorized', 'Access token is missing or invalid');
    return null;
  };

  // POST /api/2/idp/token — "Issue a token to access the API" (README of acronis/acronis-cyber-platform-python-examples):
  // HTTP Basic client_id:client_secret, form grant_type=client_credentials.
  server.route('POST', /^\/api\/2\/idp\/token$/, (r) => {
    const h = String(r.headers.authorization ?? '');
    const [id, secret] = Buffer.from(h.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    if (!new URLSearchParams(String(r.body ?? '')).get('grant_type')?.startsWith('client_credentials')) return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' } };
    // Reconstructed: OAuth 2.0's error body (RFC 6749 §5.2).
    if (id !== fake.clientId || secret !== fake.clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    const token = `eyJ.acronis.${uuid()}`;
    tokens.add(token);
    fake.tokensIssued++;
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 7200, expires_on: Math.floor(Date.now() / 1000) + 7200, id_token: token } };
  });

  // GET /api/2/clients/{client_id} — the API client's tenant_id (same README).
  server.route('GET', /^\/api\/2\/clients\/([^/]+)$/, (r, [id]) => {
    const refused = authorised(r);
    if (refused) return refused;
    return id === fake.clientId ? { status: 200, body: { client_id: id, tenant_id: fake.partnerId, type: 'api_client', status: 'enabled' } } : error(404, 'NotFound', 'Client not found');
  });

  // GET /api/2/tenants/{id}/children — { items: [child ids] } (tenants/navigate_through_tenants.py).
  server.route('GET', /^\/api\/2\/tenants\/([^/]+)\/children$/, (r, [id]) => {
    const refused = authorised(r);
    if (refused) return refused;
    return { status: 200, body: { items: fake.tenants.filter((t) => t.parent_id === id).map((t) => t.id), timestamp: new Date().toISOString() } };
  });

  // GET /api/2/tenants/{id} — the tenant (same script).
  server.route('GET', /^\/api\/2\/tenants\/([^/]+)$/, (r, [id]) => {
    const refused = authorised(r);
    if (refused) return refused;
    if (fake.failingTenants.has(id!)) return error(500, 'InternalError', 'Tenant storage is unavailable');
    const t = fake.tenants.find((x) => x.id === id);
    return t ? { status: 200, body: { ...t, enabled: true, version: 1 } } : error(404, 'NotFound', 'Tenant not found');
  });

  // GET /api/task_manager/v2/activities — Task Manager API (https://developer.acronis.com/doc/tasks/v2/reference;
  // monitoring/activities_pagination.py): completedAt=gt(...), policyType, resultCode; limit; paging.cursors.after,
  // a follow-up page carrying only limit and after (the cursor holds the filters).
  server.route('GET', /^\/api\/task_manager\/v2\/activities$/, (r) => {
    const refused = authorised(r);
    if (refused) return refused;
    let q = r.query;
    let offset = 0;
    const after = q.get('after');
    if (after) {
      const state = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { q: string; offset: number };
      q = new URLSearchParams(state.q);
      offset = state.offset;
    }
    const completed = q.get('completedAt') ? comparison(q.get('completedAt')!) : null;
    if (q.get('completedAt') && !completed) return error(400, 'BadRequest', 'completedAt: invalid filter');
    const items = fake.activities.filter((a) => {
      if (completed) {
        const at = Date.parse(String(a.completedAt ?? ''));
        if (Number.isNaN(at)) return false;
        if (completed.op === 'gt' && !(at > completed.at)) return false;
        if (completed.op === 'ge' && !(at >= completed.at)) return false;
        if (completed.op === 'lt' && !(at < completed.at)) return false;
        if (completed.op === 'le' && !(at <= completed.at)) return false;
      }
      const policy = a.policy as { type?: string } | undefined;
      if (q.get('policyType') && !String(policy?.type ?? '').startsWith(`policy.${q.get('policyType')}`)) return false;
      if (q.get('resultCode') && (a.result as { code?: string } | null)?.code !== q.get('resultCode')) return false;
      return true;
    });
    const limit = Math.min(Number(r.query.get('limit') ?? 100), fake.pageCap);
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(JSON.stringify({ q: q.toString(), offset: offset + limit })).toString('base64url') : null;
    return { status: 200, body: { items: page, paging: { cursors: next ? { after: next } : {} } } };
  });
  return fake;
}
