// Correcting an unmatched mail in the console: the message drawer shows the generic suggestion,
// "Correct" proposes rules and tries them on the sender's stored mail, "Save check" creates the
// check; the sender's next mail then reports to it and no longer waits in the inbox.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import type { Browser } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console-page.js';
import { send } from '../helpers/mail.js';

const SENDER = 'sync@lab.example';
const SUBJECT = 'LAB01: nightly sync report';

let app: TestApp;
let browser: Browser;
let page: Page;

async function deliver(text: string) {
  const sent = await send(app.kw.smtpPort, { from: SENDER, to: 'backups@keepwatch.test', subject: SUBJECT, text });
  if (sent.code !== 250) throw new Error(sent.response);
  await app.kw.email.worker.runUntilIdle();
}

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await deliver('Copied 50 of 50 files\nTransferred: 1.5 GB');
  await deliver('Copied 0 of 50 files\ndestination unreachable');
  ({ browser, page } = await signedInConsole(app));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('correcting an unmatched mail in the inbox', { timeout: 120_000 }, () => {
  it('proposes rules, tries them on the sender’s mail, saves the check, and the next mail reports to it', async () => {
    const list = (await app.request('GET', '/api/v1/emails?state=unmatched')).body.items;
    const texts = await Promise.all(list.map(async (e: any) => (await app.request('GET', `/api/v1/emails/${e.id}`)).body.parsed.text as string));
    const bad = list[texts.findIndex((t) => t.includes('destination unreachable'))];
    await page.goto(`${app.url}/inbox/${bad.id}`);
    const drawer = page.getByRole('dialog');
    expect(await drawer.getByTestId('suggestion').textContent()).toContain('device LAB01');

    await drawer.getByRole('button', { name: 'Correct', exact: true }).click();
    const form = drawer.getByTestId('correct-form');
    await form.getByLabel('Check').fill('Lab sync');
    await form.getByLabel('Status').click();
    await page.getByRole('option', { name: 'failed' }).click();
    await form.getByRole('button', { name: 'Propose rules' }).click();
    const trial = form.getByTestId('correction-trial');
    await trial.waitFor();
    expect(await trial.textContent()).toContain('2 of 2 stored messages from this sender match: 1 failed, 1 succeeded');

    await form.getByRole('button', { name: 'Save check' }).click();
    const saved = drawer.getByTestId('correction-saved');
    await saved.waitFor();
    expect(await saved.textContent()).toContain('Created “Lab sync”: 2 messages processed again');

    await deliver('Copied 3 of 50 files\ndestination unreachable');
    const check = (await app.request('GET', '/api/v1/checks?limit=200')).body.items.find((c: any) => c.name === 'Lab sync');
    const jobs = await app.request('GET', `/api/v1/devices/${check.device_id}/jobs`);
    expect(jobs.body.items.map((j: any) => j.status).sort()).toEqual(['failed', 'failed', 'succeeded']);

    await page.goto(`${app.url}/inbox`);
    await page.getByText('No unmatched e-mail').waitFor();
  });
});
