// The owner's sign-in console in a real browser (issue #24): Settings → Single sign-on edits the
// claim → role and group → clients mappings (a user then made by single sign-on through a real
// OpenID Connect provider, test/helpers/oidc-idp.ts, gets them), and a server 400 shows next to
// the field it names; Settings → Users signs a user out everywhere, resets their MFA, and switches
// an owner's break-glass flag, which decides whether they keep password sign-in.
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { type SessionCaller, sessionCaller } from '../helpers/browser-session.js';
import { freePort, startIdp, type TestIdp } from '../helpers/oidc-idp.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const BOB = { email: 'bob@example.com', password: 'bob password 12' };
const OLGA = { email: 'olga@example.com', password: 'olga password 12' };
let app: TestApp;
let idp: TestIdp;
let owner: { browser: Browser; page: Page };
let ownerApi: SessionCaller;
let acmeId: string;

beforeAll(async () => {
  ensureConsoleBuilt();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startIdp({
    redirectUris: [`${publicUrl}/auth/oidc/callback`],
    accounts: {
      dana: { email: 'dana@example.com', email_verified: true, name: 'Dana', roles: ['Staff', 'Keepwatch.Admins'], groups: ['acme-techs'] },
    },
  });
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_PORT: String(port), KEEPWATCH_PUBLIC_URL: publicUrl } });
  ownerApi = sessionCaller(app);
  expect((await ownerApi.request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
  await app.kw.services.users.create(SYSTEM, { email: BOB.email, password: BOB.password, role: 'operator', name: 'Bob', clientIds: null });
  await app.kw.services.users.create(SYSTEM, { email: OLGA.email, password: OLGA.password, role: 'owner', name: 'Olga', clientIds: null });
  // Two clients, made the ordinary way: a job names them.
  for (const client of ['Acme Ltd', 'Globex']) {
    const job = { source: 's', external_id: `j-${client}`, client, device: { name: `${client} SRV`, class: 'server' }, check: { name: 'Nightly', kind: 'backup' }, status: 'succeeded', started_at: '2026-11-20T01:00:00Z', ended_at: '2026-11-20T01:10:00Z' };
    expect((await app.request('POST', '/api/v1/jobs', { body: { jobs: [job] } })).status).toBeLessThan(300);
  }
  acmeId = (await app.request('GET', '/api/v1/clients?limit=500')).body.items.find((c: any) => c.name === 'Acme Ltd').id;
  const sso = await ownerApi.request('PUT', '/api/v1/sso', {
    enabled: true,
    issuer: idp.issuer,
    client_id: idp.clientId,
    client_secret: idp.clientSecret,
    allowed_domains: ['example.com'],
    default_role: 'viewer',
    auto_create: true,
    password_sign_in: true,
  });
  expect(sso.status).toBe(200);
  owner = await signedInPage(app.url, OWNER);
}, 180_000);
afterAll(async () => {
  await owner?.browser.close();
  await app?.close();
  await idp?.close();
});

