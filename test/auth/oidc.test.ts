// Single sign-on against a real OpenID Connect provider (oidc-provider, test/helpers/oidc-idp.ts)
// on 127.0.0.1, driven over HTTP the way a browser is: Keepwatch's /auth/oidc/login redirect, the
// provider's own login page, the provider's redirect back to /auth/oidc/callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { freePort, startIdp, type TestIdp } from '../helpers/oidc-idp.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let app: TestApp;
let idp: TestIdp;
let owner: ReturnType<typeof sessionCaller>;

const ACCOUNTS = {
  alice: { email: 'alice@example.com', email_verified: true, name: 'Alice' },
  bob: { email: 'Bob@Example.com', email_verified: true },
  newbie: { email: 'newbie@example.com', email_verified: true, name: 'New Person', roles: ['Keepwatch.Operators'], groups: ['alpha-techs'] },
  plain: { email: 'plain@example.com' },
  outsider: { email: 'eve@elsewhere.example', email_verified: true },
  unverified: { email: 'carol@example.com', email_verified: false },
  nomail: { name: 'No Mail' },
};

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startIdp({ redirectUris: [`${publicUrl}/auth/oidc/callback`], accounts: ACCOUNTS });
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_PORT: String(port), KEEPWATCH_PUBLIC_URL: publicUrl } });
  owner = sessionCaller(app);
  expect((await owner.request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
  for (const email of ['alice@example.com', 'bob@example.com', 'carol@example.com']) {
    await app.kw.services.users.create(SYSTEM, { email, password: 'user password 1', role: 'viewer', name: null, clientIds: null });
  }
}, 60_000);
afterAll(async () => {
  await app?.close();
  await idp?.close();
});

const base = () => ({ enabled: true, issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret, allowed_domains: ['example.com'], default_role: 'viewer', auto_create: false, password_sign_in: true });

