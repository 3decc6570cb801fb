// A browser signed in to a test Keepwatch's console as its owner: what a console test starts from.
import type { Page } from 'playwright-core';
import type { TestApp } from './app.js';
import { type Browser, ensureConsoleBuilt, launchBrowser } from './browser.js';

export const CONSOLE_OWNER = { email: 'owner@example.com', password: 'owner password 1' };

/** Makes the owner (the first-run setup, done directly), opens Chromium and signs in through the form. */
export async function signedInConsole(app: TestApp): Promise<{ browser: Browser; page: Page }> {
  ensureConsoleBuilt();
  await app.kw.services.users.setupOwner(CONSOLE_OWNER);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(app.url);
  await page.getByLabel('E-mail').fill(CONSOLE_OWNER.email);
  await page.getByLabel(/^Password/).fill(CONSOLE_OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Settings' }).first().waitFor();
  return { browser, page };
}