describe('sign-in administration in the console', { timeout: 120_000 }, () => {
  it('shows a 400 about the role claim next to the claim field, and saves nothing', async () => {
    const { page } = owner;
    await page.goto(`${app.url}/settings/sso`);
    const roles = page.getByTestId('sso-role-claim');
    await roles.getByRole('button', { name: 'Add a claim value' }).click();
    await page.getByLabel('Claim value 1', { exact: true }).fill('Keepwatch.Admins');
    // No claim name beside a mapped value: the server's schema refuses `role_claim.claim`.
    await page.getByRole('button', { name: 'Save single sign-on' }).click();
    const claimField = page.getByLabel('Role claim');
    await expect.poll(() => claimField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await claimField.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.includes('error'));
    expect(errorId).toBeTruthy();
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/fewer than 1 character/);
    expect((await ownerApi.request('GET', '/api/v1/sso')).body.role_claim).toBeNull();
  });

  it('saves a claim → role and a group → clients mapping, and a user made by single sign-on gets them', async () => {
    const { page } = owner;
    await page.goto(`${app.url}/settings/sso`);
    await page.getByLabel('Role claim').fill('roles');
    await page.getByTestId('sso-role-claim').getByRole('button', { name: 'Add a claim value' }).click();
    await page.getByLabel('Claim value 1', { exact: true }).fill('Keepwatch.Admins');
    await page.getByRole('combobox', { name: 'Role for claim value 1' }).click();
    await page.getByRole('option', { name: /^admin/ }).click();
    // A second row, then removed: only the rows left are saved.
    await page.getByTestId('sso-role-claim').getByRole('button', { name: 'Add a claim value' }).click();
    await page.getByLabel('Claim value 2', { exact: true }).fill('Staff');
    await page.getByRole('button', { name: 'Remove claim value 2' }).click();
    await expect.poll(() => page.getByTestId('sso-role-row').count()).toBe(1);

    await page.getByLabel('Group claim').fill('groups');
    await page.getByTestId('sso-group-clients').getByRole('button', { name: 'Add a group' }).click();
    await page.getByLabel('Group 1', { exact: true }).fill('acme-techs');
    await page.getByRole('combobox', { name: 'Clients of group 1' }).click();
    await page.getByRole('option', { name: 'Acme Ltd', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save single sign-on' }).click();
    await page.getByText('Saved.').waitFor();

    const stored = (await ownerApi.request('GET', '/api/v1/sso')).body;
    expect(stored.role_claim).toEqual({ claim: 'roles', values: { 'Keepwatch.Admins': 'admin' } });
    expect(stored.group_clients).toEqual({ claim: 'groups', groups: { 'acme-techs': [acmeId] } });
    expect(stored.client_secret).toBe('***');
    // The form shows what is stored after a reload.
    await page.reload();
    await expect.poll(() => page.getByLabel('Claim value 1', { exact: true }).inputValue()).toBe('Keepwatch.Admins');
    expect(await page.getByRole('combobox', { name: 'Role for claim value 1' }).inputValue()).toMatch(/^admin/);
    await page.getByTestId('sso-group-row').getByText('Acme Ltd').waitFor();

    // Dana signs in through the identity provider for the first time, in another browser.
    const other = await launchBrowser();
    try {
      const p = await other.context.newPage();
      p.setDefaultTimeout(20_000);
      await p.goto(app.url);
      await p.getByRole('link', { name: 'Sign in with SSO' }).click();
      await p.waitForURL((u) => u.origin === idp.issuer);
      await p.locator('input[name="login"]').fill('dana');
      await p.locator('input[name="password"]').fill('anything at all');
      await p.getByRole('button', { name: 'Sign-in' }).click();
      await p.waitForURL((u) => u.origin === app.url && u.pathname === '/');
      await p.getByRole('link', { name: 'Devices' }).first().waitFor();
      const cookie = (await other.context.cookies(app.url)).find((c) => c.name === 'kw_session')!;
      const me = await fetch(`${app.url}/api/v1/session`, { headers: { cookie: `kw_session=${cookie.value}` } }).then((r) => r.json() as Promise<any>);
      expect(me.user).toMatchObject({ email: 'dana@example.com', role: 'admin', client_ids: [acmeId] });
    } finally {
      await other.close();
    }
  });

  it('signs a user out everywhere: their next API call answers 401', async () => {
    const bob = sessionCaller(app);
    expect((await bob.signIn(BOB.email, BOB.password)).status).toBe(200);
    const bob2 = sessionCaller(app);
    expect((await bob2.signIn(BOB.email, BOB.password)).status).toBe(200);
    expect((await bob.request('GET', '/api/v1/clients')).status).toBe(200);

    const { page } = owner;
    await page.goto(`${app.url}/settings/users`);
    const row = page.getByTestId('user-row').filter({ hasText: BOB.email });
    // Cancelling the confirmation ends nothing.
    await row.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await bob.request('GET', '/api/v1/clients')).status).toBe(200);
    await row.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await row.getByText('2 sessions ended.').waitFor();
    expect((await bob.request('GET', '/api/v1/clients')).status).toBe(401);
    expect((await bob2.request('GET', '/api/v1/session')).status).toBe(401);
    // The owner's own row offers neither (their own sessions are under Settings → Sessions), and they are still signed in.
    await expect.poll(() => page.getByTestId('user-row').filter({ hasText: OWNER.email }).getByRole('button', { name: 'Sign out everywhere' }).count()).toBe(0);
    expect((await ownerApi.request('GET', '/api/v1/session')).status).toBe(200);
  });

  it("resets a user's MFA: they sign in with the password alone again", async () => {
    const bob = sessionCaller(app);
    expect((await bob.signIn(BOB.email, BOB.password)).status).toBe(200);
    const { body: enrol } = await bob.request('POST', '/api/v1/session/mfa/totp');
    const totp = new TOTP({ secret: Secret.fromBase32(enrol.secret) });
    expect((await bob.request('POST', '/api/v1/session/mfa/totp/confirm', { code: totp.generate() })).status).toBe(200);
    const asked = await sessionCaller(app).signIn(BOB.email, BOB.password);
    expect([asked.status, asked.body.mfa_required]).toEqual([401, true]);

    const { page } = owner;
    await page.goto(`${app.url}/settings/users`);
    const row = page.getByTestId('user-row').filter({ hasText: BOB.email });
    await row.getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset MFA' }).click();
    await row.getByText('Second factors removed; their sessions ended.').waitFor();
    expect((await bob.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await sessionCaller(app).signIn(BOB.email, BOB.password)).status).toBe(200);
  });

  it('switches break-glass on and off for an owner, and it decides password sign-in when single sign-on switches it off', async () => {
    expect((await ownerApi.request('PUT', '/api/v1/sso', { password_sign_in: false })).status).toBe(200);
    expect((await sessionCaller(app).signIn(OLGA.email, OLGA.password)).status).toBe(403);

    const { page } = owner;
    await page.goto(`${app.url}/settings/users`);
    const olga = page.getByRole('switch', { name: `Break-glass ${OLGA.email}` });
    expect(await olga.isChecked()).toBe(false);
    // Only owners can be break-glass: an operator's row has no switch.
    await expect.poll(() => page.getByRole('switch', { name: `Break-glass ${BOB.email}` }).count()).toBe(0);
    await olga.hover();
    await page.getByText(/keeps password sign-in when single sign-on switches it off/).waitFor();

    await olga.click();
    await expect.poll(() => olga.isChecked()).toBe(true);
    await expect.poll(async () => (await ownerApi.request('GET', '/api/v1/users')).body.items.find((u: any) => u.email === OLGA.email).break_glass).toBe(true);
    expect((await sessionCaller(app).signIn(OLGA.email, OLGA.password)).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.getByRole('switch', { name: `Break-glass ${OLGA.email}` }).isChecked()).toBe(true);

    await page.getByRole('switch', { name: `Break-glass ${OLGA.email}` }).click();
    await expect.poll(async () => (await ownerApi.request('GET', '/api/v1/users')).body.items.find((u: any) => u.email === OLGA.email).break_glass).toBe(false);
    // The switch is controlled: it shows the answer once the users query has been read again.
    await expect.poll(() => page.getByRole('switch', { name: `Break-glass ${OLGA.email}` }).isChecked()).toBe(false);
    expect((await sessionCaller(app).signIn(OLGA.email, OLGA.password)).status).toBe(403);
    expect((await ownerApi.request('PUT', '/api/v1/sso', { password_sign_in: true })).status).toBe(200);
  });

  it('offers none of this to a user who is not an owner', async () => {
    // Independent of the test before, which switches password sign-in off and on again.
    expect((await ownerApi.request('PUT', '/api/v1/sso', { password_sign_in: true })).status).toBe(200);
    const operator = await signedInPage(app.url, BOB);
    try {
      await operator.page.goto(`${app.url}/settings/users`);
      await operator.page.getByRole('tab', { name: 'Sessions' }).waitFor();
      await expect.poll(() => operator.page.getByRole('tab', { name: 'Users' }).count()).toBe(0);
      await expect.poll(() => operator.page.getByRole('button', { name: 'Sign out everywhere' }).count()).toBe(0);
      await expect.poll(() => operator.page.getByRole('switch').count()).toBe(0);
    } finally {
      await operator.browser.close();
    }
  });
});