async function configure(body: Record<string, unknown>) {
  const res = await owner.request('PUT', '/api/v1/sso', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Starts a login at Keepwatch: the redirect to the provider and the state cookie bound to it. */
async function begin(): Promise<{ location: string; cookie: string; status: number }> {
  const res = await fetch(`${app.url}/auth/oidc/login`, { redirect: 'manual' });
  const cookie = /kw_oidc=[^;]+/.exec(res.headers.getSetCookie().join('\n'))?.[0] ?? '';
  return { location: res.headers.get('location') ?? '', cookie, status: res.status };
}

/** Back at Keepwatch with what the provider sent: the callback's answer. */
async function callback(back: URL, cookie: string): Promise<{ status: number; location: string | null; session: string | null; text: string }> {
  const res = await fetch(`${app.url}${back.pathname}${back.search}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const session = /kw_session=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1] ?? null;
  return { status: res.status, location: res.headers.get('location'), session, text: await res.text() };
}

async function signInAs(account: string) {
  const start = await begin();
  expect(start.status).toBe(302);
  const back = await idp.login(start.location, account);
  return callback(back, start.cookie);
}

async function sessionOf(secret: string) {
  const res = await fetch(`${app.url}/api/v1/session`, { headers: { cookie: `kw_session=${secret}` } });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as any) : null };
}

describe('SSO settings (GET|PUT /api/v1/sso)', () => {
  it('starts off, shows the redirect URI, and the sign-in page is told SSO is off', async () => {
    const res = await owner.request('GET', '/api/v1/sso');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, client_secret: null, redirect_uri: `${app.url}/auth/oidc/callback`, password_sign_in: true });
    expect((await fetch(`${app.url}/api/v1/setup`).then((r) => r.json() as Promise<any>)).sso_enabled).toBe(false);
    const login = await fetch(`${app.url}/auth/oidc/login`, { redirect: 'manual' });
    expect(login.status).toBe(400);
    expect(await login.text()).toContain('not switched on');
  });

  it('checks the issuer before switching on: 400 naming issuer when its discovery document cannot be read', async () => {
    const dead = await freePort();
    const res = await owner.request('PUT', '/api/v1/sso', { ...base(), issuer: `http://127.0.0.1:${dead}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('issuer');
    expect(res.body.errors[0].message).toMatch(/discovery document/);
    const plain = await owner.request('PUT', '/api/v1/sso', { ...base(), issuer: 'http://idp.example.com' });
    expect(plain.status).toBe(400);
    expect(plain.body.errors[0]).toMatchObject({ field: 'issuer', message: 'must be an https URL' });
    expect((await owner.request('GET', '/api/v1/sso')).body.enabled).toBe(false);
  });

  it('keeps the client secret write-only and sealed at rest', async () => {
    const view = await configure(base());
    expect(view).toMatchObject({ enabled: true, issuer: idp.issuer, client_secret: '***', allowed_domains: ['example.com'] });
    const doc = await app.kw.database.db.selectFrom('settings').select('doc').where('scope', '=', 'sso').executeTakeFirstOrThrow();
    expect(doc.doc).not.toContain(idp.clientSecret);
    expect(JSON.parse(doc.doc).client_secret.sealed).toMatch(/^v1:/);
    expect((await fetch(`${app.url}/api/v1/setup`).then((r) => r.json() as Promise<any>)).sso_enabled).toBe(true);
  });

  it('keeps the stored secret when it is omitted or "***", and asks for it again when the issuer changes', async () => {
    await configure({ client_secret: '***', default_role: 'viewer' });
    await configure({ allowed_domains: ['example.com'] });
    const moved = await owner.request('PUT', '/api/v1/sso', { issuer: idp.issuer.replace('127.0.0.1', 'localhost') });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: { field: string }) => e.field)).toEqual(['client_secret']);
    const masked = await owner.request('PUT', '/api/v1/sso', { issuer: idp.issuer.replace('127.0.0.1', 'localhost'), client_secret: '***' });
    expect(masked.status).toBe(400);
    expect(masked.body.errors[0].field).toBe('client_secret');
    expect((await owner.request('GET', '/api/v1/sso')).body.issuer).toBe(idp.issuer);
    // The secret still works: nothing was changed by the refused updates.
    expect((await signInAs('alice')).status).toBe(302);
  });

  it('refuses bad values by field, and anyone but an owner', async () => {
    const bad = await owner.request('PUT', '/api/v1/sso', { default_role: 'owner' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('default_role');
    const jit = await owner.request('PUT', '/api/v1/sso', { auto_create: true, allowed_domains: [] });
    expect(jit.status).toBe(400);
    expect(jit.body.errors[0].field).toBe('allowed_domains');
    await app.kw.services.users.create(SYSTEM, { email: 'admin@example.com', password: 'admin password 1', role: 'admin', name: null, clientIds: null });
    const admin = sessionCaller(app);
    expect((await admin.signIn('admin@example.com', 'admin password 1')).status).toBe(200);
    expect((await admin.request('GET', '/api/v1/sso')).status).toBe(403);
    expect((await admin.request('PUT', '/api/v1/sso', { enabled: false })).status).toBe(403);
    expect((await fetch(`${app.url}/api/v1/sso`, { headers: { authorization: `Bearer ${await app.token('admin')}` } })).status).toBe(403);
  });
});

