// Walks every operation of the OpenAPI document as every kind of principal (owner, admin, operator
// and viewer users signed in with the cookie, ingest, read and admin tokens; each unlimited and
// limited to client A), with a valid body and a malformed one, and holds the access model of
// docs/security.md: no 5xx; a principal without the ability is refused whatever the body; a
// principal limited to clients is refused every workspace-wide route and changes nothing of client
// B or of the workspace. The session's cookie flags, CSRF refusal, password policy and sign-in
// throttling are walked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { send } from '../helpers/mail.js';
import { type Ability, RULES, type Rule } from './route-rules.js';

const ROLE: Record<string, Ability[]> = {
  owner: ['ingest', 'read', 'operate', 'admin', 'manage_users', 'metrics'],
  admin: ['ingest', 'read', 'operate', 'admin', 'metrics'],
  operator: ['read', 'operate', 'metrics'],
  viewer: ['read', 'metrics'],
};
const SCOPE: Record<string, Ability[]> = { ingest: ['ingest'], read: ['read', 'metrics'], admin: ['ingest', 'read', 'operate', 'admin', 'metrics'] };

interface Side {
  name: string;
  client: string;
  device: string;
  check: string;
  job: string;
  alert: string;
  email: string;
  window: string;
  channel: string;
}
/** Objects of no client, and ones nobody walking may lose (the principals themselves). */
interface Workspace {
  user: string;
  token: string;
  connector: string;
  mailbox: string;
}

interface Principal {
  label: string;
  kind: 'user' | 'token';
  abilities: Set<Ability>;
  limited: boolean;
  headers(write: boolean): Record<string, string>;
}

interface Op {
  key: string;
  method: string;
  path: string;
  rule: Rule;
  hasBody: boolean;
  /** The path names an object of a client (its id is filled from side A or B). */
  clientObject: boolean;
}

let app: TestApp;
let ops: Op[];
const sides: Record<'A' | 'B', Side> = {} as never;
let wsIds: Workspace;
const principals: Principal[] = [];
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const STAMP = '2026-11-20T00:00:00Z';

const CLIENT_OBJECT = /^\/api\/v1\/(clients|devices|checks|jobs|alerts|emails|maintenance-windows|channels)\/\{id\}/;

function fill(op: Op, s: Side): string {
  const kind = /^\/api\/v1\/([a-z-]+)\//.exec(op.path)?.[1];
  const byKind: Record<string, string> = {
    clients: s.client,
    devices: s.device,
    checks: s.check,
    jobs: s.job,
    alerts: s.alert,
    emails: s.email,
    'maintenance-windows': s.window,
    channels: s.channel,
    users: wsIds.user,
    tokens: wsIds.token,
    connectors: wsIds.connector,
    mailboxes: wsIds.mailbox,
    integrations: s.channel,
  };
  return op.path
    .replace('{id}', (kind && byKind[kind]) ?? 'no-such-id')
    .replace('{key}', 'no-such-ping-key')
    .replace('{device}', 'walk-device')
    .replace('{check}', 'walk-check')
    .replace('{signal}', 'start')
    .replace('{file}', '0123456789abcdef0123456789abcdef.json')
    .replace('{tag}', 'walk');
}

