// Tags in the console (issue #20): a person tags a device and a check from their page, sees the
// chips, and narrows the Devices list (and the Alerts view) by a tag, in a real browser.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, signedInPage } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let web: { device_id: string; check_id: string };

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await app.kw.services.users.create(SYSTEM, { ...OWNER, role: 'owner', clientIds: null });
  const res = await app.request('POST', '/api/v1/jobs', {
    body: {
      jobs: [
        jobReport({ client: 'Tag Co', device: { name: 'TAG-WEB', class: 'server', type: 'vm' }, status: 'failed', message: 'disk full' }),
        jobReport({ client: 'Tag Co', device: { name: 'TAG-DB', class: 'server', type: 'vm', tags: ['sql'] }, status: 'failed', message: 'disk full' }),
      ],
    },
  });
  web = res.body.items[0];
  await app.kw.evaluator.runUntilIdle();
  ({ browser, page } = await signedInPage(app.url, OWNER));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const deviceRows = () => page.getByTestId('devices-table').locator('tbody tr a[href^="/devices/"]').allTextContents();

describe('tags in the console', { timeout: 120_000 }, () => {
  it('adds a tag to a device from its page and shows it as a chip', async () => {
    await page.goto(`${app.url}/devices/${web.device_id}`);
    await page.getByRole('button', { name: 'Edit tags of TAG-WEB' }).click();
    const field = page.getByRole('combobox', { name: 'Device tags' });
    await field.fill('Site:Paris');
    await field.press('Enter');
    await page.getByRole('button', { name: 'Update tags' }).click();
    await page.getByTestId('tag-chips').getByText('site:paris').waitFor();
    expect((await app.request('GET', `/api/v1/devices/${web.device_id}`)).body.tags).toEqual(['site:paris']);
  });

  it('shows a bad tag refused by the API, naming it', async () => {
    await page.getByRole('button', { name: 'Edit Nightly backup' }).click();
    const field = page.getByRole('combobox', { name: 'Check tags' });
    await field.fill('no spaces please');
    await field.press('Enter');
    await page.getByRole('button', { name: 'Update tags' }).click();
    await page.getByRole('alert').getByText(/tags\[0\]/).waitFor();
    await field.press('Backspace');
    await field.fill('files');
    await field.press('Enter');
    await page.getByRole('button', { name: 'Update tags' }).click();
    await expect.poll(async () => (await app.request('GET', `/api/v1/checks/${web.check_id}`)).body.tags).toEqual(['files']);
  });

  it('filters the devices list by a tag, and a chip opens that filter', async () => {
    await page.goto(`${app.url}/devices`);
    await expect.poll(deviceRows).toEqual(expect.arrayContaining(['TAG-WEB', 'TAG-DB']));
    const filter = page.getByRole('combobox', { name: 'Tags' });
    await filter.fill('sql');
    await filter.press('Enter');
    await expect.poll(deviceRows).toEqual(['TAG-DB']);
    expect(new URL(page.url()).searchParams.getAll('tag')).toEqual(['sql']);
    await page.getByTestId('devices-table').getByText('sql').click();
    await expect.poll(deviceRows).toEqual(['TAG-DB']);
    await page.goto(`${app.url}/devices?tag=site:paris`);
    await expect.poll(deviceRows).toEqual(['TAG-WEB']);
  });

  it('narrows the alerts to a tagged device', async () => {
    await page.goto(`${app.url}/alerts?tag=sql`);
    await page.getByText(/TAG-DB/).first().waitFor();
    await expect.poll(() => page.getByText(/TAG-WEB/).count()).toBe(0);
  });
});
