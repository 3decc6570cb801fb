import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { ManualClock } from '../../src/lib/clock.js';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };
let app: TestApp;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
});
afterAll(async () => app.close());

describe('first-run setup', () => {
  it('says setup is needed, creates the owner once and signs them in', async () => {
    const browser = sessionCaller(app);
    expect((await browser.request('GET', '/api/v1/setup')).body).toEqual({ needs_setup: true, demo_available: true, sso_enabled: false });
    const res = await browser.request('POST', '/api/v1/setup', OWNER);
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: OWNER.email, role: 'owner', client_ids: null });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/kw_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await browser.request('GET', '/api/v1/session')).body.user.email).toBe(OWNER.email);
    expect((await browser.request('GET', '/api/v1/setup')).body.needs_setup).toBe(false);
  });

  it('refuses a second setup, even with other credentials', async () => {
    const res = await sessionCaller(app).request('POST', '/api/v1/setup', { email: 'mallory@example.com', password: 'mallory-password' });
    expect(res.status).toBe(409);
  });

  it('stores the session hashed, never the cookie value', async () => {
    const browser = sessionCaller(app);
    await browser.signIn(OWNER.email, OWNER.password);
    const secret = browser.cookie!.split('=')[1]!;
    const rows = await app.kw.database.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.some((r) => r.id_hash === secret)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('signing in and out', () => {
  it('rejects a wrong password with 401 and no cookie', async () => {
    const browser = sessionCaller(app);
    const res = await browser.signIn(OWNER.email, 'wrong password!');
    expect(res.status).toBe(401);
    expect(browser.cookie).toBeNull();
    expect((await browser.request('GET', '/api/v1/devices')).status).toBe(401);
  });

  it('reads the API with the session cookie', async () => {
    const browser = sessionCaller(app);
    expect((await browser.signIn(OWNER.email, OWNER.password)).status).toBe(200);
    expect((await browser.request('GET', '/api/v1/devices')).status).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF token, and accepts it with the token', async () => {
    const browser = sessionCaller(app);
    await browser.signIn(OWNER.email, OWNER.password);
    const body = { scope: 'read', name: 'csrf probe' };
    const without = await browser.request('POST', '/api/v1/tokens', body, { 'x-csrf-token': '' });
    expect(without.status).toBe(403);
    expect(without.body.detail).toMatch(/X-CSRF-Token/);
    const wrong = await browser.request('POST', '/api/v1/tokens', body, { 'x-csrf-token': 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect((await browser.request('POST', '/api/v1/tokens', body)).status).toBe(201);
  });

  it('leaves bearer-token calls alone: no CSRF token needed', async () => {
    const res = await app.request('POST', '/api/v1/tokens', { body: { scope: 'ingest' } });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^kw_/);
  });

  it('ends the session at once on sign-out', async () => {
    const browser = sessionCaller(app);
    await browser.signIn(OWNER.email, OWNER.password);
    const cookie = browser.cookie;
    expect((await browser.request('DELETE', '/api/v1/session')).status).toBe(204);
    browser.cookie = cookie;
    expect((await browser.request('GET', '/api/v1/devices')).status).toBe(401);
  });

  it('expires a session left idle for a week', async () => {
    const browser = sessionCaller(app);
    await browser.signIn(OWNER.email, OWNER.password);
    clock.advance(7 * 24 * 3600_000 + 1000);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(401);
  });

  it('slows down guessing: the sixth wrong password for an address answers 429 with Retry-After', async () => {
    const browser = sessionCaller(app);
    for (let i = 0; i < 5; i++) expect((await browser.signIn('guess@example.com', `guess-${i}-password`)).status).toBe(401);
    const res = await browser.signIn('guess@example.com', 'guess-6-password');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    expect((await browser.signIn('guess@example.com', 'guess-7-password')).status).toBe(401);
  });
});

describe('password change', () => {
  it('checks the current password, ends every other session and keeps this one', async () => {
    const other = sessionCaller(app);
    await other.signIn(OWNER.email, OWNER.password);
    const me = sessionCaller(app);
    await me.signIn(OWNER.email, OWNER.password);
    const bad = await me.request('POST', '/api/v1/session/password', { current_password: 'nope nope nope', new_password: 'a brand new password' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('current_password');
    const short = await me.request('POST', '/api/v1/session/password', { current_password: OWNER.password, new_password: 'short' });
    expect(short.body.errors[0].field).toBe('new_password');
    const ok = await me.request('POST', '/api/v1/session/password', { current_password: OWNER.password, new_password: 'a brand new password' });
    expect(ok.status).toBe(200);
    expect((await me.request('GET', '/api/v1/session')).status).toBe(200);
    expect((await other.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await sessionCaller(app).signIn(OWNER.email, OWNER.password)).status).toBe(401);
    OWNER.password = 'a brand new password';
  });
});

describe('users and roles', () => {
  it('lets the owner add users; an admin may not manage users but may manage tokens', async () => {
    const owner = sessionCaller(app);
    await owner.signIn(OWNER.email, OWNER.password);
    const created = await owner.request('POST', '/api/v1/users', { email: 'Admin@Example.com', password: 'admin password 1', role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect(created.body).not.toHaveProperty('password_hash');
    const admin = sessionCaller(app);
    await admin.signIn('admin@example.com', 'admin password 1');
    expect((await admin.request('GET', '/api/v1/users')).status).toBe(403);
    expect((await admin.request('GET', '/api/v1/tokens')).status).toBe(200);
  });

  it('lets a viewer read but not acknowledge, dismiss or configure', async () => {
    const owner = sessionCaller(app);
    await owner.signIn(OWNER.email, OWNER.password);
    await owner.request('POST', '/api/v1/users', { email: 'viewer@example.com', password: 'viewer password', role: 'viewer' });
    const viewer = sessionCaller(app);
    await viewer.signIn('viewer@example.com', 'viewer password');
    expect((await viewer.request('GET', '/api/v1/alerts')).status).toBe(200);
    expect((await viewer.request('POST', '/api/v1/alerts/dismiss', { all: true })).status).toBe(403);
    expect((await viewer.request('PUT', '/api/v1/settings', {})).status).toBe(403);
    expect((await viewer.request('GET', '/api/v1/tokens')).status).toBe(403);
  });

  it('keeps the last owner: no demotion, no removal', async () => {
    const owner = sessionCaller(app);
    const me = (await owner.signIn(OWNER.email, OWNER.password)).body.user;
    expect((await owner.request('PATCH', `/api/v1/users/${me.id}`, { role: 'admin' })).status).toBe(409);
    expect((await owner.request('DELETE', `/api/v1/users/${me.id}`)).status).toBe(403);
  });

  it('ends a disabled user’s sessions at once', async () => {
    const owner = sessionCaller(app);
    await owner.signIn(OWNER.email, OWNER.password);
    const u = (await owner.request('POST', '/api/v1/users', { email: 'temp@example.com', password: 'temporary password', role: 'operator' })).body;
    const temp = sessionCaller(app);
    await temp.signIn('temp@example.com', 'temporary password');
    expect((await temp.request('GET', '/api/v1/devices')).status).toBe(200);
    expect((await owner.request('PATCH', `/api/v1/users/${u.id}`, { disabled: true })).body.disabled_at).not.toBeNull();
    expect((await temp.request('GET', '/api/v1/devices')).status).toBe(401);
    expect((await temp.signIn('temp@example.com', 'temporary password')).status).toBe(401);
  });

  it('names the bad field when a user is created wrongly', async () => {
    const owner = sessionCaller(app);
    await owner.signIn(OWNER.email, OWNER.password);
    const res = await owner.request('POST', '/api/v1/users', { email: 'nobody', password: 'short', role: 'viewer' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
    expect((await owner.request('POST', '/api/v1/users', { email: 'x@example.com', password: 'long enough pw', role: 'god' })).status).toBe(400);
  });

  it('audits sign-ins, user changes and token creation', async () => {
    const actions = (await app.kw.database.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['setup.owner', 'session.sign_in', 'session.sign_out', 'user.create', 'user.update', 'user.password_change', 'token.create']));
  });
});

describe('API tokens over the API', () => {
  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const created = await app.request('POST', '/api/v1/tokens', { body: { scope: 'read', name: 'grafana', daily_limit: 1000 } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await app.request('GET', '/api/v1/devices', { token })).status).toBe(200);
    const list = await app.request('GET', '/api/v1/tokens');
    const listed = list.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(listed).toMatchObject({ name: 'grafana', scope: 'read', daily_limit: 1000, revoked_at: null });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect((await app.request('DELETE', `/api/v1/tokens/${created.body.id}`)).body.revoked_at).not.toBeNull();
    expect((await app.request('GET', '/api/v1/devices', { token })).status).toBe(401);
  });
});
