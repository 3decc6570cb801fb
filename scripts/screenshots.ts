// `npm run screenshots`: starts Keepwatch on a scratch SQLite file with the demo estate and the
// integrations of scripts/seed-integrations.ts (unmatched mail, channels, connectors, mailboxes,
// each against a local stand-in), and saves the main views at desktop and phone width, light and
// dark, into docs/screenshots/ (the README shows some of them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { createKeepwatch } from '../dist/app.js';
import { loadConfig } from '../dist/config/index.js';
import { launchBrowser } from '../test/helpers/browser.ts';
import { startSmtpSink } from '../test/helpers/receivers.ts';
import { seedIntegrations } from './seed-integrations.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'kw-shots-'));
// Notification e-mail goes to a local sink, so channels show deliveries rather than "no relay".
const relay = await startSmtpSink();
const kw = await createKeepwatch(
  loadConfig({
    KEEPWATCH_DATA_DIR: dataDir,
    KEEPWATCH_PORT: '0',
    KEEPWATCH_SMTP_PORT: '0',
    KEEPWATCH_HOST: '127.0.0.1',
    KEEPWATCH_LOG_LEVEL: 'error',
    KEEPWATCH_PUBLIC_URL: 'https://keepwatch.example.com',
    KEEPWATCH_MAIL_URL: relay.url,
  }),
  { logger: pino({ level: 'error' }) },
);
const port = await kw.listen();
const url = `http://127.0.0.1:${port}`;
const owner = { email: 'owner@example.com', password: 'screenshot password' };
const SYSTEM = { kind: 'system', id: 's', name: 's', abilities: new Set(['read', 'operate', 'admin']), clientIds: null } as const;

/** [file, path, text to wait for, what to do before the shot]. */
type View = [string, string | (() => Promise<string>), string, ((page: Page) => Promise<void>)?];

async function signIn(page: Page, first: boolean, name: string): Promise<void> {
  await page.goto(url);
  if (first) {
    await page.getByText('Welcome to Keepwatch').waitFor();
    await page.screenshot({ path: `${OUT}setup-${name}.png` });
    await page.getByLabel('E-mail').fill(owner.email);
    await page.getByLabel(/^Password/).fill(owner.password);
    await page.getByRole('button', { name: 'Create owner and start' }).click();
  } else {
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail').fill(owner.email);
    await page.getByLabel(/^Password/).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByTestId('devices-table').waitFor();
}

async function shoot(name: string, width: number, height: number, colorScheme: 'light' | 'dark', views: View[], first = false) {
  const browser = await launchBrowser({ width, height, colorScheme });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, first, name);
  if (first) {
    const { token } = await kw.services.tokens.create(SYSTEM as never, { scope: 'admin', name: 'screenshots', clientIds: null, dailyLimit: null });
    stopStandIns = await seedIntegrations(kw, url, token);
  }
  for (const [file, path, waitFor, act] of views) {
    await page.goto(url + (typeof path === 'string' ? path : await path()));
    await page.getByText(waitFor).first().waitFor();
    await page.waitForLoadState('networkidle');
    if (act) {
      await act(page);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(400); // drawers slide in
    }
    await page.screenshot({ path: `${OUT}${file}-${name}.png`, fullPage: false });
    console.log(`saved ${file}-${name}.png`);
  }
  await browser.close();
}

let stopStandIns: () => Promise<void> = async () => {};
try {
  const criticalDevice = async () => {
    const page = await kw.services.catalog.listDevices(SYSTEM as never, { status: 'critical', limit: 1 });
    return `/devices/${page.items[0]?.device.id ?? ''}`;
  };
  const acme = async () => `/clients/${(await kw.services.catalog.resolveClients(['Acme Widgets']))[0]}`;
  const click = (text: string | RegExp) => async (page: Page) => {
    await page.getByText(text).filter({ visible: true }).first().click();
  };
  const views: View[] = [
    ['devices', '/devices?sort=score', 'Page 1'],
    ['device', criticalDevice, 'Recovery points'],
    ['alerts', '/alerts', 'Dismiss all for'],
    ['alert-integration', '/alerts', 'credentials or consent rejected', click(/Fabrikam Azure: credentials/)],
    ['clients', '/clients', 'Compliance now'],
    ['client', acme, 'Inbound e-mail address'],
    ['grid', '/grid', 'Daily status grid'],
    ['inbox', '/inbox', 'Nightly SQL dump'],
    ['inbox-message', '/inbox', 'vzdump backup status', async (page) => {
      await click(/^vzdump backup status/)(page);
      await page.getByRole('tab', { name: 'Product and jobs' }).click();
    }],
    ['inbox-create-check', '/inbox', 'Nightly SQL dump', async (page) => {
      await page.locator('[data-group-from="sqlagent@contoso.example"]').getByRole('button', { name: 'Create check' }).filter({ visible: true }).click();
      await page.getByRole('button', { name: 'Test rules' }).click();
      await page.getByTestId('rule-trial').scrollIntoViewIfNeeded();
    }],
    ['check-email', criticalDevice, 'Recovery points', async (page) => {
      await page.getByRole('button', { name: /^E-mail for / }).first().click();
    }],
    ['reports', '/reports', 'SLA compliance report'],
    ['settings', '/settings/sla', 'SLA: a good backup within'],
    ['notifications', '/settings/notifications', 'Weekly summary'],
    ['channel-form', '/settings/notifications', 'Weekly summary', async (page) => {
      await page.locator('[data-channel="PSA intake (webhook)"]').getByRole('button', { name: 'Edit' }).click();
    }],
    ['connectors', '/settings/connectors', 'Contoso Azure', async (page) => {
      await page.locator('[data-connector="Contoso Azure"]').getByRole('button', { name: 'Test connection' }).click();
      await page.getByTestId('test-steps').waitFor();
    }],
    ['mailboxes', '/settings/mailboxes', 'Contoso backups mailbox', async (page) => {
      await page.locator('[data-mailbox="Contoso backups mailbox"]').getByRole('button', { name: 'History' }).click();
      await page.getByTestId('poll-history').waitFor();
    }],
  ];
  const phone = ['devices', 'device', 'alerts', 'inbox', 'inbox-create-check', 'notifications', 'connectors', 'client'];
  const dark = ['devices', 'device', 'inbox', 'connectors', 'alert-integration'];
  await shoot('desktop', 1280, 800, 'light', views, true);
  await shoot('phone', 375, 812, 'light', views.filter(([f]) => phone.includes(f)));
  await shoot('dark', 1280, 800, 'dark', views.filter(([f]) => dark.includes(f)));
} finally {
  await stopStandIns();
  await kw.stop();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
}
