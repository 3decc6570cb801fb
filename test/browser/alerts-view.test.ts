// The Alerts view in a real browser: filtering, search, acting on a selection of alerts, acting from
// the detail drawer, and a navigation badge that always says what the Open tab says.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
const HOUR = 3_600_000;

function failed(client: string, device: string, hoursAgo: number) {
  const end = Date.now() - hoursAgo * HOUR;
  return jobReport({ client, device: { name: device, class: 'server' }, status: 'failed', message: 'VSS timeout', started_at: new Date(end - 600_000).toISOString(), ended_at: new Date(end).toISOString() });
}

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await app.kw.services.users.create(SYSTEM, { email: 'owner@harbor.example', password: 'owner password 1', role: 'owner' });
  await app.kw.services.users.create(SYSTEM, { email: 'ops@harbor.example', password: 'operator password 1', role: 'operator' });
  const res = await app.request('POST', '/api/v1/jobs', {
    body: {
      jobs: [
        // Three failures in a row: critical.
        failed('Harbor Dental', 'HD-SRV01', 3),
        failed('Harbor Dental', 'HD-SRV01', 2),
        failed('Harbor Dental', 'HD-SRV01', 1),
        failed('Harbor Dental', 'HD-PC02', 1),
        failed('Harbor Dental', 'HD-PC03', 1),
        failed('Quay Legal', 'QL-NAS01', 1),
      ],
    },
  });
  if (res.status !== 202) throw new Error(res.text);
  await app.kw.evaluator.runUntilIdle();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const row = (device: string) => page.locator('[data-alert-id]', { hasText: device });
const rowsShown = () => page.locator('[data-alert-id]').count();
const navBadge = async () => ((await page.getByLabel(/open alerts$/).count()) === 0 ? '0' : ((await page.getByLabel(/open alerts$/).textContent()) ?? '').trim());
const tabCount = async () => ((await page.getByTestId('open-tab-count').textContent()) ?? '').trim();
const openTotal = async () => String((await app.request('GET', '/api/v1/alerts?state=open&limit=1')).body.total);

async function alertOf(device: string) {
  const items = (await app.request('GET', '/api/v1/alerts?limit=500&state=open,acknowledged,dismissed')).body.items;
  return items.find((a: { device_name: string; type: string }) => a.device_name === device && a.type === 'job_failed');
}

describe('the Alerts view', { timeout: 120_000 }, () => {
  it('signs in as an operator and shows the same count in the navigation badge and on the Open tab', async () => {
    await page.goto(`${app.url}/alerts`);
    await page.getByLabel('E-mail').fill('ops@harbor.example');
    await page.getByLabel(/^Password/).fill('operator password 1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row('QL-NAS01').waitFor();
    const total = await openTotal();
    expect(Number(total)).toBeGreaterThanOrEqual(4);
    await expect.poll(tabCount).toBe(total);
    await expect.poll(navBadge).toBe(total);
    expect(String(await rowsShown())).toBe(total);
  });

  it('filters by severity and searches by name', async () => {
    await page.locator('input[aria-label="Severity"]').click();
    await page.getByRole('option', { name: 'critical', exact: true }).click();
    await expect.poll(rowsShown).toBe(1);
    expect(await row('HD-SRV01').count()).toBe(1);
    expect(page.url()).toContain('severity=critical');
    await expect.poll(async () => page.getByTestId('match-count').textContent()).toBe('1 alert matches');
    // The Open tab (and the badge) still count every open alert.
    expect(await tabCount()).toBe(await openTotal());

    await page.goto(`${app.url}/alerts`);
    await row('HD-PC02').waitFor();
    await page.getByLabel('Search alerts').fill('quay');
    await expect.poll(rowsShown).toBe(1);
    expect(await row('QL-NAS01').count()).toBe(1);
    await page.getByLabel('Search alerts').fill('');
    await expect.poll(rowsShown).toBe(Number(await openTotal()));
  });

  it('selects two alerts and acknowledges them together with one note', async () => {
    const before = Number(await openTotal());
    await row('HD-PC02').getByRole('checkbox').check();
    await row('HD-PC03').getByRole('checkbox').check();
    await page.getByTestId('bulk-bar').getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Acknowledge 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge 2 alerts' });
    await dialog.getByLabel(/Note/).fill('Same NAS share, ticket 5521');
    await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await row('HD-PC02').waitFor({ state: 'detached' });
    await row('HD-PC03').waitFor({ state: 'detached' });
    await expect.poll(async () => page.getByTestId('action-summary').textContent()).toContain('2 alerts acknowledged.');
    for (const device of ['HD-PC02', 'HD-PC03']) {
      expect(await alertOf(device)).toMatchObject({ state: 'acknowledged', ack_note: 'Same NAS share, ticket 5521', acknowledged_by: 'ops@harbor.example' });
    }
    expect(Number(await openTotal())).toBe(before - 2);
    await expect.poll(tabCount).toBe(String(before - 2));
    await expect.poll(navBadge).toBe(String(before - 2));
  });

  it('acknowledges one alert from its detail drawer, and dismisses another there', async () => {
    await row('QL-NAS01').getByRole('link').click();
    const drawer = page.getByRole('dialog', { name: 'Alert', exact: true });
    await drawer.getByTestId('drawer-actions').waitFor();
    await drawer.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    const ack = page.getByRole('dialog', { name: 'Acknowledge alert' });
    await ack.getByLabel(/Note/).fill('Customer rebooting the NAS');
    await ack.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await ack.waitFor({ state: 'detached' });
    await expect.poll(async () => (await alertOf('QL-NAS01')).state).toBe('acknowledged');
    await drawer.getByText('Note: Customer rebooting the NAS').waitFor();
    // Once acknowledged only dismissing is left.
    await expect.poll(() => drawer.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0);
    await page.goto(`${app.url}/alerts`);
    await row('HD-SRV01').waitFor();
    await expect.poll(() => row('QL-NAS01').count()).toBe(0);

    await row('HD-SRV01').getByRole('link').click();
    await drawer.getByTestId('drawer-actions').waitFor();
    await drawer.getByRole('button', { name: 'Dismiss', exact: true }).click();
    const dismiss = page.getByRole('dialog', { name: 'Dismiss alert' });
    await dismiss.getByLabel(/Note/).fill('Server being replaced on Friday');
    await dismiss.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect.poll(async () => (await alertOf('HD-SRV01')).state).toBe('dismissed');
    await drawer.getByText('dismissed until', { exact: false }).waitFor();
    await page.goto(`${app.url}/alerts`);
    await page.getByTestId('open-tab-count').waitFor();
    await expect.poll(() => row('HD-SRV01').count()).toBe(0);

    const total = await openTotal();
    await expect.poll(tabCount).toBe(total);
    await expect.poll(navBadge).toBe(total);
    expect(String(await rowsShown())).toBe(total);
  });
});
