// Ping URLs in the console (issue #20): the client page shows the client's ping key with a copy
// button and regenerates it; the check editor shows the check's URLs by key and by name, and what
// its Copy buttons put on the clipboard really pings the check. `/log` lines show on the device page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, signedInPage } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let made: { id: string; device_id: string; client_id: string };

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await app.kw.services.users.create(SYSTEM, { ...OWNER, role: 'owner', clientIds: null });
  const res = await app.request('POST', '/api/v1/checks', {
    body: { name: 'Nightly backup', client: 'Pingers Ltd', device: { name: 'FS 01' }, schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(res.status).toBe(201);
  made = res.body;
  ({ browser, page } = await signedInPage(app.url, OWNER));
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const pingKey = async () => (await app.request('GET', `/api/v1/clients/${made.client_id}`)).body.ping_key as string;
const jobCount = async () => (await app.request('GET', `/api/v1/devices/${made.device_id}/jobs?check=${made.id}`)).body.items.length as number;
// A string, not a function: the tests are type-checked without the DOM's types.
const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');

describe('ping URLs in the console', { timeout: 120_000 }, () => {
  it('shows the client ping key with a copy button, and regenerates it', async () => {
    const before = await pingKey();
    await page.goto(`${app.url}/clients/${made.client_id}`);
    await expect.poll(() => page.getByTestId('ping-key').textContent()).toBe(before);
    await page.getByRole('button', { name: 'Copy Ping key' }).click();
    await expect.poll(clipboard).toBe(before);

    await page.getByRole('button', { name: 'Regenerate ping key' }).click();
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await expect.poll(() => page.getByTestId('ping-key').textContent()).not.toBe(before);
    const after = await pingKey();
    expect(after).not.toBe(before);
    expect(await page.getByTestId('ping-key').textContent()).toBe(after);
  });

  it('shows the check’s URLs by key and by name in the editor, and the copied ones ping the check', async () => {
    await page.goto(`${app.url}/devices/${made.device_id}`);
    await page.getByRole('button', { name: 'Edit Nightly backup' }).click();
    const byName = `http://keepwatch.test/ping/${await pingKey()}/FS%2001/Nightly%20backup`;
    await expect.poll(() => page.getByTestId('ping-url-by-name').textContent()).toBe(byName);
    const byKey = (await app.request('GET', `/api/v1/checks/${made.id}`)).body.ping_url as string;
    expect(await page.getByTestId('ping-url-by-key').textContent()).toBe(byKey);

    // The public URL of the test app is not where it listens: ping the copied path on the app.
    await page.getByRole('button', { name: 'Copy By name' }).click();
    await expect.poll(clipboard).toBe(byName);
    expect((await app.request('HEAD', new URL(await clipboard()).pathname, { token: null })).status).toBe(200);
    await page.getByRole('button', { name: 'Copy By check key' }).click();
    await expect.poll(clipboard).toBe(byKey);
    expect((await app.request('GET', `${new URL(await clipboard()).pathname}/fail`, { token: null })).status).toBe(200);
    expect(await jobCount()).toBe(2);
  });

  it('shows /log messages on the device page without adding a recovery point', async () => {
    const jobs = await jobCount();
    const path = `/ping/${await pingKey()}/fs%2001/nightly%20backup/log`;
    const res = await app.request('POST', path, { token: null, rawBody: 'copied 1,204 of 3,000 files', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    await page.goto(`${app.url}/devices/${made.device_id}`);
    await page.getByTestId('ping-logs').getByText('copied 1,204 of 3,000 files').waitFor();
    expect(await jobCount()).toBe(jobs);
  });
});
