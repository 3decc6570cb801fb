// The "Tenants → clients" table of a connector in a real browser: the tenants its sync saw, each
// going to the client of its name; a client chosen in the table maps the tenant (the API answers
// it mapped), and "By name" clears the mapping again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { syncNow } from '../helpers/azure.js';
import type { Browser } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console-page.js';
import { CoveFake, coveDevice } from '../helpers/cove-fake.js';

let app: TestApp;
let fake: CoveFake;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  fake = await CoveFake.start();
  const at = Math.floor(Date.now() / 1000) - 3600;
  fake.add(coveDevice(9001, 2001, 'Fabrikam Ltd', 'FAB-SRV01', { D01: ['5', at, 600] }));
  fake.add(coveDevice(9002, 2002, 'Northwind', 'NW-SRV01', { D01: ['2', at, 60] }));
  ({ browser, page } = await signedInConsole(app));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await app?.close();
});

describe('tenants → clients in the console', { timeout: 120_000 }, () => {
  it('maps a tenant to another client with the select, and back to the name match', async () => {
    const posted = await app.request('POST', '/api/v1/jobs', { body: { jobs: [jobReport({ client: 'Acme Ltd', device: { name: 'ACME-SRV', class: 'server' } })] } });
    expect(posted.status).toBe(202);
    const created = await app.request('POST', '/api/v1/connectors', {
      body: { type: 'cove', name: 'Cove', config: { url: fake.url, partner: fake.partner, username: fake.username, password: fake.password } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await syncNow(app, id)).status).toBe('succeeded');
    const clients = (await app.request('GET', '/api/v1/clients?limit=500')).body.items;
    const acme = clients.find((c: any) => c.name === 'Acme Ltd').id;

    await page.goto(`${app.url}/settings/connectors`);
    await page.locator('[data-connector="Cove"]').getByRole('button', { name: 'Tenants → clients' }).click();
    const table = page.getByTestId('tenant-table');
    await table.waitFor();
    const row = (name: string) => table.locator(`[data-tenant="${name}"]`);
    expect(await row('Fabrikam Ltd').getByTestId('tenant-client').textContent()).toBe('jobs go to Fabrikam Ltd');
    expect(await row('Northwind').getByTestId('tenant-client').textContent()).toBe('jobs go to Northwind');
    expect(await row('Fabrikam Ltd').textContent()).toContain('by name');

    await page.getByRole('combobox', { name: 'Client for Fabrikam Ltd' }).click();
    await page.getByRole('option', { name: 'Acme Ltd', exact: true }).click();
    await expect.poll(() => row('Fabrikam Ltd').getByTestId('tenant-client').textContent()).toBe('jobs go to Acme Ltd');
    expect(await row('Fabrikam Ltd').textContent()).toContain('mapped');
    const mapped = (await app.request('GET', `/api/v1/connectors/${id}/tenants`)).body.items.find((t: any) => t.tenant_id === 'partner:2001');
    expect(mapped).toMatchObject({ mapped: true, client_id: acme, client_name: 'Acme Ltd' });
    // The other tenant is untouched.
    expect(await row('Northwind').getByTestId('tenant-client').textContent()).toBe('jobs go to Northwind');

    await page.getByRole('combobox', { name: 'Client for Fabrikam Ltd' }).click();
    await page.getByRole('option', { name: /^By name/ }).click();
    await expect.poll(() => row('Fabrikam Ltd').getByTestId('tenant-client').textContent()).toBe('jobs go to Fabrikam Ltd');
    const cleared = (await app.request('GET', `/api/v1/connectors/${id}/tenants`)).body.items.find((t: any) => t.tenant_id === 'partner:2001');
    expect(cleared).toMatchObject({ mapped: false, client_name: 'Fabrikam Ltd' });
  });
});
