// The console explains what it shows: the device page lists why its score is not 100, its size
// chart runs over real time and breaks where a size is missing, and the grid has a legend, month
// names in its day labels, and today in view on a 375 px phone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from '../helpers/browser.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let deviceId: string;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A nightly backup `daysAgo` days back (1 h ago for 0), with its size unless `bytes` is null. */
function nightly(daysAgo: number, overrides: Record<string, unknown> = {}) {
  const end = Date.now() - daysAgo * DAY - HOUR;
  return jobReport({
    external_id: `explain-${daysAgo}`,
    client: 'Explain Co',
    device: { name: 'EX-SRV01', class: 'server' },
    started_at: new Date(end - 20 * 60_000).toISOString(),
    ended_at: new Date(end).toISOString(),
    bytes: 50e9 + daysAgo * 1e9,
    ...overrides,
  });
}

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  // Six nights: one failed (no recovery point), one good that reported no size: two gaps in the size line.
  const jobs = [nightly(5), nightly(4), nightly(3, { status: 'failed', bytes: null }), nightly(2, { bytes: null }), nightly(1), nightly(0)];
  const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
  if (res.status !== 202) throw new Error(res.text);
  deviceId = res.body.items[0].device_id;
  await app.kw.evaluator.runUntilIdle();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  // The first visit sets up the owner, without the demo estate.
  await page.goto(app.url);
  await page.getByLabel('E-mail').fill('owner@explain.example');
  await page.getByLabel(/^Password/).fill('owner password 1');
  await page.getByLabel(/Load demo data/).uncheck();
  await page.getByRole('button', { name: 'Create owner and start' }).click();
  await page.getByRole('link', { name: 'Devices' }).first().waitFor();
  await page.goto(`${app.url}/devices/${deviceId}`);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('explaining what the console shows', { timeout: 120_000 }, () => {
  it('lists under the score the points each factor took, adding up to what the score lost', async () => {
    const device = (await app.request('GET', `/api/v1/devices/${deviceId}`)).body;
    expect(device.score).toBeLessThan(100);
    const list = page.getByTestId('score-breakdown');
    await list.waitFor();
    const text = (await list.textContent()) ?? '';
    expect(text).toContain(`Why ${device.score} and not 100`);
    expect(text).toContain('success rate: 5 of 6 jobs succeeded in 7 days');
    const points = [...text.matchAll(/−(\d+)/g)].map((m) => Number(m[1]));
    expect(points.reduce((a, b) => a + b, 0)).toBe(100 - device.score);
  });

  it('draws sizes over a time axis, with a gap where a size is missing instead of a drop to zero', async () => {
    await page.getByRole('tab', { name: 'Charts' }).click();
    const line = page.getByTestId('chart-size').locator('path.recharts-line-curve');
    await line.waitFor();
    // Sizes on nights 5, 4, then none on 3 (failed) and 2 (no size), then 1 and 0: two separate segments.
    const d = (await line.getAttribute('d')) ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    // The axis is time: its ticks are dates (day and month), not one category per job.
    const ticks = await page.getByTestId('chart-size').locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    for (const t of ticks) expect(t).toMatch(/^\d{2} [A-Z][a-z]{2}$/);
  });

  it('shows the grid with a legend, month names in day labels and today in view at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${app.url}/grid`);
    const legend = page.getByTestId('grid-legend');
    await legend.waitFor();
    for (const l of ['succeeded', 'failed', 'no result (missed)', 'nothing expected']) expect(await legend.textContent()).toContain(l);
    const today = new Date().toISOString().slice(0, 10);
    const header = page.locator(`th[data-day="${today}"]`);
    await header.waitFor();
    const month = new Date().toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    expect(((await header.textContent()) ?? '').replace(/\s+/g, '')).toBe(`${today.slice(8)}${month}`);
    // In view: inside the 375 px viewport and not under the sticky Check column.
    await expect.poll(async () => {
      const box = await header.boundingBox();
      const check = await page.locator('th', { hasText: 'Check' }).boundingBox();
      return box !== null && check !== null && box.x >= check.x + check.width - 1 && box.x + box.width <= 375;
    }).toBe(true);
    // And today's cell of the device's row is in view too.
    const cell = page.getByRole('button', { name: `EX-SRV01 ${today}` });
    const box = await cell.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  });
});
