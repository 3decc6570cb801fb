// The daily review in a real browser (issue 22, docs/console.md "Review"): the queue oldest first
// under client and device headers, worked from the keyboard — j/k, r with a note and Enter, x x r
// for two at once, t for a PSA ticket — and the review then seen on the grid and the device page.
import type { Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from '../helpers/browser.js';
import { CW_CREDENTIALS, type FakePsa, startFakePsa } from '../helpers/fake-psa.js';

let app: TestApp;
let psa: FakePsa;
let browser: Browser;
let page: Page;
const HOUR = 3_600_000;
const OPERATOR = { email: 'ops@harbor.example', password: 'operator password 1' };

function run(client: string, device: string, status: 'failed' | 'warning' | 'succeeded', hoursAgo: number, message: string) {
  const end = Date.now() - hoursAgo * HOUR;
  return jobReport({ client, device: { name: device, class: 'server' }, status, message, started_at: new Date(end - 600_000).toISOString(), ended_at: new Date(end).toISOString() });
}

// Oldest first: Harbor Dental's oldest run (50 h) is older than Quay Legal's (40 h); within Harbor,
// HD-SRV01 (50 h) before HD-PC02 (20 h); each device's runs oldest first.
const SEEDED = [
  run('Harbor Dental', 'HD-SRV01', 'failed', 50, 'VSS timeout on C:'),
  run('Harbor Dental', 'HD-SRV01', 'succeeded', 45, 'ok'),
  run('Harbor Dental', 'HD-SRV01', 'warning', 30, 'Skipped 3 locked files'),
  run('Harbor Dental', 'HD-PC02', 'failed', 20, 'Target share full'),
  run('Quay Legal', 'QL-NAS01', 'failed', 40, 'Repository unreachable'),
  run('Quay Legal', 'QL-NAS01', 'warning', 10, 'Retention not applied'),
];
const EXPECTED = [
  ['Harbor Dental', 'HD-SRV01', 'VSS timeout on C:'],
  ['Harbor Dental', 'HD-SRV01', 'Skipped 3 locked files'],
  ['Harbor Dental', 'HD-PC02', 'Target share full'],
  ['Quay Legal', 'QL-NAS01', 'Repository unreachable'],
  ['Quay Legal', 'QL-NAS01', 'Retention not applied'],
];

interface QueueJob {
  id: string;
  message: string;
  device_id: string;
  client_id: string;
}
let byMessage: Map<string, QueueJob>;

beforeAll(async () => {
  ensureConsoleBuilt();
  psa = await startFakePsa();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  // An owner exists (else the console offers the first-run setup); the operator does the review.
  await app.kw.services.users.create(SYSTEM, { email: 'owner@harbor.example', password: 'owner password 1', role: 'owner' });
  await app.kw.services.users.create(SYSTEM, { ...OPERATOR, role: 'operator' });
  const res = await app.request('POST', '/api/v1/jobs', { body: { jobs: SEEDED } });
  if (res.status !== 202) throw new Error(res.text);
  await app.kw.evaluator.runUntilIdle();
  const queue = await app.request('GET', '/api/v1/reviews/queue');
  if (queue.status !== 200) throw new Error(queue.text);
  byMessage = new Map();
  for (const c of queue.body.clients) for (const d of c.devices) for (const j of d.jobs) byMessage.set(j.message, j);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await psa?.close();
});

const rows = () => page.locator('[data-review-job]');
const idOf = (message: string) => byMessage.get(message)!.id;
const currentId = async () => page.locator('[data-review-job][data-current]').getAttribute('data-review-job');
const reviewOf = async (message: string) => (await app.request('GET', `/api/v1/jobs/${idOf(message)}`)).body.review;
const badge = async () => ((await page.getByLabel(/runs to review$/).count()) === 0 ? '0' : ((await page.getByLabel(/runs to review$/).textContent()) ?? '').trim());

describe('the Review view', { timeout: 120_000 }, () => {
  it('lists the failed and warning runs oldest first under client and device headers, with the total on the navigation', async () => {
    await page.goto(`${app.url}/review`);
    await page.getByLabel('E-mail').fill(OPERATOR.email);
    await page.getByLabel(/^Password/).fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(5);
    const shown = await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-review-job')));
    expect(shown).toEqual(EXPECTED.map(([, , message]) => idOf(message!)));
    expect(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-device')))).toEqual(EXPECTED.map(([, device]) => device));
    expect(await page.locator('[data-review-client]').evaluateAll((els) => els.map((e) => e.getAttribute('data-review-client')))).toEqual(['Harbor Dental', 'Quay Legal']);
    expect(await page.locator('[data-review-device]').evaluateAll((els) => els.map((e) => e.getAttribute('data-review-device')))).toEqual(['HD-SRV01', 'HD-PC02', 'QL-NAS01']);
    await expect.poll(badge).toBe('5');
    // The first run is the current one, and its details are beside the list.
    expect(await currentId()).toBe(idOf('VSS timeout on C:'));
    await expect.poll(() => page.getByTestId('run-message').textContent()).toBe('VSS timeout on C:');
  });

  it('moves with j and k and shows the current run, its device history and open alerts beside the list', async () => {
    await page.keyboard.press('j');
    await expect.poll(currentId).toBe(idOf('Skipped 3 locked files'));
    await page.keyboard.press('k');
    await expect.poll(currentId).toBe(idOf('VSS timeout on C:'));
    await page.keyboard.press('k'); // already at the top
    expect(await currentId()).toBe(idOf('VSS timeout on C:'));
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(currentId).toBe(idOf('Target share full'));
    const pane = page.getByTestId('run-pane');
    await expect.poll(() => pane.getAttribute('data-job-id')).toBe(idOf('Target share full'));
    expect(await pane.getByTestId('run-message').textContent()).toBe('Target share full');
    expect(await pane.getByTestId('raw-status').textContent()).toBe('failed');
    // The device's history strip (the device page's component) holds its one run, marked current.
    await pane.getByTestId('run-history').locator(`[data-job-id="${idOf('Target share full')}"][data-current]`).waitFor();
    // Its open job_failed alert.
    await pane.getByTestId('run-alerts').getByRole('link').first().waitFor();
    expect(await pane.getByTestId('run-alerts').textContent()).toContain('HD-PC02');
  });

  it('shows the keys with ?', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('key-help').waitFor();
    expect(await page.getByTestId('key-help').textContent()).toContain('open a PSA ticket');
    await page.keyboard.press('Escape');
    await page.getByTestId('key-help').waitFor({ state: 'detached' });
  });

  it('reviews the current run with r, a note typed with j in it, and Enter; the cursor moves to the next run', async () => {
    await page.keyboard.press('r');
    const box = page.getByTestId('note-box');
    await box.getByLabel('Note').waitFor();
    // Typed, key by key: the j and k in the note must not move the cursor.
    await page.keyboard.type('Cleared junk from the share, job rerun ok');
    expect(await box.getByLabel('Note').inputValue()).toBe('Cleared junk from the share, job rerun ok');
    expect(await currentId()).toBe(idOf('Target share full'));
    await page.keyboard.press('Enter');
    await page.locator(`[data-review-job="${idOf('Target share full')}"]`).waitFor({ state: 'detached' });
    await box.waitFor({ state: 'detached' });
    await expect.poll(currentId).toBe(idOf('Repository unreachable'));
    expect(await reviewOf('Target share full')).toMatchObject({ by: OPERATOR.email, note: 'Cleared junk from the share, job rerun ok', ticket: null });
    expect(await rows().count()).toBe(4);
    await expect.poll(badge).toBe('4');
  });

  it('selects two runs with x, reviews both with one r through the bulk endpoint', async () => {
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect.poll(currentId).toBe(idOf('VSS timeout on C:'));
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.getByTestId('selection-bar').getByText('2 selected').waitFor();
    const bulk = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/reviews');
    await page.keyboard.press('r');
    await page.getByTestId('note-box').getByText('Review 2 selected runs').waitFor();
    await page.keyboard.type('Known VSS issue, vendor case 4411');
    await page.keyboard.press('Enter');
    expect((await bulk).postDataJSON()).toEqual({ job_ids: [idOf('VSS timeout on C:'), idOf('Skipped 3 locked files')], note: 'Known VSS issue, vendor case 4411' });
    await expect.poll(async () => page.getByTestId('review-summary').textContent()).toContain('2 runs reviewed.');
    await expect.poll(() => rows().count()).toBe(2);
    for (const m of ['VSS timeout on C:', 'Skipped 3 locked files']) expect(await reviewOf(m)).toMatchObject({ by: OPERATOR.email, note: 'Known VSS issue, vendor case 4411' });
    await expect.poll(currentId).toBe(idOf('Repository unreachable'));
    await expect.poll(() => page.getByTestId('selection-bar').count()).toBe(0);
  });

  it('opens a PSA ticket for the run with t and puts its reference in the note box', async () => {
    const channel = await app.request('POST', '/api/v1/channels', {
      body: { type: 'connectwise', name: 'ConnectWise', config: { site_url: psa.cwUrl, ...CW_CREDENTIALS, board_id: 41, companies: { [byMessage.get('Repository unreachable')!.client_id]: 250 } } },
    });
    expect(channel.status, channel.text).toBe(201);
    await page.keyboard.press('t');
    const box = page.getByTestId('note-box');
    await expect.poll(() => box.getByLabel('Ticket').inputValue()).toMatch(/\S/);
    const ref = await box.getByLabel('Ticket').inputValue();
    const tickets = psa.ticketsOf('cw');
    expect(tickets.map((t) => String(t.id))).toContain(ref);
    expect(tickets.find((t) => String(t.id) === ref)).toMatchObject({ companyId: 250, summary: expect.stringContaining('QL-NAS01') });
    await box.getByLabel('Note').fill('Ticket opened for the NAS');
    await page.keyboard.press('Enter');
    await box.waitFor({ state: 'detached' });
    await expect.poll(async () => (await reviewOf('Repository unreachable'))?.ticket).toBe(ref);
    await expect.poll(currentId).toBe(idOf('Retention not applied'));
  });

  it('marks the reviewed day on the grid', async () => {
    const grid = (await app.request('GET', '/api/v1/grid?limit=100')).body;
    const row = grid.items.find((r: { device_name: string }) => r.device_name === 'HD-PC02');
    const i = row.reviewed.indexOf(true);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(row.cells[i]).toBe('failed');
    await page.getByRole('link', { name: 'Grid' }).click();
    const cell = page.getByLabel(`HD-PC02 ${grid.days[i]} failed reviewed`);
    await cell.waitFor();
    expect(await cell.getAttribute('data-reviewed')).toBe('true');
    await cell.hover();
    await page.getByRole('tooltip').getByText('reviewed', { exact: false }).waitFor();
    // Quay Legal's newest run is not reviewed: its cell has no mark.
    const ql = grid.items.find((r: { device_name: string }) => r.device_name === 'QL-NAS01');
    const last = ql.cells.lastIndexOf('warning');
    expect(ql.reviewed[last]).toBe(false);
    expect(await page.getByLabel(`QL-NAS01 ${grid.days[last]} warning`, { exact: true }).getAttribute('data-reviewed')).toBeNull();
  });

  it('shows the review on the device timeline, and an operator can undo it', async () => {
    const run = byMessage.get('Target share full')!;
    await page.goto(`${app.url}/devices/${run.device_id}`);
    const icon = page.getByTestId('timeline').locator(`[data-job-id="${run.id}"]`);
    await icon.waitFor();
    expect(await icon.getAttribute('data-reviewed')).toBe('true');
    await icon.click();
    const line = page.getByRole('dialog', { name: 'Job' }).getByTestId('job-review');
    await expect.poll(() => line.textContent()).toMatch(/^Reviewed by ops@harbor\.example at .+ — Cleared junk from the share, job rerun ok/);
    await line.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => reviewOf('Target share full')).toBeNull();
    await expect.poll(() => line.textContent()).toBe('Not reviewed.');
  });

  it('shows the workspace review hour in the settings (read-only for an operator)', async () => {
    const put = await app.request('PUT', '/api/v1/settings', { body: { review_due_hour: 9 } });
    expect(put.status, put.text).toBe(200);
    await page.goto(`${app.url}/settings/sla`);
    const field = page.getByLabel('Review due by (hour)');
    await expect.poll(() => field.inputValue()).toBe('9');
    expect(await field.isDisabled()).toBe(true);
  });

  it('filters the queue by client, kept in the address', async () => {
    await page.goto(`${app.url}/review`);
    await expect.poll(() => rows().count()).toBe(2);
    await page.locator('input[aria-label="Client"]').click();
    await page.getByRole('option', { name: 'Quay Legal', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().getAttribute('data-review-job')).toBe(idOf('Retention not applied'));
    expect(page.url()).toContain(`client=${byMessage.get('Retention not applied')!.client_id}`);
    expect(await page.locator('[data-review-client]').evaluateAll((els) => els.map((e) => e.getAttribute('data-review-client')))).toEqual(['Quay Legal']);
  });

  it('says there is nothing to review when the queue is empty', async () => {
    await page.goto(`${app.url}/review`);
    await rows().first().waitFor();
    // Back in the queue after the undo: two runs left.
    await expect.poll(() => rows().count()).toBe(2);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const began = Date.now();
    const queueTraffic: string[] = [];
    const isQueue = (url: string) => url.includes('/api/v1/reviews/queue');
    const onQueueResponse = (r: Response) => {
      if (!isQueue(r.url())) return;
      const line = `+${Date.now() - began} ms ${r.request().method()} ${r.url()} → ${r.status()}`;
      r.json().then(
        (b: { total?: number }) => queueTraffic.push(`${line}, total ${b.total}`),
        () => queueTraffic.push(`${line} (no JSON body)`),
      );
    };
    const onQueueFailed = (r: Request) => {
      if (isQueue(r.url())) queueTraffic.push(`+${Date.now() - began} ms ${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`);
    };
    page.on('response', onQueueResponse);
    page.on('requestfailed', onQueueFailed);
    await page.keyboard.press('r');
    await page.keyboard.press('Enter');
    await page.getByText('Nothing to review').waitFor();
    // The server's queue is empty…
    expect((await app.request('GET', '/api/v1/reviews/queue')).body.total).toBe(0);
    // …and the badge follows once the console has fetched it again. In two full PostgreSQL suites
    // (of about ten) it had not within the default 10 s, while the test passed every time alone:
    // most likely a refetch that failed under the suite's load and was retried with React Query's
    // backoff (1, 2, 4 s). The badge must still come to 0 without a reload; if it does not, the
    // failure lists every queue request the console made since the review, with its answer.
    try {
      await expect.poll(badge, { timeout: 30_000 }).toBe('0');
    } catch (err) {
      throw new Error(`${(err as Error).message}\nqueue requests since the review:\n${queueTraffic.join('\n') || '(none)'}`);
    } finally {
      page.off('response', onQueueResponse);
      page.off('requestfailed', onQueueFailed);
    }
  });
});
