// TOTP as a second factor (issue #24): enrolment, confirmation, sign-in with a code or a recovery
// code, each code taken once, wrong codes counted by the sign-in throttle, turning it off, API
// tokens untouched, and the owners' "MFA required for everyone". Codes are computed here with
// otpauth (RFC 6238: SHA-1, 6 digits, 30 s) at the time of the test's manual clock.
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { ManualClock } from '../../src/lib/clock.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type SessionCaller, sessionCaller } from '../helpers/browser-session.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let app: TestApp;
let clock: ManualClock;

/** The code of `secret` at `at` (default: the app's clock now). */
function code(secret: string, at = clock.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

/** A wrong code: the real one with each digit moved on by one. */
function wrong(real: string): string {
  return real.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

async function newUser(email: string, role: 'viewer' | 'operator' = 'viewer'): Promise<{ email: string; password: string }> {
  const user = { email, password: `${email} password` };
  await app.kw.services.users.create(SYSTEM, { email, password: user.password, role, name: null, clientIds: null });
  return user;
}

async function signedIn(user: { email: string; password: string }, extra: Record<string, unknown> = {}): Promise<SessionCaller> {
  const caller = sessionCaller(app);
  const res = await caller.request('POST', '/api/v1/session', { ...user, ...extra });
  expect([res.status, res.body.detail]).toEqual([200, undefined]);
  return caller;
}

/** Signs in, sets up TOTP and confirms it: the secret and the recovery codes. */
async function enrolled(user: { email: string; password: string }): Promise<{ secret: string; recovery: string[] }> {
  const c = await signedIn(user);
  const begun = await c.request('POST', '/api/v1/session/mfa/totp');
  expect(begun.status).toBe(200);
  const confirmed = await c.request('POST', '/api/v1/session/mfa/totp/confirm', { code: code(begun.body.secret) });
  expect(confirmed.status).toBe(200);
  return { secret: begun.body.secret, recovery: confirmed.body.recovery_codes };
}

/** Moves the clock to the start of the next 30-second step (a fresh code). */
function nextStep(): void {
  clock.set((Math.floor(clock.now() / 30_000) + 1) * 30_000 + 1_000);
}

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-12-07T09:00:05Z'));
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
  expect((await sessionCaller(app).request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
});
afterAll(async () => app?.close());

describe('enrolment', () => {
  it('hands out a pending secret, seals it at rest, and turns MFA on only with a current code of it', async () => {
    const user = await newUser('enrol@example.com');
    const c = await signedIn(user);
    const begun = await c.request('POST', '/api/v1/session/mfa/totp');
    expect(begun.status).toBe(200);
    expect(begun.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(begun.body.otpauth_url);
    expect(url.protocol).toBe('otpauth:');
    expect([url.host, decodeURIComponent(url.pathname)]).toEqual(['totp', '/Keepwatch:enrol@example.com']);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ secret: begun.body.secret, issuer: 'Keepwatch', algorithm: 'SHA1', digits: '6', period: '30' });

    const stored = await app.kw.database.db.selectFrom('mfa_totp').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(begun.body.secret);

    expect((await c.request('GET', '/api/v1/session/mfa')).body).toMatchObject({ totp: false, totp_pending: true, recovery_codes_left: 0 });
    // Pending is not on: the password alone still signs in.
    await signedIn(user);

    const bad = await c.request('POST', '/api/v1/session/mfa/totp/confirm', { code: wrong(code(begun.body.secret)) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('code');

    const ok = await c.request('POST', '/api/v1/session/mfa/totp/confirm', { code: code(begun.body.secret) });
    expect(ok.status).toBe(200);
    expect(ok.body.recovery_codes).toHaveLength(10);
    expect(new Set(ok.body.recovery_codes).size).toBe(10);
    for (const r of ok.body.recovery_codes) expect(r).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    const hashes = await app.kw.database.db.selectFrom('mfa_recovery_codes').select('code_hash').execute();
    for (const r of ok.body.recovery_codes) expect(JSON.stringify(hashes)).not.toContain(r.replace(/-/g, ''));
    expect((await c.request('GET', '/api/v1/session/mfa')).body).toMatchObject({ totp: true, totp_pending: false, recovery_codes_left: 10, passkeys: 0 });

    // A second set-up while one is on: 409.
    expect((await c.request('POST', '/api/v1/session/mfa/totp')).status).toBe(409);
  });

  it('is for a console session: an API token is refused', async () => {
    expect((await app.request('POST', '/api/v1/session/mfa/totp')).status).toBe(403);
    expect((await app.request('GET', '/api/v1/session/mfa')).status).toBe(403);
  });
});

describe('signing in with TOTP on', () => {
  let user: { email: string; password: string };
  let secret: string;
  let recovery: string[];
  beforeAll(async () => {
    user = await newUser('totp@example.com');
    ({ secret, recovery } = await enrolled(user));
    nextStep();
  });

  it('answers 401 mfa_required and sets no cookie for the password alone', async () => {
    const res = await sessionCaller(app).request('POST', '/api/v1/session', user);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ mfa_required: true, methods: ['totp'], code: 'mfa_required' });
    expect(res.body.passkey_options).toBeUndefined();
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a wrong code with 401 and no cookie; a wrong password with a right code too', async () => {
    const res = await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: wrong(code(secret)) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ mfa_required: true, code: 'mfa_rejected' });
    expect(res.headers.get('set-cookie')).toBeNull();
    const badPassword = await sessionCaller(app).request('POST', '/api/v1/session', { email: user.email, password: 'not the password', code: code(secret) });
    expect(badPassword.status).toBe(401);
    expect(badPassword.body.mfa_required).toBeUndefined();
  });

  it('signs in with the current code, once: the same code again is refused', async () => {
    const current = code(secret);
    const c = await signedIn(user, { code: current });
    expect((await c.request('GET', '/api/v1/session')).status).toBe(200);
    const again = await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: current });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('mfa_rejected');
  });

  it('takes a code of the step before or after (clock drift), never an older one than the last taken', async () => {
    nextStep();
    const previous = code(secret, clock.now() - 30_000);
    // The previous step's code was the one just used: refused.
    expect((await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: previous })).status).toBe(401);
    const ahead = code(secret, clock.now() + 30_000);
    await signedIn(user, { code: ahead });
    // Now the current step is older than the last taken one.
    expect((await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: code(secret) })).status).toBe(401);
    nextStep();
    nextStep();
    const stale = code(secret, clock.now() - 60_000);
    expect((await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: stale })).status).toBe(401);
    await signedIn(user, { code: code(secret) });
  });

  it('signs in with a recovery code, in any case and without dashes, once', async () => {
    const r = recovery[3]!;
    await signedIn(user, { code: r.toLowerCase().replace(/-/g, '') });
    const again = await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: r });
    expect(again.status).toBe(401);
    const c = await signedIn(user, { code: recovery[4] });
    expect((await c.request('GET', '/api/v1/session/mfa')).body.recovery_codes_left).toBe(8);
  });

  it('records MFA sign-ins in the audit log and in keepwatch_sign_ins_total{method="mfa"}', async () => {
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${await app.token('read')}` } }).then((r) => r.text());
    const count = (outcome: string) => Number(new RegExp(`keepwatch_sign_ins_total\\{method="mfa",outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count('success')).toBeGreaterThanOrEqual(4);
    expect(count('failure')).toBeGreaterThanOrEqual(4);
    const audit = await app.kw.database.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'session.sign_in%').execute();
    const events = audit.map((a) => ({ action: a.action, ...(JSON.parse(a.details ?? '{}') as { method?: string; factor?: string }) }));
    expect(events.some((e) => e.action === 'session.sign_in' && e.method === 'mfa' && e.factor === 'totp')).toBe(true);
    expect(events.some((e) => e.action === 'session.sign_in' && e.method === 'mfa' && e.factor === 'recovery_code')).toBe(true);
    expect(events.some((e) => e.action === 'session.sign_in_failed' && e.method === 'mfa' && e.factor === 'totp')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(recovery[5]!);
  });

  it('keeps API tokens working unchanged', async () => {
    expect((await app.request('GET', '/api/v1/clients')).status).toBe(200);
  });
});

