// One's own console sessions: the list (never a cookie value), revoking one, an owner revoking all
// of someone's, and last_seen_at written at most once a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { ManualClock } from '../../src/lib/clock.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type SessionCaller, sessionCaller } from '../helpers/browser-session.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 1' };
let app: TestApp;
let clock: ManualClock;
let viewerId: string;

async function as(user: { email: string; password: string }, userAgent: string): Promise<SessionCaller> {
  const caller = sessionCaller(app);
  const res = await caller.request('POST', '/api/v1/session', user, { 'user-agent': userAgent });
  expect(res.status).toBe(200);
  return caller;
}

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
  expect((await sessionCaller(app).request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
  viewerId = (await app.kw.services.users.create(SYSTEM, { email: VIEWER.email, password: VIEWER.password, role: 'viewer', name: null, clientIds: null })).id;
});
afterAll(async () => app?.close());

describe('GET /api/v1/session/sessions', () => {
  it("lists the user's own live sessions, marks the current one, and never shows a cookie value", async () => {
    const laptop = await as(VIEWER, 'Laptop Firefox');
    clock.advance(1000);
    const phone = await as(VIEWER, 'Phone Safari');
    await as(OWNER, 'Owner Chrome');
    const res = await phone.request('GET', '/api/v1/session/sessions');
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { user_agent: string; current: boolean }) => [s.user_agent, s.current])).toEqual([
      ['Phone Safari', true],
      ['Laptop Firefox', false],
    ]);
    const item = res.body.items[0];
    expect(Object.keys(item).sort()).toEqual(['created_at', 'current', 'expires_at', 'id', 'ip', 'last_seen_at', 'method', 'user_agent']);
    expect(item).toMatchObject({ method: 'password', created_at: '2026-12-07T09:00:01.000Z', last_seen_at: '2026-12-07T09:00:01.000Z' });
    const text = JSON.stringify(res.body);
    for (const c of [laptop, phone]) {
      const secret = c.cookie!.split('=')[1]!;
      expect(text).not.toContain(secret);
      expect(text).not.toContain(c.csrf!);
    }
    const hashes = await app.kw.database.db.selectFrom('sessions').select('id_hash').execute();
    for (const h of hashes) expect(text).not.toContain(h.id_hash);
  });

  it('is for a console session, not an API token', async () => {
    expect((await app.request('GET', '/api/v1/session/sessions')).status).toBe(403);
  });

  it('updates last_seen_at at most once a minute', async () => {
    const c = await as(VIEWER, 'Ticker');
    const seen = async () => (await c.request('GET', '/api/v1/session/sessions')).body.items.find((s: { current: boolean }) => s.current).last_seen_at;
    const first = await seen();
    clock.advance(30_000);
    expect(await seen()).toBe(first);
    clock.advance(31_000);
    // The first request after a minute writes it (before the list is read).
    expect(await seen()).toBe(new Date(clock.now()).toISOString());
  });
});

describe('DELETE /api/v1/session/sessions/{id}', () => {
  it('ends one of your sessions: its cookie answers 401 at once', async () => {
    const keep = await as(VIEWER, 'Keeper');
    const lose = await as(VIEWER, 'Lost phone');
    const id = (await keep.request('GET', '/api/v1/session/sessions')).body.items.find((s: { user_agent: string }) => s.user_agent === 'Lost phone').id;
    expect((await keep.request('DELETE', `/api/v1/session/sessions/${id}`)).status).toBe(204);
    expect((await lose.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await keep.request('GET', '/api/v1/session')).status).toBe(200);
    expect((await keep.request('GET', '/api/v1/session/sessions')).body.items.some((s: { id: string }) => s.id === id)).toBe(false);
    expect((await keep.request('DELETE', `/api/v1/session/sessions/${id}`)).status).toBe(404);
  });

  it("answers 404 for someone else's session, and leaves it alone", async () => {
    const owner = await as(OWNER, 'Owner desk');
    const viewer = await as(VIEWER, 'Viewer desk');
    const ownerSession = (await owner.request('GET', '/api/v1/session/sessions')).body.items.find((s: { current: boolean }) => s.current).id;
    expect((await viewer.request('DELETE', `/api/v1/session/sessions/${ownerSession}`)).status).toBe(404);
    expect((await owner.request('GET', '/api/v1/session')).status).toBe(200);
  });

  it('needs the CSRF token like every write made with the cookie', async () => {
    const c = await as(VIEWER, 'No token');
    const id = (await c.request('GET', '/api/v1/session/sessions')).body.items[0].id;
    const res = await fetch(`${app.url}/api/v1/session/sessions/${id}`, { method: 'DELETE', headers: { cookie: c.cookie! } });
    expect(res.status).toBe(403);
  });
});

describe('DELETE /api/v1/users/{id}/sessions', () => {
  it("lets an owner end every session of a user, and records it", async () => {
    const a = await as(VIEWER, 'A');
    const b = await as(VIEWER, 'B');
    const owner = await as(OWNER, 'Owner');
    const res = await owner.request('DELETE', `/api/v1/users/${viewerId}/sessions`);
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBeGreaterThanOrEqual(2);
    for (const c of [a, b]) expect((await c.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await owner.request('GET', '/api/v1/session')).status).toBe(200);
    const audit = await app.kw.database.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'session.revoke_all').execute();
    expect(audit).toEqual([{ action: 'session.revoke_all', target_id: viewerId }]);
    // The user can sign in again.
    expect((await sessionCaller(app).signIn(VIEWER.email, VIEWER.password)).status).toBe(200);
  });

  it('is for owners only, and 404 for an unknown user', async () => {
    const viewer = await as(VIEWER, 'Viewer');
    const ownerId = (await viewer.request('GET', '/api/v1/session')).body.user.id;
    expect((await viewer.request('DELETE', `/api/v1/users/${ownerId}/sessions`)).status).toBe(403);
    expect((await app.request('DELETE', `/api/v1/users/${ownerId}/sessions`)).status).toBe(403);
    const owner = await as(OWNER, 'Owner');
    expect((await owner.request('DELETE', '/api/v1/users/no-such-user/sessions')).status).toBe(404);
  });
});
