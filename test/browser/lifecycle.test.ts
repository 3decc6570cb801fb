// Objects have a lifecycle, in the console (issue #16): rename and delete a device and a client
// (after a confirmation), edit a check's grace, and remove the demo estate, in a real browser.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, signedInPage } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
const ids: Record<string, { device_id: string; check_id: string }> = {};

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await app.kw.services.users.create(SYSTEM, { ...OWNER, role: 'owner', clientIds: null });
  await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Shortlived Co', device: { name: 'SL-01' }, started_at: new Date(Date.now() - 3_600_000).toISOString(), ended_at: new Date(Date.now() - 60_000).toISOString() }) });
  for (const name of ['LC-OLD', 'LC-GRACE']) {
    const now = Date.now();
    const res = await app.request('POST', '/api/v1/jobs', {
      body: jobReport({ client: 'Lifecycle Co', device: { name, class: 'server', type: 'vm' }, started_at: new Date(now - 3_600_000).toISOString(), ended_at: new Date(now - 60_000).toISOString() }),
    });
    ids[name] = res.body.items[0];
  }
  ({ browser, page } = await signedInPage(app.url, OWNER));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('lifecycle in the console', { timeout: 120_000 }, () => {
  it('renames a device, then deletes it only once the deletion is confirmed', async () => {
    await page.goto(`${app.url}/devices`);
    await page.getByRole('link', { name: 'LC-OLD' }).waitFor();
    await page.getByRole('button', { name: 'Actions for LC-OLD' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    await page.getByRole('dialog').getByLabel('New name').fill('LC-NEW');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('link', { name: 'LC-NEW' }).waitFor();
    expect((await app.request('GET', `/api/v1/devices/${ids['LC-OLD']!.device_id}`)).body.name).toBe('LC-NEW');

    // Cancelling the confirmation deletes nothing.
    await page.getByRole('button', { name: 'Actions for LC-NEW' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByText(/cannot be undone/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect((await app.request('GET', `/api/v1/devices/${ids['LC-OLD']!.device_id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Actions for LC-NEW' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete device' }).click();
    await page.getByRole('link', { name: 'LC-NEW' }).waitFor({ state: 'detached' });
    expect((await app.request('GET', `/api/v1/devices/${ids['LC-OLD']!.device_id}`)).status).toBe(404);
  });

  it("edits a check's grace from the device page", async () => {
    await page.goto(`${app.url}/devices/${ids['LC-GRACE']!.device_id}`);
    await page.getByRole('button', { name: 'Edit Nightly backup' }).click();
    await page.getByLabel('Grace (minutes)').fill('90');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByLabel('Grace (minutes)').waitFor({ state: 'detached' });
    expect((await app.request('GET', `/api/v1/checks/${ids['LC-GRACE']!.check_id}`)).body.grace_seconds).toBe(5400);
  });
  it('renames a client, then deletes it with its device once the deletion is confirmed', async () => {
    const client = (await app.request('GET', '/api/v1/clients?q=shortlived')).body.items[0];
    await page.goto(`${app.url}/clients/${client.id}`);
    await page.getByRole('button', { name: 'Rename client Shortlived Co' }).click();
    await page.getByRole('dialog').getByLabel('New name').fill('Brief Co');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Brief Co' }).first().waitFor();
    expect((await app.request('GET', `/api/v1/clients/${client.id}`)).body.name).toBe('Brief Co');

    await page.getByRole('button', { name: 'Delete client' }).click();
    await page.getByRole('dialog').getByText(/still holds 1 device/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete client' }).click();
    await page.waitForURL(`${app.url}/clients`);
    expect((await app.request('GET', `/api/v1/clients/${client.id}`)).status).toBe(404);
    expect((await app.request('GET', '/api/v1/devices?q=sl-01')).body.items).toEqual([]);
  });

  it('removes the demo estate from Settings, and leaves the clients that are not the demo', async () => {
    await app.kw.loadDemo(SYSTEM);
    const names = async () => (await app.request('GET', '/api/v1/clients?limit=500')).body.items.map((c: { name: string }) => c.name).sort();
    expect(await names()).toEqual(expect.arrayContaining(['Acme Widgets', 'Contoso Legal', 'Northwind Dental', 'Lifecycle Co']));
    await page.goto(`${app.url}/settings/demo`);
    await page.getByRole('button', { name: 'Remove demo data' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove demo data' }).click();
    await page.getByRole('status').getByText(/^Removed /).waitFor();
    const left = await names();
    expect(left).toContain('Lifecycle Co');
    expect(left.filter((n: string) => ['Acme Widgets', 'Contoso Legal', 'Northwind Dental'].includes(n))).toEqual([]);
  });
});
