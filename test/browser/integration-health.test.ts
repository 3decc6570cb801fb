// Integration health in a real browser: a connector whose sync failed is red with its error, never
// green; one that never ran is grey; a channel that cannot send is red too.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { createAzure, syncNow } from '../helpers/azure.js';
import type { Browser } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console-page.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';

let app: TestApp;
let fake: FakeAzure;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  fake = await FakeAzure.start();
  loadExamples(fake, Date.now());
  ({ browser, page } = await signedInConsole(app));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await app?.close();
});

/** The Mantine colour a badge was drawn with, from its computed style (red, gray or teal). */
type Styles = { getComputedStyle(el: unknown): { color: string; backgroundColor: string } };
const colourOf = (el: Locator) =>
  el.evaluate((e) => {
    const style = (globalThis as unknown as Styles).getComputedStyle(e);
    return `${style.color} ${style.backgroundColor}`;
  });

describe('integration health in the console', { timeout: 120_000 }, () => {
  it('shows a connector whose sync failed as red with the error, and one never run as grey', async () => {
    // Not a refused credential (which raises an alert of its own): a vault whose reads fail.
    fake.vault('swaggerExample').fail = { status: 400, code: 'BadRequest', message: 'The vault is being moved to another resource group.' };
    const failing = await createAzure(app, fake, {}, 'Contoso Azure');
    const run = await syncNow(app, failing.id);
    expect(run.status).toBe('partial'); // and the integration itself reports ok: no alert says otherwise
    await createAzure(app, fake, {}, 'Fabrikam Azure');

    await page.goto(`${app.url}/settings/connectors`);
    const card = page.locator('[data-connector="Contoso Azure"]');
    const badge = card.getByTestId('health');
    await badge.waitFor();
    expect(await badge.getAttribute('data-health')).toBe('failing');
    expect(await badge.textContent()).not.toMatch(/healthy/);
    const detail = card.getByTestId('health-detail');
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.textContent()).toContain('The vault is being moved to another resource group.');

    const never = page.locator('[data-connector="Fabrikam Azure"]').getByTestId('health');
    expect(await never.getAttribute('data-health')).toBe('unknown');
    expect(await never.textContent()).toBe('not run yet');

    // Drawn in red and grey: Mantine's light badges take their text colour from the palette.
    const red = await colourOf(badge);
    const grey = await colourOf(never);
    expect(red).not.toBe(grey);
    const [r, g] = (/rgb\((\d+), (\d+)/.exec(red) ?? []).slice(1).map(Number);
    expect(r).toBeGreaterThan(g! + 60);
  });

  it('shows the e-mail channel without a relay as failing, in red, with why', async () => {
    await page.goto(`${app.url}/settings/notifications`);
    const card = page.locator('[data-channel="Owners and admins"]');
    const badge = card.getByTestId('health');
    await badge.waitFor();
    expect(await badge.getAttribute('data-health')).toBe('failing');
    expect(await card.getByTestId('health-detail').textContent()).toContain('no relay configured (KEEPWATCH_MAIL_URL)');
  });
});