/** A body the schema accepts (the service may still refuse it); null for operations without one. */
function bodyOf(op: Op, s: Side): unknown {
  const other = s === sides.A ? sides.B : sides.A;
  const bodies: Record<string, unknown> = {
    'POST /api/v1/setup': { email: 'walker@example.com', password: 'walker password 1' },
    'POST /api/v1/session': { email: 'nobody@example.com', password: 'not a password 1' },
    'POST /api/v1/session/password': { current_password: 'not my password 1', new_password: 'a brand new password 1' },
    'POST /api/v1/users': { email: `walk-${Math.random().toString(36).slice(2)}@example.com`, password: 'walker password 1', role: 'viewer' },
    'PATCH /api/v1/users/{id}': { name: 'Walked' },
    'POST /api/v1/tokens': { scope: 'read', name: 'walk' },
    'POST /api/v1/jobs': jobReport({ client: s.name, device: { name: `${s.name}-SRV`, class: 'server' } }),
    'POST /api/v1/emails/test-rules': { email: {} },
    'POST /api/v1/emails/{id}/correction': { device: `${s.name}-MAIL`, check: 'Walk correction', status: 'succeeded' },
    'POST /api/v1/emails/{id}/correction/apply': { device: `${s.name}-MAIL`, check: 'Walk correction', status: 'succeeded' },
    'POST /api/v1/mailboxes': { type: 'imap', name: 'Walk', config: { host: '127.0.0.1', port: 1, tls: false, user: 'u', password: 'p' } },
    'PATCH /api/v1/mailboxes/{id}': { name: 'Walked' },
    'PATCH /api/v1/clients/{id}': { name: s.name },
    'PATCH /api/v1/devices/{id}': { name: `${s.name}-SRV` },
    'PUT /api/v1/devices/{id}/facts': { storage_used_bytes: 1 },
    'POST /api/v1/devices/{id}/merge': { into: other.device },
    'POST /api/v1/checks': { name: 'Walk check', device_id: s.device },
    'POST /api/v1/alerts/{id}/acknowledge': { note: 'walk' },
    'POST /api/v1/alerts/acknowledge': { ids: [s.alert] },
    'POST /api/v1/alerts/dismiss': { client: s.client },
    'POST /api/v1/maintenance-windows': { scope: 'client', scope_id: s.client, starts_at: STAMP, ends_at: '2026-11-20T02:00:00Z' },
    'POST /api/v1/devices/{id}/snooze': { hours: 1 },
    'POST /api/v1/checks/{id}/snooze': { hours: 1 },
    'POST /api/v1/connectors': { type: 'azure', name: 'Walk', config: { tenant_id: 'contoso.onmicrosoft.com', client_id: 'app', subscription_id: '00000000-0000-0000-0000-000000000002', client_secret: 'secret-value', login_url: 'http://127.0.0.1:1', management_url: 'http://127.0.0.1:1' } },
    'PATCH /api/v1/connectors/{id}': { name: 'Walked' },
    'POST /api/v1/channels': { type: 'webhook', name: 'Walk', config: { url: 'http://127.0.0.1:1/hook' }, clients: [s.client] },
    'PATCH /api/v1/channels/{id}': { name: `${s.name} walked` },
    'PATCH /api/v1/notifications/settings': { group_wait_seconds: 31 },
    'PUT /api/v1/settings/branding': { name: 'Walk IT', logo_url: null },
  };
  if (!op.hasBody) return null;
  return op.key in bodies ? bodies[op.key] : {};
}

interface Answer {
  status: number;
  text: string;
}