describe('signing in through the provider', () => {
  it('redirects to the authorization endpoint with the code flow, PKCE S256, state and nonce', async () => {
    const start = await begin();
    expect(start.status).toBe(302);
    const url = new URL(start.location);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(idp.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/oidc/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(start.cookie).toBe(`kw_oidc=${url.searchParams.get('state')}`);
  });

  it('signs a known user in: the same kw_session cookie as password sign-in, a redirect to /', async () => {
    const res = await signInAs('alice');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/');
    expect(res.session).not.toBeNull();
    const me = await sessionOf(res.session!);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'alice@example.com', role: 'viewer' });
    const row = await app.kw.database.db.selectFrom('sessions').selectAll().where('public_id', 'is not', null).orderBy('created_at', 'desc').execute();
    expect(row.some((r) => r.method === 'oidc' && r.user_id === me.body.user.id)).toBe(true);
  });

  it('matches the e-mail address whatever its case', async () => {
    const res = await signInAs('bob');
    expect(res.status).toBe(302);
    expect((await sessionOf(res.session!)).body.user.email).toBe('bob@example.com');
  });

  it('refuses an e-mail outside the allowed domains: an error page, no session', async () => {
    const res = await signInAs('outsider');
    expect(res.status).toBe(403);
    expect(res.session).toBeNull();
    expect(res.text).toContain('elsewhere.example is not allowed');
    expect(res.text).toContain('href="/"');
    expect(await app.kw.services.users.byEmail('eve@elsewhere.example')).toBeNull();
  });

  it('refuses an unknown user without auto_create, and an unverified or missing e-mail', async () => {
    const unknown = await signInAs('newbie');
    expect([unknown.status, unknown.session]).toEqual([403, null]);
    expect(unknown.text).toContain('newbie@example.com is not a user of this workspace');
    const unverified = await signInAs('unverified');
    expect([unverified.status, unverified.session]).toEqual([403, null]);
    expect(unverified.text).toContain('not verified');
    const nomail = await signInAs('nomail');
    expect([nomail.status, nomail.session]).toEqual([403, null]);
    expect(nomail.text).toContain('no e-mail address');
  });

  it('refuses a tampered, missing or reused state', async () => {
    const start = await begin();
    const back = await idp.login(start.location, 'alice');
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const a = await callback(tampered, start.cookie);
    expect([a.status, a.session]).toEqual([400, null]);
    expect(a.text).toContain('bad or missing state');
    const b = await callback(back, '');
    expect([b.status, b.session]).toEqual([400, null]);
    // Another browser's state cookie does not fit either.
    const other = await begin();
    const c = await callback(back, other.cookie);
    expect([c.status, c.session]).toEqual([400, null]);
    // The untouched answer still works once, and only once.
    const ok = await callback(back, start.cookie);
    expect(ok.status).toBe(302);
    const again = await callback(back, start.cookie);
    expect([again.status, again.session]).toEqual([400, null]);
    expect(again.text).toContain('already used');
  });

  it('refuses an ID token whose nonce is not the one this login sent', async () => {
    const start = await begin();
    const state = new URL(start.location).searchParams.get('state')!;
    const back = await idp.login(start.location, 'alice');
    await app.kw.database.db.updateTable('oidc_logins').set({ nonce: 'a-different-nonce-0123456789' }).where('state', '=', state).execute();
    const res = await callback(back, start.cookie);
    expect([res.status, res.session]).toEqual([400, null]);
    expect(res.text).toContain('nonce mismatch');
  });

  it('shows the provider’s own refusal (error=access_denied) as an error page', async () => {
    const start = await begin();
    const state = new URL(start.location).searchParams.get('state')!;
    const res = await callback(new URL(`${app.url}/auth/oidc/callback?error=access_denied&error_description=End-User+aborted+interaction&state=${state}`), start.cookie);
    expect([res.status, res.session]).toEqual([400, null]);
    expect(res.text).toContain('access_denied');
  });

  it('creates a user at first sign-in with auto_create: the default role, or the role and clients the claims map to', async () => {
    const alpha = await app.request('POST', '/api/v1/jobs', { body: { jobs: [{ source: 's', external_id: 'j1', client: 'Alpha', device: { name: 'A-SRV', class: 'server' }, check: { name: 'Nightly', kind: 'backup' }, status: 'succeeded', started_at: '2026-11-20T01:00:00Z', ended_at: '2026-11-20T01:10:00Z' }] } });
    expect(alpha.status).toBeLessThan(300);
    await configure({ auto_create: true, default_role: 'viewer' });
    const plain = await signInAs('plain');
    expect(plain.status).toBe(302);
    expect((await sessionOf(plain.session!)).body.user).toMatchObject({ email: 'plain@example.com', role: 'viewer', client_ids: null });

    const view = await configure({ role_claim: { claim: 'roles', values: { 'Keepwatch.Operators': 'operator' } }, group_clients: { claim: 'groups', groups: { 'alpha-techs': ['Alpha'] } } });
    const alphaId = view.group_clients.groups['alpha-techs'][0];
    expect(alphaId).toMatch(/\w/);
    const res = await signInAs('newbie');
    expect(res.status).toBe(302);
    const me = (await sessionOf(res.session!)).body.user;
    expect(me).toMatchObject({ email: 'newbie@example.com', role: 'operator', name: 'New Person', client_ids: [alphaId], break_glass: false });
    // No password was made for them: password sign-in does not work.
    expect((await sessionCaller(app).signIn('newbie@example.com', 'any password at all')).status).toBe(401);
    await configure({ auto_create: false, role_claim: null, group_clients: null });
  });

  it('keeps password sign-in for break-glass owners only when it is switched off', async () => {
    await configure({ password_sign_in: false });
    const viewer = await sessionCaller(app).signIn('alice@example.com', 'user password 1');
    expect(viewer.status).toBe(403);
    expect(viewer.body.detail ?? viewer.body.title ?? JSON.stringify(viewer.body)).toMatch(/password sign-in is switched off/);
    // A wrong password is still a plain 401: the switch tells nothing about the account.
    expect((await sessionCaller(app).signIn('alice@example.com', 'wrong password 1')).status).toBe(401);
    expect((await sessionCaller(app).signIn(OWNER.email, OWNER.password)).status).toBe(200);
    // SSO still signs the viewer in.
    expect((await signInAs('alice')).status).toBe(302);
    // An owner who is not break-glass is refused too; the flag is the owners' to set.
    const users = (await owner.request('GET', '/api/v1/users')).body.items as Array<{ id: string; email: string; break_glass: boolean }>;
    const me = users.find((u) => u.email === OWNER.email)!;
    expect(me.break_glass).toBe(true);
    const alice = users.find((u) => u.email === 'alice@example.com')!;
    const notOwner = await owner.request('PATCH', `/api/v1/users/${alice.id}`, { break_glass: true });
    expect(notOwner.status).toBe(400);
    expect(notOwner.body.errors[0].field).toBe('break_glass');
    await app.kw.services.users.create(SYSTEM, { email: 'owner2@example.com', password: 'owner2 password 1', role: 'owner', name: null, clientIds: null });
    expect((await sessionCaller(app).signIn('owner2@example.com', 'owner2 password 1')).status).toBe(403);
    const owner2 = (await owner.request('GET', '/api/v1/users')).body.items.find((u: { email: string }) => u.email === 'owner2@example.com');
    expect((await owner.request('PATCH', `/api/v1/users/${owner2.id}`, { break_glass: true })).body.break_glass).toBe(true);
    expect((await sessionCaller(app).signIn('owner2@example.com', 'owner2 password 1')).status).toBe(200);
    await configure({ password_sign_in: true });
    expect((await sessionCaller(app).signIn('alice@example.com', 'user password 1')).status).toBe(200);
  });

  it('reads the e-mail from userinfo when the provider keeps it out of the ID token', async () => {
    const strict = await startIdp({ redirectUris: [`${app.url}/auth/oidc/callback`], accounts: ACCOUNTS, claimsInIdToken: false, clientSecret: 'strict-idp-secret-0123456789' });
    try {
      await configure({ issuer: strict.issuer, client_secret: strict.clientSecret });
      const start = await begin();
      expect(new URL(start.location).origin).toBe(strict.issuer);
      const res = await callback(await strict.login(start.location, 'alice'), start.cookie);
      expect(res.status, res.text).toBe(302);
      expect((await sessionOf(res.session!)).body.user.email).toBe('alice@example.com');
      const outsider = await begin();
      const refused = await callback(await strict.login(outsider.location, 'outsider'), outsider.cookie);
      expect([refused.status, refused.session]).toEqual([403, null]);
    } finally {
      await configure({ issuer: idp.issuer, client_secret: idp.clientSecret });
      await strict.close();
    }
  });

  it('records sign-ins in the audit log and in keepwatch_sign_ins_total', async () => {
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${await app.token('read')}` } }).then((r) => r.text());
    const count = (method: string, outcome: string) => Number(new RegExp(`keepwatch_sign_ins_total\\{method="${method}",outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count('oidc', 'success')).toBeGreaterThanOrEqual(5);
    expect(count('oidc', 'failure')).toBeGreaterThanOrEqual(5);
    expect(count('password', 'success')).toBeGreaterThanOrEqual(2);
    expect(count('password', 'refused')).toBe(2);
    const audit = await app.kw.database.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'session.sign_in%').execute();
    const details = audit.map((a) => ({ action: a.action, ...(JSON.parse(a.details ?? '{}') as { method?: string; reason?: string }) }));
    expect(details.some((d) => d.action === 'session.sign_in' && d.method === 'oidc')).toBe(true);
    expect(details.some((d) => d.action === 'session.sign_in_failed' && d.method === 'oidc' && d.reason === 'domain_not_allowed')).toBe(true);
    expect(details.some((d) => d.action === 'session.sign_in_failed' && d.method === 'oidc' && d.reason === 'bad_nonce')).toBe(true);
  });
});

// Last: the outbound allow list is process-wide, and this app narrows it.
describe('the issuer through the outbound policy', () => {
  it('refuses an issuer on an address KEEPWATCH_OUTBOUND_ALLOW does not allow, naming issuer', async () => {
    const narrow = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1:1' } });
    try {
      const o = sessionCaller(narrow);
      expect((await o.request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
      const res = await o.request('PUT', '/api/v1/sso', base());
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('issuer');
      expect(res.body.errors[0].message).toContain('is not allowed; see KEEPWATCH_OUTBOUND_ALLOW');
    } finally {
      await narrow.close();
    }
  });
});
