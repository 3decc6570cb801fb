// Single sign-on in a real browser (issue #24): the sign-in page offers "Sign in with SSO", the
// identity provider (a real OpenID Connect provider on 127.0.0.1, test/helpers/oidc-idp.ts) shows
// its login page, and the person lands signed in on the console; Settings shows the session, and
// an owner's Settings → Single sign-on shows the redirect URI to register.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { freePort, startIdp, type TestIdp } from '../helpers/oidc-idp.js';

const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let app: TestApp;
let idp: TestIdp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureConsoleBuilt();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startIdp({ redirectUris: [`${publicUrl}/auth/oidc/callback`], accounts: { alice: { email: 'alice@example.com', email_verified: true, name: 'Alice' } } });
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_PORT: String(port), KEEPWATCH_PUBLIC_URL: publicUrl } });
  const owner = sessionCaller(app);
  expect((await owner.request('POST', '/api/v1/setup', OWNER)).status).toBe(201);
  await app.kw.services.users.create(SYSTEM, { email: 'alice@example.com', password: 'alice password 1', role: 'operator', name: 'Alice', clientIds: null });
  const sso = await owner.request('PUT', '/api/v1/sso', {
    enabled: true,
    issuer: idp.issuer,
    client_id: idp.clientId,
    client_secret: idp.clientSecret,
    allowed_domains: ['example.com'],
    default_role: 'viewer',
    auto_create: false,
    password_sign_in: true,
  });
  expect(sso.status).toBe(200);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
});

describe('single sign-on in the console', { timeout: 120_000 }, () => {
  it('signs in with "Sign in with SSO" at the identity provider and lands on / signed in', async () => {
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('anything at all');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL((u) => u.origin === app.url && u.pathname === '/');
    await page.getByRole('link', { name: 'Devices' }).first().waitFor();
    const cookies = await browser.context.cookies(app.url);
    const session = cookies.find((c) => c.name === 'kw_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    const me = await fetch(`${app.url}/api/v1/session`, { headers: { cookie: `kw_session=${session!.value}` } }).then((r) => r.json() as Promise<any>);
    expect(me.user).toMatchObject({ email: 'alice@example.com', role: 'operator' });
  });

  it('lists the session under Settings → Sessions and revokes another one', async () => {
    const other = sessionCaller(app);
    expect((await other.request('POST', '/api/v1/session', { email: 'alice@example.com', password: 'alice password 1' }, { 'user-agent': 'Other Browser 1.0' })).status).toBe(200);
    await page.goto(`${app.url}/settings/sessions`);
    const rows = page.getByTestId('session-row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.filter({ hasText: 'single sign-on' }).getByText('this browser').waitFor();
    await rows.filter({ hasText: 'Other Browser 1.0' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect((await other.request('GET', '/api/v1/session')).status).toBe(401);
  });

  it("shows an owner the redirect URI to register, and the sign-in page's SSO error page links back", async () => {
    const owner = await signedInPage(app.url, OWNER);
    try {
      await owner.page.goto(`${app.url}/settings/sso`);
      await expect.poll(() => owner.page.getByTestId('sso-redirect-uri').textContent()).toBe(`${app.url}/auth/oidc/callback`);
      await owner.page.getByLabel('Client secret').waitFor();
      expect(await owner.page.getByLabel('Client secret').inputValue()).toBe('***');
      await owner.page.getByLabel('Issuer URL').fill('http://idp.example.com');
      await owner.page.getByRole('button', { name: 'Save single sign-on' }).click();
      await owner.page.getByText('must be an https URL').waitFor();
    } finally {
      await owner.browser.close();
    }
    await page.goto(`${app.url}/auth/oidc/callback?state=forged&code=x`);
    await page.getByText('bad or missing state').waitFor();
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
  });
});