async function call(p: Principal | null, method: string, path: string, body: string | null, type = 'application/json'): Promise<Answer> {
  const write = method !== 'GET';
  const headers: Record<string, string> = { ...(p ? p.headers(write) : {}) };
  if (body !== null) headers['content-type'] = type;
  const res = await fetch(app.url + path, { method, headers, body: body ?? undefined, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function seed(name: string): Promise<Side> {
  const jobs = [0, 1].map((i) =>
    jobReport({ client: name, external_id: `${name}-${i}`, device: { name: `${name}-SRV`, class: 'server' }, status: 'failed', started_at: `2026-11-20T0${i}:00:00Z`, ended_at: `2026-11-20T0${i}:30:00Z` }),
  );
  const made = (await app.request('POST', '/api/v1/jobs', { body: { jobs } })).body.items[1];
  const window = await app.request('POST', '/api/v1/maintenance-windows', {
    body: { scope: 'device', scope_id: made.device_id, starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T02:00:00Z' },
  });
  const channel = await app.request('POST', '/api/v1/channels', {
    body: { type: 'webhook', name: `${name} contacts`, config: { url: 'http://127.0.0.1:1/hook' }, clients: [made.client_id] },
  });
  expect([window.status, channel.status]).toEqual([201, 201]);
  return { name, client: made.client_id, device: made.device_id, check: made.check_id, job: made.id, alert: '', email: '', window: window.body.id, channel: channel.body.id };
}

async function signedIn(email: string, password: string): Promise<(write: boolean) => Record<string, string>> {
  const caller = sessionCaller(app);
  const res = await caller.signIn(email, password);
  expect(res.status).toBe(200);
  return (write) => ({ cookie: caller.cookie!, ...(write && { 'x-csrf-token': caller.csrf! }) });
}

/** What a principal limited to client A must never change: client B's objects and the workspace. */
async function untouchable(): Promise<unknown> {
  const get = async (path: string) => {
    const res = await app.request('GET', path);
    return [path, res.status, res.body];
  };
  const b = sides.B;
  const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  const rows = (r: unknown[], keys: string[]) => (r[2] as { items: Record<string, unknown>[] }).items.map((i) => pick(i, keys));
  const one = (r: unknown[], keys: string[]) => [r[1], pick(r[2] as Record<string, unknown>, keys)];
  const ownerUsers = sessionCaller(app);
  await ownerUsers.signIn(OWNER.email, OWNER.password);
  return {
    settings: (await get('/api/v1/settings'))[2],
    notifications: (await get('/api/v1/notifications/settings'))[2],
    connectors: rows(await get('/api/v1/connectors?limit=500'), ['id', 'name', 'config', 'enabled']),
    mailboxes: rows(await get('/api/v1/mailboxes'), ['id', 'name', 'config', 'enabled']),
    tokens: rows(await get('/api/v1/tokens'), ['id', 'name', 'scope', 'client_ids', 'revoked_at']),
    users: (await ownerUsers.request('GET', '/api/v1/users')).body.items.map((u: Record<string, unknown>) => pick(u, ['id', 'email', 'role', 'client_ids', 'disabled'])),
    channels: rows(await get('/api/v1/channels?limit=500'), ['id', 'name', 'config', 'clients']).filter((c) => c.id !== sides.A.channel && JSON.stringify(c.clients) !== JSON.stringify([sides.A.client])),
    emails: rows(await get('/api/v1/emails?limit=500'), ['id', 'state', 'client_id']).filter((e) => e.client_id !== sides.A.client),
    client: one(await get(`/api/v1/clients/${b.client}`), ['name']),
    clientSettings: (await get(`/api/v1/clients/${b.client}/settings`))[2],
    device: one(await get(`/api/v1/devices/${b.device}`), ['name', 'status', 'storage_used_bytes', 'snoozed_until']),
    check: one(await get(`/api/v1/checks/${b.check}`), ['name', 'paused', 'snoozed_until']),
    alert: one(await get(`/api/v1/alerts/${b.alert}`), ['state']),
    windows: rows(await get('/api/v1/maintenance-windows'), ['id', 'scope_id']).filter((w) => w.scope_id !== sides.A.client && w.scope_id !== sides.A.device),
    channel: one(await get(`/api/v1/channels/${b.channel}`), ['name', 'config', 'clients']),
    checksOfB: rows(await get(`/api/v1/checks?client=${b.client}&limit=500`), ['id']),
  };
}

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1:1' } });
  sides.A = await seed('Alpha');
  sides.B = await seed('Bravo');
  await app.kw.evaluator.runUntilIdle();
  for (const s of Object.values(sides)) {
    s.alert = (await app.request('GET', `/api/v1/alerts?client=${s.client}`)).body.items[0].id;
    const address = (await app.request('GET', `/api/v1/clients/${s.client}`)).body.email_address;
    expect((await send(app.kw.smtpPort, { from: 'nas@example.com', to: address, subject: `${s.name} backup failed`, text: 'Volume full' })).ok).toBe(true);
  }
  await app.kw.email.worker.runUntilIdle();
  for (const s of Object.values(sides)) s.email = (await app.request('GET', `/api/v1/emails?limit=500`)).body.items.find((e: { client_id: string }) => e.client_id === s.client).id;

  const connector = await app.request('POST', '/api/v1/connectors', {
    body: { type: 'azure', name: 'Tenant', config: { tenant_id: 'contoso.onmicrosoft.com', client_id: 'app', subscription_id: '00000000-0000-0000-0000-000000000002', client_secret: 'secret-value', login_url: 'http://127.0.0.1:1', management_url: 'http://127.0.0.1:1' } },
  });
  const mailbox = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Backups', config: { host: '127.0.0.1', port: 1, tls: false, user: 'u', password: 'p' } } });
  expect([connector.status, connector.text, mailbox.status]).toEqual([201, connector.text, 201]);

  await sessionCaller(app).request('POST', '/api/v1/setup', OWNER);
  const victim = await app.kw.services.users.create(SYSTEM, { email: 'victim@example.com', password: 'victim password 1', role: 'viewer', name: null, clientIds: null });
  const victimToken = (await app.kw.services.tokens.create(SYSTEM, { scope: 'read', name: 'victim', clientIds: null })).view;
  wsIds = { user: victim.id, token: victimToken.id, connector: connector.body.id, mailbox: mailbox.body.id };

  for (const limited of [false, true]) {
    const clientIds = limited ? [sides.A.client] : null;
    for (const role of Object.keys(ROLE)) {
      const email = `${role}${limited ? '-alpha' : ''}@example.com`;
      if (role !== 'owner' || limited) await app.kw.services.users.create(SYSTEM, { email, password: 'walker password 1', role: role as 'viewer', name: null, clientIds });
      const headers = await signedIn(email, email === OWNER.email ? OWNER.password : 'walker password 1');
      principals.push({ label: `${role} user${limited ? ' limited to A' : ''}`, kind: 'user', abilities: new Set(ROLE[role]), limited, headers });
    }
    for (const scope of Object.keys(SCOPE)) {
      const token = await app.token(scope as 'read', { clientIds: clientIds ?? undefined, name: `${scope}${limited ? ' A' : ''}` });
      principals.push({ label: `${scope} token${limited ? ' limited to A' : ''}`, kind: 'token', abilities: new Set(SCOPE[scope]), limited, headers: () => ({ authorization: `Bearer ${token}` }) });
    }
  }

  const doc = (await app.request('GET', '/api/openapi.json', { token: null })).body;
  ops = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { requestBody?: unknown }>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      ops.push({ key, method: method.toUpperCase(), path, rule: RULES[key]!, hasBody: op.requestBody !== undefined, clientObject: CLIENT_OBJECT.test(path) });
    }
  }
}, 60_000);
afterAll(async () => app?.close());

