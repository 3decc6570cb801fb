// The console in a real browser, end to end: what a newcomer does in their first minutes.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from '../helpers/browser.js';
import { send } from '../helpers/mail.js';
import { type HttpReceiver, startHttpReceiver } from '../helpers/receivers.js';
import { signature } from '../../src/notify/channels/webhook/driver.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let receiver: HttpReceiver;
const OWNER = { email: 'owner@example.com', password: 'owner password 1' };

beforeAll(async () => {
  ensureConsoleBuilt();
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  receiver = await startHttpReceiver();
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  await browser?.close();
  await app?.close();
});

async function signIn(email: string, password: string) {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the console in Chromium', { timeout: 120_000 }, () => {
  it('sets up the owner with the demo estate and shows its devices', async () => {
    await page.goto(app.url);
    await expect.poll(() => page.getByText('Welcome to Keepwatch').count()).toBe(1);
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel(/^Password/).fill(OWNER.password);
    expect(await page.getByLabel(/Load demo data/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create owner and start' }).click();
    await page.getByRole('link', { name: 'ACME-DC01' }).waitFor();
    expect(await page.getByTestId('devices-table').locator('tbody tr').count()).toBeGreaterThan(10);
  });

  it('opens a critical device with its recovery points, checks and a job’s raw payload', async () => {
    await page.goto(`${app.url}/devices?status=critical`);
    const first = page.getByTestId('devices-table').locator('tbody tr a').first();
    await first.waitFor();
    const name = await first.textContent();
    await first.click();
    await page.getByRole('heading', { name: name! }).waitFor();
    await page.getByText('Recovery points').waitFor();
    await page.getByTestId('timeline').locator('button').first().click();
    await expect.poll(async () => (await page.getByTestId('raw-payload').textContent()) ?? '').toContain('external_id');
  });

  it('acknowledges an alert with a note, then dismisses another after confirming', async () => {
    await page.goto(`${app.url}/alerts`);
    const rows = page.locator('[data-alert-id]');
    await rows.first().waitFor();
    const ackId = await rows.first().getAttribute('data-alert-id');
    await rows.first().getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByLabel(/Note/).fill('Restarting the VSS writer');
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator(`[data-alert-id="${ackId}"]`).waitFor({ state: 'detached' });
    const acked = await app.request('GET', `/api/v1/alerts/${ackId}`);
    expect(acked.body).toMatchObject({ state: 'acknowledged', ack_note: 'Restarting the VSS writer' });

    const dismissId = await rows.first().getAttribute('data-alert-id');
    await rows.first().getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.locator(`[data-alert-id="${dismissId}"]`).waitFor({ state: 'detached' });
    expect((await app.request('GET', `/api/v1/alerts/${dismissId}`)).body.state).toBe('dismissed');
  });

  it('downloads the compliance report as CSV', async () => {
    await page.goto(`${app.url}/reports`);
    await page.getByText('Acme Widgets').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('client,device');
    expect(csv).toContain('ACME-DC01');
  });

  it('creates a check from an unmatched e-mail, tests its rules, and the job shows on the device', async () => {
    // The empty inbox says where to send mail; a backup product sends two status mails there.
    await page.goto(`${app.url}/inbox`);
    await page.getByText('No unmatched e-mail').waitFor();
    const inbox = (await page.getByText(/^backups@/).first().textContent())!.trim();
    const mail = (subject: string, id: string) => ({
      from: 'Backup Exec <be@branch.example>',
      to: inbox,
      subject,
      messageId: `<${id}@branch.example>`,
      date: new Date(Date.now() - (id === 'b1' ? 26 : 2) * 3_600_000),
      text: `Job: Nightly file backup\nServer: BRANCH-FS\nResult: ${subject.includes('FAILED') ? 'failed, 12 files skipped' : 'completed'}\n`,
    });
    expect((await send(app.kw.smtpPort, mail('Job FAILED: Nightly file backup (BRANCH-FS) 2026-11-20', 'b1'))).code).toBe(250);
    expect((await send(app.kw.smtpPort, mail('Job completed: Nightly file backup (BRANCH-FS) 2026-11-21', 'b2'))).code).toBe(250);
    await app.kw.email.worker.runUntilIdle(); // what the e-mail worker does in a running instance

    await page.reload();
    const group = page.locator('[data-group-from="be@branch.example"]');
    await group.waitFor();
    expect(await group.getByTestId('group-count').textContent()).toBe('2');
    await group.getByRole('button', { name: 'Create check' }).filter({ visible: true }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('rules-editor').waitFor();
    expect(await drawer.getByTestId('match-rule').count()).toBe(2); // sender, generalised subject
    await drawer.getByLabel('Check name').fill('Nightly file backup');
    await drawer.getByLabel(/^Device( \*)?$/).fill('BRANCH-FS');
    await drawer.getByRole('button', { name: 'Test rules' }).click();
    await drawer.getByText('2 of 2 recent messages match').waitFor();
    const verdicts = await drawer.locator('[data-matched="true"] [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')).sort());
    expect(verdicts).toEqual(['failed', 'succeeded']);
    await drawer.getByRole('button', { name: 'Create check' }).click();
    await page.getByTestId('check-created').getByText('2 messages now report to it').waitFor();
    await group.waitFor({ state: 'detached' }); // the group left the inbox

    await page.getByTestId('check-created').getByRole('link', { name: 'Open BRANCH-FS' }).click();
    await page.getByRole('heading', { name: 'BRANCH-FS' }).waitFor();
    await page.getByTestId('timeline').locator('[data-job-status="failed"]').waitFor();
    expect(await page.getByTestId('timeline').locator('[data-job-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-job-status')).sort())).toEqual(['failed', 'succeeded']);
    await page.getByRole('button', { name: 'E-mail for Nightly file backup' }).click();
    expect(await page.getByTestId('check-address').textContent()).toMatch(/@keepwatch\.test$/);
  });

  it('creates a webhook channel from the served field descriptions and shows what the receiver said to a test', async () => {
    await page.goto(`${app.url}/settings/notifications`);
    await page.getByRole('button', { name: 'Add a channel' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByLabel('Kind').click();
    await page.getByRole('option', { name: 'Webhook' }).click();
    await drawer.getByLabel(/^Name/).fill('PSA intake');
    await drawer.getByLabel(/^URL/).fill(`${receiver.url}/hooks/keepwatch`);
    await drawer.getByLabel('Signing secret').fill('a-signing-secret-of-20');
    await drawer.getByRole('button', { name: 'Add channel' }).click();
    const card = page.locator('[data-channel="PSA intake"]');
    await card.waitFor();
    receiver.respond = () => ({ status: 202, body: 'queued as ticket 4711' });
    await card.getByRole('button', { name: 'Send test' }).click();
    const result = card.getByTestId('channel-test-result');
    await result.getByText('Delivered: HTTP 202').waitFor();
    expect(await result.textContent()).toContain('queued as ticket 4711');
    const [hit] = await receiver.waitFor(1);
    expect(hit!.path).toBe('/hooks/keepwatch');
    expect(hit!.body).toMatchObject({ event: 'test', channel: 'PSA intake' });
    expect(hit!.headers['x-keepwatch-signature']).toBe(signature('a-signing-secret-of-20', Number(hit!.headers['x-keepwatch-timestamp']), hit!.raw));
    await card.getByRole('button', { name: 'Log' }).click();
    await page.getByTestId('delivery-log').locator('[data-delivery-state="sent"]').getByText('test').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('shows a client-limited viewer only their client', async () => {
    const [acme] = await app.kw.services.catalog.resolveClients(['Acme Widgets']);
    await app.kw.services.users.create(SYSTEM, { email: 'it@acme.example', password: 'acme password 1', role: 'viewer', clientIds: [acme!] });
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn('it@acme.example', 'acme password 1');
    await page.getByRole('link', { name: 'ACME-DC01' }).waitFor();
    const names = await page.getByTestId('devices-table').locator('tbody tr a').allTextContents();
    expect(names.length).toBeGreaterThan(3);
    const acmeDevices = (await app.request('GET', `/api/v1/devices?client=${acme}&limit=500`)).body.items.map((d: { name: string }) => d.name);
    expect(names.filter((n) => !acmeDevices.includes(n))).toEqual([]);
    await page.goto(`${app.url}/clients`);
    await page.getByRole('link', { name: 'Acme Widgets' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
  });
});
