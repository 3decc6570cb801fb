// Passkeys in a real browser (issue #24): Chromium's virtual authenticator (CDP WebAuthn domain)
// stands in for Windows Hello / Touch ID. A user registers a passkey in Settings → Security, signs
// out, and signs in with the password and then "Use a passkey"; with "MFA required for everyone",
// a user without a factor is led to set one up at sign-in and reaches the console once they have.
// WebAuthn needs a secure context and a domain for the relying party: the console is served as
// http://localhost:<port>, which is KEEPWATCH_PUBLIC_URL here.
import { Secret, TOTP } from 'otpauth';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from '../helpers/browser.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { freePort } from '../helpers/oidc-idp.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const ALICE = { email: 'alice@example.com', password: 'alice password 1' };
const BOB = { email: 'bob@example.com', password: 'bob password 1' };
const CAROL = { email: 'carol@example.com', password: 'carol password 1' };
let app: TestApp;
let publicUrl: string;
let browser: Browser;

beforeAll(async () => {
  ensureConsoleBuilt();
  const port = await freePort();
  publicUrl = `http://localhost:${port}`;
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_PORT: String(port), KEEPWATCH_PUBLIC_URL: publicUrl } });
  expect((await sessionCaller(app).request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
  for (const u of [ALICE, BOB, CAROL]) await app.kw.services.users.create(SYSTEM, { email: u.email, password: u.password, role: 'operator', name: null, clientIds: null });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page with its own virtual platform authenticator (user-verifying, resident keys). */
async function pageWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { page, cdp, authenticatorId };
}

async function signInWithPassword(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function auditOf(userEmail: string): Promise<Array<{ action: string; method?: string; factor?: string }>> {
  const user = (await app.kw.database.db.selectFrom('users').select('id').where('email', '=', userEmail).executeTakeFirstOrThrow()).id;
  const rows = await app.kw.database.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', user).execute();
  return rows.map((r) => ({ action: r.action, ...(JSON.parse(r.details ?? '{}') as { method?: string; factor?: string }) }));
}

describe('passkeys in the console', { timeout: 120_000 }, () => {
  it('registers a passkey in Settings → Security, then signs in with the password and the passkey', async () => {
    const { page, cdp, authenticatorId } = await pageWithAuthenticator();
    await page.goto(publicUrl);
    await signInWithPassword(page, ALICE);
    await page.getByRole('link', { name: 'Devices' }).first().waitFor();

    await page.goto(`${publicUrl}/settings/security`);
    await page.getByLabel('Passkey name').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByTestId('passkey-row').filter({ hasText: 'Test laptop' }).waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    const stored = await app.kw.database.db.selectFrom('mfa_passkeys').selectAll().execute();
    expect(stored.map((p) => [p.name, p.credential_id])).toEqual([['Test laptop', Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url')]]);

    // Sign out from the account menu.
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // The password alone is not enough now: the second step offers the passkey (no app is set up).
    await signInWithPassword(page, ALICE);
    await page.getByText('Confirm it’s you').waitFor();
    await expect.poll(() => page.getByLabel('Code').count()).toBe(0);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('link', { name: 'Devices' }).first().waitFor();
    expect((await browser.context.cookies(publicUrl)).some((c) => c.name === 'kw_session')).toBe(true);

    const after = await app.kw.database.db.selectFrom('mfa_passkeys').select(['last_used_at']).executeTakeFirstOrThrow();
    expect(after.last_used_at).not.toBeNull();
    const events = await auditOf(ALICE.email);
    expect(events.some((e) => e.action === 'mfa.passkey_added')).toBe(true);
    expect(events.some((e) => e.action === 'session.sign_in' && e.method === 'mfa' && e.factor === 'passkey')).toBe(true);
    await page.close();
  });

  it('refuses a made-up or replayed assertion over the API, and the password alone', async () => {
    const bare = await sessionCaller(app).request('POST', '/api/v1/session', ALICE);
    expect(bare.status).toBe(401);
    expect(bare.body).toMatchObject({ mfa_required: true, methods: ['passkey'] });
    expect(bare.body.passkey_options.rpId).toBe('localhost');
    expect(bare.body.passkey_options.allowCredentials).toHaveLength(1);
    const fake = {
      id: bare.body.passkey_options.allowCredentials[0].id,
      rawId: bare.body.passkey_options.allowCredentials[0].id,
      type: 'public-key',
      response: {
        clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: bare.body.passkey_options.challenge, origin: publicUrl })).toString('base64url'),
        authenticatorData: 'AAAA',
        signature: 'AAAA',
      },
      clientExtensionResults: {},
    };
    const forged = await sessionCaller(app).request('POST', '/api/v1/session', { ...ALICE, passkey: fake });
    expect([forged.status, forged.body.code]).toEqual([401, 'mfa_rejected']);
    expect(forged.headers.get('set-cookie')).toBeNull();
    // The challenge was used by the forged attempt: it answers nothing again.
    const replay = await sessionCaller(app).request('POST', '/api/v1/session', { ...ALICE, passkey: fake });
    expect(replay.body.detail).toMatch(/no current challenge/);
  });

  it('leads a user without a factor to set one up when MFA is required, then into the console', async () => {
    const owner = sessionCaller(app);
    await owner.signIn(OWNER.email, OWNER.password);
    expect((await owner.request('PUT', '/api/v1/settings/mfa', { required: true })).status).toBe(200);
    try {
      await browser.context.clearCookies();
      const { page } = await pageWithAuthenticator();
      await page.goto(publicUrl);
      await signInWithPassword(page, BOB);
      await page.getByText('Set up multi-factor sign-in').waitFor();
      await expect.poll(() => page.getByRole('link', { name: 'Devices' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByRole('link', { name: 'Devices' }).first().waitFor();
      expect((await app.kw.database.db.selectFrom('mfa_passkeys').select('name').execute()).map((p) => p.name)).toContain('Passkey 1');
      await page.close();
    } finally {
      expect((await owner.request('PUT', '/api/v1/settings/mfa', { required: false })).status).toBe(200);
    }
  });

  it('sets up an authenticator app in Settings → Security, shows the recovery codes once, and asks for a code at sign-in', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(publicUrl);
    await signInWithPassword(page, CAROL);
    await page.getByRole('link', { name: 'Devices' }).first().waitFor();
    await page.goto(`${publicUrl}/settings/security`);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(await page.getByTestId('totp-url').textContent()).toContain(`secret=${secret}`);
    const code = TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() });
    await page.getByLabel('Code from the app').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    const shown = page.getByTestId('recovery-codes').locator('code');
    await shown.first().waitFor();
    const recovery = await shown.allTextContents();
    expect(recovery).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByTestId('totp').getByText('On', { exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('recovery-codes').count()).toBe(0);

    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await signInWithPassword(page, CAROL);
    await page.getByText('Confirm it’s you').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Use a passkey' }).count()).toBe(0);
    await page.getByLabel('Code').fill('not-a-recovery-code');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('wrong or already used recovery code').waitFor();
    await page.getByLabel('Code').fill(recovery[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('link', { name: 'Devices' }).first().waitFor();
    await page.close();
  });
});
