// A check's max runtime in the console (issue #20): set and cleared from the check editor, and the
// run_too_long alert it raises shown under a readable type, in a real browser.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, signedInPage } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };
let made: { device_id: string; check_id: string };

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await app.kw.services.users.create(SYSTEM, { ...OWNER, role: 'owner', clientIds: null });
  // A run that started two hours ago and has not ended.
  const res = await app.request('POST', '/api/v1/jobs', {
    body: jobReport({ client: 'Runtime Co', device: { name: 'RT-01', class: 'server', type: 'vm' }, status: 'running', started_at: new Date(Date.now() - 2 * 3_600_000).toISOString(), ended_at: null, bytes: null }),
  });
  made = res.body.items[0];
  ({ browser, page } = await signedInPage(app.url, OWNER));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const checkNow = async () => (await app.request('GET', `/api/v1/checks/${made.check_id}`)).body;

describe('max runtime in the console', { timeout: 120_000 }, () => {
  it('saves a max runtime from the check editor, and the run past it shows as "run too long"', async () => {
    await page.goto(`${app.url}/devices/${made.device_id}`);
    await page.getByRole('button', { name: 'Edit Nightly backup' }).click();
    await page.getByLabel('Max runtime (minutes)').fill('90');
    await page.getByText('(1 h 30 min)').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByLabel('Max runtime (minutes)').waitFor({ state: 'detached' });
    expect((await checkNow()).max_runtime_seconds).toBe(5400);

    await app.kw.evaluator.runUntilIdle();
    await page.goto(`${app.url}/alerts?type=run_too_long`);
    await page.getByText(/Nightly backup: started .* and still running after its 1 h 30 min limit/).waitFor();
    await page.getByText(/^run too long · RT-01 · Nightly backup/).waitFor();
  });

  it('shows the saved value when the editor opens again, and clears it when emptied', async () => {
    await page.goto(`${app.url}/devices/${made.device_id}`);
    await page.getByRole('button', { name: 'Edit Nightly backup' }).click();
    const field = page.getByLabel('Max runtime (minutes)');
    expect(await field.inputValue()).toBe('90');
    await field.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await field.waitFor({ state: 'detached' });
    expect((await checkNow()).max_runtime_seconds).toBeNull();
  });
});
