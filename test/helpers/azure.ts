// Driving the Azure connector in tests: a connector pointed at a FakeAzure, syncs through the
// API, and reads of what they stored.
import type { TestApp } from './app.js';
import type { FakeAzure } from './fake-azure.js';

export function azureConfig(fake: FakeAzure, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenant_id: fake.tenantId,
    client_id: fake.clientId,
    client_secret: fake.clientSecret,
    subscription_id: fake.subscriptionId,
    login_url: fake.loginUrl,
    management_url: fake.managementUrl,
    ...overrides,
  };
}

/** Creates an Azure connector through the API; answers its DTO. */
export async function createAzure(app: TestApp, fake: FakeAzure, overrides: Record<string, unknown> = {}, name = 'Contoso Azure'): Promise<any> {
  const res = await app.request('POST', '/api/v1/connectors', { body: { type: 'azure', name, config: azureConfig(fake, overrides) } });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
  return res.body;
}

/** POST …/sync; answers the finished run. */
export async function syncNow(app: TestApp, id: string): Promise<any> {
  const res = await app.request('POST', `/api/v1/connectors/${id}/sync`);
  if (res.status !== 200) throw new Error(`POST /connectors/${id}/sync answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function deviceNamed(app: TestApp, name: string): Promise<any | undefined> {
  const res = await app.request('GET', `/api/v1/devices?limit=500&q=${encodeURIComponent(name)}`);
  return res.body.items.find((d: any) => d.name === name);
}

/** A device's jobs, newest first. */
export async function jobsOf(app: TestApp, name: string): Promise<any[]> {
  const device = await deviceNamed(app, name);
  if (!device) throw new Error(`no device named ${name}`);
  return (await app.request('GET', `/api/v1/devices/${device.id}/jobs?limit=500`)).body.items;
}
