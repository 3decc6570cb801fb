// Status mail the console explains: one dated in the future is recorded at the time it was
// received and the device's job list says so (a "clock skew" badge whose tooltip explains the
// replaced time); one decided by built-in status words says so in the inbox's message drawer.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import type { Browser } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console-page.js';
import { send } from '../helpers/mail.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let deviceId: string;

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  const check = await app.request('POST', '/api/v1/checks', { body: { name: 'NAS nightly', client: 'Skew Co', device: { name: 'SKEW-NAS01' } } });
  if (check.status !== 201) throw new Error(check.text);
  deviceId = check.body.device_id;
  const future = new Date(Date.now() + 2 * 86_400_000);
  const mail = { from: 'nas@skew.example', to: check.body.email_address, subject: 'Backup completed successfully', text: 'done', date: future };
  const sent = await send(app.kw.smtpPort, mail);
  if (sent.code !== 250) throw new Error(sent.response);
  const failed = { ...mail, subject: '[Failed] Nightly backup', date: undefined };
  if ((await send(app.kw.smtpPort, failed)).code !== 250) throw new Error('not sent');
  await app.kw.email.worker.runUntilIdle();
  ({ browser, page } = await signedInConsole(app));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('status mail the console explains', { timeout: 120_000 }, () => {
  it('marks a job dated ahead of the clock "clock skew" in the device’s jobs, with a tooltip saying the received time replaced it', async () => {
    await page.goto(`${app.url}/devices/${deviceId}`);
    await page.getByRole('tab', { name: 'Jobs' }).click();
    const badge = page.getByTestId('clock-skew');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('clock skew');
    await badge.hover();
    await expect.poll(async () => (await page.getByRole('tooltip').textContent()) ?? '').toContain('the time it was received is shown instead');
  });

  it('says in the inbox when built-in status words decided a message', async () => {
    const list = await app.request('GET', '/api/v1/emails');
    const failed = list.body.items.find((e: any) => e.subject === '[Failed] Nightly backup');
    await page.goto(`${app.url}/inbox/${failed.id}`);
    const drawer = page.getByRole('dialog');
    await drawer.getByText("Failed (status from built-in words: 'Failed' in subject)", { exact: false }).waitFor();
    expect(await page.getByTestId('builtin-words-note').textContent()).toContain('No status rule decided');
  });
});