describe('throttling', () => {
  it('counts wrong codes as failed sign-ins: the sixth try is 429 even with the right code', async () => {
    const user = await newUser('guessed-code@example.com');
    const { secret } = await enrolled(user);
    nextStep();
    const statuses: number[] = [];
    const guess = () => sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: wrong(code(secret)) });
    for (let i = 0; i < 4; i++) statuses.push((await guess()).status);
    // The right password alone neither counts nor resets the count.
    const bare = await sessionCaller(app).request('POST', '/api/v1/session', user);
    expect([bare.status, bare.body.code]).toEqual([401, 'mfa_required']);
    statuses.push((await guess()).status);
    const blocked = await sessionCaller(app).request('POST', '/api/v1/session', { ...user, code: code(secret) });
    expect([...statuses, blocked.status]).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    await signedIn(user, { code: code(secret) });
  });
});

describe('turning TOTP off', () => {
  it('needs a current code or a recovery code; then the password alone signs in again', async () => {
    const user = await newUser('off@example.com');
    const { secret, recovery } = await enrolled(user);
    nextStep();
    const c = await signedIn(user, { code: code(secret) });
    nextStep();
    const bad = await c.request('DELETE', '/api/v1/session/mfa/totp', { code: wrong(code(secret)) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('code');
    expect((await c.request('DELETE', '/api/v1/session/mfa/totp', {})).status).toBe(400);
    expect((await c.request('DELETE', '/api/v1/session/mfa/totp', { code: recovery[0] })).status).toBe(204);
    expect((await c.request('GET', '/api/v1/session/mfa')).body).toMatchObject({ totp: false, recovery_codes_left: 0 });
    await signedIn(user);
    expect((await c.request('DELETE', '/api/v1/session/mfa/totp', { code: code(secret) })).status).toBe(404);
  });
});

describe('wrong codes of a signed-in user', () => {
  it('are limited too: the sixth try to turn TOTP off is 429', async () => {
    const user = await newUser('stolen-cookie@example.com');
    const { secret } = await enrolled(user);
    nextStep();
    const c = await signedIn(user, { code: code(secret) });
    nextStep();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.request('DELETE', '/api/v1/session/mfa/totp', { code: wrong(code(secret)) })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect((await c.request('DELETE', '/api/v1/session/mfa/totp', { code: code(secret) })).status).toBe(429);
    expect((await c.request('GET', '/api/v1/session/mfa')).body.totp).toBe(true);
  });
});

describe("an owner's reset of a user's factors", () => {
  it('removes them and ends the user’s sessions; only owners, 404 for an unknown user', async () => {
    const user = await newUser('lost-phone@example.com');
    const { secret } = await enrolled(user);
    nextStep();
    const old = await signedIn(user, { code: code(secret) });
    const id = (await app.kw.database.db.selectFrom('users').select('id').where('email', '=', user.email).executeTakeFirstOrThrow()).id;
    const owner = await signedIn(OWNER);
    const operator = await signedIn(await newUser('not-an-owner@example.com', 'operator'));
    expect((await operator.request('DELETE', `/api/v1/users/${id}/mfa`)).status).toBe(403);
    expect((await owner.request('DELETE', '/api/v1/users/no-such-user/mfa')).status).toBe(404);
    expect((await owner.request('DELETE', `/api/v1/users/${id}/mfa`)).status).toBe(204);
    expect((await old.request('GET', '/api/v1/session')).status).toBe(401);
    const fresh = await signedIn(user);
    expect((await fresh.request('GET', '/api/v1/session/mfa')).body).toMatchObject({ totp: false, passkeys: 0, recovery_codes_left: 0 });
    const audit = await app.kw.database.db.selectFrom('audit_log').select('action').where('action', '=', 'mfa.reset').where('target_id', '=', id).execute();
    expect(audit).toHaveLength(1);
  });
});

describe('MFA required for everyone', () => {
  let owner: SessionCaller;
  beforeAll(async () => {
    owner = await signedIn(OWNER);
  });
  afterAll(async () => {
    expect((await owner.request('PUT', '/api/v1/settings/mfa', { required: false })).status).toBe(200);
  });

  it('is an owners’ switch', async () => {
    expect((await owner.request('GET', '/api/v1/settings/mfa')).body).toEqual({ required: false });
    const operator = await signedIn(await newUser('operator@example.com', 'operator'));
    expect((await operator.request('PUT', '/api/v1/settings/mfa', { required: true })).status).toBe(403);
    const missing = await owner.request('PUT', '/api/v1/settings/mfa', {});
    expect([missing.status, missing.body.errors?.[0]?.field]).toEqual([400, 'required']);
    expect((await owner.request('PUT', '/api/v1/settings/mfa', { required: true })).body).toEqual({ required: true });
    expect((await owner.request('GET', '/api/v1/settings/mfa')).body).toEqual({ required: true });
  });

  it('gives a user without MFA a session that may only enrol, until they do', async () => {
    const user = await newUser('late@example.com');
    const c = await signedIn(user);
    const session = await c.request('GET', '/api/v1/session');
    expect([session.status, session.body.mfa_enrolment_required]).toEqual([200, true]);
    const refused = await c.request('GET', '/api/v1/clients');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('mfa_enrolment_required');
    expect((await c.request('GET', '/api/v1/session/sessions')).status).toBe(403);
    expect((await c.request('POST', '/api/v1/session/password', { current_password: user.password, new_password: 'another password 1' })).status).toBe(403);
    expect((await c.request('GET', '/api/v1/session/mfa')).body).toMatchObject({ required: true, enrolment_required: true, totp: false });

    const begun = await c.request('POST', '/api/v1/session/mfa/totp');
    expect(begun.status).toBe(200);
    expect((await c.request('GET', '/api/v1/clients')).status).toBe(403);
    expect((await c.request('POST', '/api/v1/session/mfa/totp/confirm', { code: code(begun.body.secret) })).status).toBe(200);
    // The same session may do everything now.
    expect((await c.request('GET', '/api/v1/clients')).status).toBe(200);
    expect((await c.request('GET', '/api/v1/session')).body.mfa_enrolment_required).toBe(false);
    nextStep();
    // And the next sign-in asks for the code.
    expect((await sessionCaller(app).request('POST', '/api/v1/session', user)).body.code).toBe('mfa_required');
    const full = await signedIn(user, { code: code(begun.body.secret) });
    expect((await full.request('GET', '/api/v1/session')).body.mfa_enrolment_required).toBe(false);
    // The last factor may not be removed while MFA is required.
    nextStep();
    expect((await full.request('DELETE', '/api/v1/session/mfa/totp', { code: code(begun.body.secret) })).status).toBe(409);
  });

  it('leaves API tokens and the sign-out of an enrolling session alone', async () => {
    expect((await app.request('GET', '/api/v1/clients')).status).toBe(200);
    const c = await signedIn(await newUser('leaving@example.com'));
    expect((await c.request('DELETE', '/api/v1/session')).status).toBe(204);
    expect((await c.request('GET', '/api/v1/session')).status).toBe(401);
  });
});
