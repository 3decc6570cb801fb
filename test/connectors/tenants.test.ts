// Platform tenants → Keepwatch clients (issue #19; docs/connectors.md, "Tenants and clients"),
// end to end with the Azure connector and its fake: the tenants a sync saw, a user's mapping that
// moves the next sync's jobs to another client, clearing it, and the refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzure, deviceNamed, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';

const T0 = '2026-11-20T06:00:00Z';
let app: EngineApp;
let fake: FakeAzure;

beforeEach(async () => {
  app = await startEngine(T0);
  fake = await FakeAzure.start();
  loadExamples(fake, app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

const tenants = async (id: string) => {
  const res = await app.request('GET', `/api/v1/connectors/${id}/tenants`);
  expect(res.status).toBe(200);
  return res.body.items as any[];
};
const put = (id: string, tenant: string, body: unknown) => app.request('PUT', `/api/v1/connectors/${id}/tenants/${encodeURIComponent(tenant)}`, { body });
const clientId = async (name: string) => (await app.request('GET', `/api/v1/clients?limit=500`)).body.items.find((c: any) => c.name === name)?.id as string | undefined;

/** A new backup job in a fake vault, of a device not seen before, ended `ago` ms before now. */
function newJob(vault: string, device: string, ago = HOUR) {
  const end = app.clock.now() - ago;
  fake.putJob(fake.vault(vault), `${device}-job`, {
    jobType: 'AzureIaaSVMJob',
    entityFriendlyName: device,
    backupManagementType: 'AzureIaasVM',
    operation: 'Backup',
    status: 'Completed',
    startTime: new Date(end - 10 * 60_000).toISOString(),
    endTime: new Date(end).toISOString(),
    duration: 'PT10M',
  });
}

describe('tenants', () => {
  it("lists the tenants a sync saw, each with the client of exactly its name (that client's spelling)", async () => {
    // A client that already exists under another spelling of a resource group's name.
    await app.report(job(app.clock.now() - HOUR, { client: 'HELLOWORLD', device: { name: 'elsewhere', class: 'server' } }));
    const c = await createAzure(app, fake, { client_by: 'resource_group' }, 'By group');
    expect(await tenants(c.id)).toEqual([]);
    const run = await syncNow(app, c.id);
    expect(run.status).toBe('succeeded');

    const items = await tenants(c.id);
    const hello = await clientId('HELLOWORLD');
    const dflt = await clientId('Default-RecoveryServices-ResourceGroup');
    expect(hello).toBeDefined();
    expect(dflt).toBeDefined();
    expect(items).toEqual([
      expect.objectContaining({ tenant_id: 'rg:default-recoveryservices-resourcegroup', tenant_name: 'Default-RecoveryServices-ResourceGroup', client_id: dflt, client_name: 'Default-RecoveryServices-ResourceGroup', mapped: false, suggestion: { id: dflt, name: 'Default-RecoveryServices-ResourceGroup' } }),
      expect.objectContaining({ tenant_id: 'rg:helloworld', tenant_name: 'HelloWorld', client_id: hello, client_name: 'HELLOWORLD', mapped: false, suggestion: { id: hello, name: 'HELLOWORLD' } }),
    ]);
    expect(items[0].last_seen_at).toBe(new Date(app.clock.now()).toISOString());
    // No second client for HelloWorld: its vaults' devices went to the existing one.
    expect((await app.request('GET', '/api/v1/clients?limit=500')).body.items.filter((x: any) => x.name.toLowerCase() === 'helloworld')).toHaveLength(1);
    expect((await deviceNamed(app, 'vm-a')).client_id).toBe(hello);
  });

  it("puts the next sync's jobs of a mapped tenant in the mapped client, and back in its name's client once cleared", async () => {
    await app.report(job(app.clock.now() - HOUR, { client: 'Acme Ltd', device: { name: 'acme-srv', class: 'server' } }));
    const acme = (await clientId('Acme Ltd'))!;
    const c = await createAzure(app, fake, { client_by: 'resource_group' }, 'By group');
    await syncNow(app, c.id);
    const hello = await clientId('HelloWorld');
    expect((await deviceNamed(app, 'vm-a')).client_id).toBe(hello);

    const mapped = await put(c.id, 'rg:helloworld', { client_id: acme });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ tenant_id: 'rg:helloworld', client_id: acme, client_name: 'Acme Ltd', mapped: true, suggestion: { id: hello, name: 'HelloWorld' } });
    expect((await tenants(c.id)).find((t) => t.tenant_id === 'rg:helloworld')).toMatchObject({ client_id: acme, mapped: true });

    app.clock.advance(HOUR);
    newJob('swaggerExample', 'vm-mapped', 10 * 60_000);
    newJob('patchtest', 'vm-unmapped', 10 * 60_000);
    const second = await syncNow(app, c.id);
    expect(second.status).toBe('succeeded');
    expect((await deviceNamed(app, 'vm-mapped')).client_id).toBe(acme);
    // The other resource group is not mapped: its jobs still go to its own name's client.
    expect((await deviceNamed(app, 'vm-unmapped')).client_id).toBe(await clientId('Default-RecoveryServices-ResourceGroup'));

    const cleared = await put(c.id, 'rg:helloworld', { client_id: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ client_id: hello, client_name: 'HelloWorld', mapped: false });
    app.clock.advance(HOUR);
    newJob('swaggerExample', 'vm-after', 10 * 60_000);
    await syncNow(app, c.id);
    expect((await deviceNamed(app, 'vm-after')).client_id).toBe(hello);

    const audit = await app.kw.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'connector.tenant_map').execute();
    expect(audit).toHaveLength(2);
  });

  it('refuses an unknown client (naming client_id), an unknown tenant or connector, and a body without client_id', async () => {
    const c = await createAzure(app, fake, { client_by: 'resource_group' }, 'By group');
    await syncNow(app, c.id);
    const bad = await put(c.id, 'rg:helloworld', { client_id: 'no-such-client' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'client_id' })]);
    expect((await put(c.id, 'rg:helloworld', {})).status).toBe(400);
    const hello = (await clientId('HelloWorld'))!;
    expect((await put(c.id, 'rg:nowhere', { client_id: hello })).status).toBe(404);
    expect((await put('no-such-connector', 'rg:helloworld', { client_id: hello })).status).toBe(404);
    expect((await app.request('GET', '/api/v1/connectors/no-such-connector/tenants')).status).toBe(404);
    // Nothing changed.
    expect((await tenants(c.id)).every((t) => t.mapped === false)).toBe(true);
  });

  it('keeps the subscription as the one tenant of a connector by subscription, and forgets tenants with their connector', async () => {
    const c = await createAzure(app, fake);
    await syncNow(app, c.id);
    expect(await tenants(c.id)).toEqual([expect.objectContaining({ tenant_id: `subscription:${fake.subscriptionId.toLowerCase()}`, tenant_name: 'Contoso Azure', mapped: false })]);
    expect((await app.request('DELETE', `/api/v1/connectors/${c.id}`)).status).toBe(204);
    const rows = await app.kw.database.db.selectFrom('connector_tenants').selectAll().where('connector_id', '=', c.id).execute();
    expect(rows).toEqual([]);
  });
});