/** Whether the model refuses this principal the operation before looking at anything else. */
function refused(p: Principal, rule: Rule): boolean {
  if (rule.ability === null) return false;
  return !p.abilities.has(rule.ability) || (rule.workspace === true && p.limited) || (rule.session === true && p.kind === 'token');
}

// Deletions and merges last, so that the other operations find the objects they name.
const destructive = (op: Op) => op.method === 'DELETE' || op.path.endsWith('/merge');
// Signing out is walked in its own test: here it would end the walker's session.
const walked = (op: Op) => op.key !== 'DELETE /api/v1/session';

describe('the route walk', () => {
  it('knows every operation of the OpenAPI document, and every operation it knows is served', () => {
    const documented = ops.map((o) => o.key).sort();
    expect(documented.filter((k) => !(k in RULES))).toEqual([]);
    expect(Object.keys(RULES).filter((k) => !documented.includes(k))).toEqual([]);
  });

  it('refuses a principal without the ability, or limited to clients on a workspace-wide route, whatever the body, and never answers 5xx', async () => {
    const failures: string[] = [];
    const note = (p: Principal, op: Op, what: string, a: Answer) => failures.push(`${p.label} ${op.method} ${op.path} (${what}): ${a.status} ${a.text.slice(0, 160)}`);
    const before = await untouchable();

    const walk = async (group: Principal[], which: (op: Op) => boolean) => {
      await pool(group, 4, async (p) => {
        for (const op of ops.filter((o) => walked(o) && which(o))) {
          const targets: Array<'A' | 'B'> = p.limited && op.clientObject ? ['A', 'B'] : ['A'];
          for (const side of targets) {
            const s = sides[side];
            const path = fill(op, s);
            const body = bodyOf(op, s);
            const valid = await call(p, op.method, path, body === null ? null : JSON.stringify(body));
            const malformed = op.hasBody ? await call(p, op.method, path, '{"not json') : null;
            const untyped = op.hasBody && refused(p, op.rule) ? await call(p, op.method, path, 'plain words', 'text/plain') : null;
            for (const [what, a] of [['valid body', valid], ['malformed body', malformed], ['text/plain body', untyped]] as const) {
              if (a === null) continue;
              if (a.status >= 500) note(p, op, what, a);
              if (refused(p, op.rule) && a.status !== 403) note(p, op, `${what}: must be refused`, a);
              if (!refused(p, op.rule) && op.rule.ability !== null && (a.status === 401 || (what === 'malformed body' && a.status !== 400))) note(p, op, `${what}: must pass authorisation`, a);
            }
            // Another client's object: as if it did not exist (or refused), never done.
            if (side === 'B' && !refused(p, op.rule) && ![403, 404].includes(valid.status)) note(p, op, 'client B object', valid);
          }
        }
      });
    };
    const limited = principals.filter((p) => p.limited);
    const unlimited = principals.filter((p) => !p.limited);
    await walk(limited, (op) => !destructive(op));
    await walk(limited, destructive);
    expect(await untouchable()).toEqual(before);
    await walk(unlimited, (op) => !destructive(op));
    await walk(unlimited, destructive);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('the console session under the walk', () => {
  it('refuses every cookie-authenticated write without the CSRF header, whatever the body', async () => {
    const owner = principals.find((p) => p.label === 'owner user')!;
    const cookieOnly: Principal = { ...owner, headers: () => ({ cookie: owner.headers(false).cookie! }) };
    const failures: string[] = [];
    for (const op of ops.filter((o) => o.method !== 'GET' && o.rule.ability !== null)) {
      const path = fill(op, sides.A);
      for (const body of [op.hasBody ? JSON.stringify(bodyOf(op, sides.A)) : null, op.hasBody ? '{"not json' : null]) {
        const a = await call(cookieOnly, op.method, path, body);
        if (a.status !== 403 || !a.text.includes('X-CSRF-Token')) failures.push(`${op.method} ${op.path}: ${a.status}`);
        if (!op.hasBody) break;
      }
    }
    expect(failures).toEqual([]);
  });

  it('sets the session cookie HttpOnly and SameSite, and ends it on sign-out', async () => {
    const browser = sessionCaller(app);
    const res = await browser.signIn(OWNER.email, OWNER.password);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/kw_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await browser.request('DELETE', '/api/v1/session')).status).toBe(204);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(401);
  });

  it('keeps the password policy for a new password and a new user', async () => {
    const owner = principals.find((p) => p.label === 'owner user')!;
    const short = await call(owner, 'POST', '/api/v1/session/password', JSON.stringify({ current_password: OWNER.password, new_password: 'short' }));
    expect(short.status).toBe(400);
    expect(JSON.parse(short.text).errors[0].field).toBe('new_password');
    const user = await call(owner, 'POST', '/api/v1/users', JSON.stringify({ email: 'weak@example.com', password: 'short', role: 'viewer' }));
    expect(user.status).toBe(400);
    expect(JSON.parse(user.text).errors[0].field).toBe('password');
  });

  it('throttles guessing: the sixth wrong password for an address answers 429 with Retry-After', async () => {
    const guesser = sessionCaller(app);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await guesser.signIn('guessed@example.com', `guess-${i}-password`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const res = await guesser.signIn('guessed@example.com', 'guess-7-password');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
