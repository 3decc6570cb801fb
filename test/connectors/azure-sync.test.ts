// The Azure connector end to end: a real Keepwatch syncing over HTTP from a fake Entra ID and
// Azure Resource Manager that serves the real example payloads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzure, deviceNamed, jobsOf, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
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

const sync = async (id: string) => {
  const run = await syncNow(app, id);
  await app.evaluate();
  return run;
};
const at = (iso: string) => new Date(iso).toISOString();

describe('first sync', () => {
  it("records the subscription's jobs, protected items and Site Recovery health under the connector's client", async () => {
    const c = await createAzure(app, fake);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok', trigger: 'manual', errors: [] });
    expect(run.counts).toMatchObject({ vaults: 3, vaults_failed: 0, jobs_seen: 8, protected_items: 1, replication_items: 1 });

    const devices = (await app.request('GET', '/api/v1/devices?limit=500')).body.items;
    expect(devices.map((d: any) => d.name).sort()).toEqual(['iaasvm-1', 'testvm', 'today1', 'uttestvmub1', 'vm-a', 'vm-b', 'vm-c', 'vm-d', 'vm1']);
    const [client] = (await app.request('GET', '/api/v1/clients?q=Contoso')).body.items;
    expect(client.name).toBe('Contoso Azure');
    expect(new Set(devices.map((d: any) => d.client_id))).toEqual(new Set([client.id]));

    // The completed job of the job-details capture: its size comes from the details call.
    const [ut] = await jobsOf(app, 'uttestvmub1');
    expect(ut).toMatchObject({ status: 'succeeded', raw_status: 'Completed', operation: 'backup', bytes: 2332 * 1024 ** 2, duration_seconds: 1223.09, source: c.source, external_id: '7ddead57-bcb9-4269-ac31-6a1b57588700' });
    expect(run.counts.details_read).toBeGreaterThanOrEqual(1);
    const detail = (await app.request('GET', `/api/v1/jobs/${ut.id}`)).body;
    expect(detail.raw.properties.extendedInfo.propertyBag['Backup Size']).toBe('2332 MB');

    // The spec's list: a running backup and a finished ConfigureBackup (a device-level operation).
    const testvm = await jobsOf(app, 'testvm');
    expect(testvm.map((j: any) => [j.operation, j.status, j.check_id === null])).toEqual(
      expect.arrayContaining([
        ['backup', 'running', false],
        ['configure', 'succeeded', true],
      ]),
    );
  });

  it('maps statuses and operations, and raises the alerts they call for', async () => {
    const c = await createAzure(app, fake);
    await sync(c.id);
    const [a] = await jobsOf(app, 'vm-a');
    expect(a).toMatchObject({ status: 'failed', error_code: '400001', message: 'PLACEHOLDER error string', duration_seconds: 635 });
    expect((await jobsOf(app, 'vm-b'))[0]).toMatchObject({ status: 'warning', raw_status: 'CompletedWithWarnings' });
    expect((await jobsOf(app, 'vm-c'))[0]).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_user', operation: 'restore' });
    const d = await jobsOf(app, 'vm-d');
    expect(d.map((j: any) => j.operation).sort()).toEqual(['delete_backup_data', 'stop_protection']);

    const alerts = await app.alerts();
    // vm-a's failure and vm-b's warning are older than the 12 h SLA: the overdue backup says it
    // and holds the failure and the warning back (inhibition, docs/engine.md).
    const on = (device: string) => alerts.filter((x: any) => x.device_name === device).map((x: any) => `${x.type}/${x.severity}`);
    expect([on('vm-a'), on('vm-b')]).toEqual([['backup_overdue/critical'], ['backup_overdue/critical']]);
    // Deleting backup data is destructive (critical); stopping protection alone is not.
    const destructive = alerts.filter((x: any) => x.type === 'destructive_operation');
    expect(destructive).toHaveLength(1);
    expect(destructive[0]).toMatchObject({ device_name: 'vm-d', severity: 'critical' });
    expect(destructive[0].detail.operations.map((o: any) => o.operation)).toEqual(['delete_backup_data']);
    // The vault health example reports "RPO Throttled" at severity Error.
    const repl = alerts.filter((x: any) => x.type === 'replication_unhealthy');
    expect(repl.map((x: any) => [x.device_name, x.severity])).toEqual([['today1', 'critical']]);
  });

  it('shows a protected item without jobs in the window with its last known state, and one never backed up as new', async () => {
    const today = fake.vault('today1');
    today.items.push(
      { name: 'VM;iaasvmcontainerv2;rg;old-vm', properties: { friendlyName: 'old-vm', protectionState: 'Protected', healthStatus: 'Passed', lastBackupStatus: 'Completed', lastBackupTime: '2026-09-01T01:00:00Z', backupManagementType: 'AzureIaasVM' } },
      { name: 'VM;iaasvmcontainerv2;rg;fresh-vm', properties: { friendlyName: 'fresh-vm', protectionState: 'IRPending', healthStatus: 'Passed', backupManagementType: 'AzureIaasVM' } },
    );
    const c = await createAzure(app, fake);
    await sync(c.id);
    // iaasvm-1 (the example item) has no job in the window: its last backup comes from the item.
    const [ia] = await jobsOf(app, 'iaasvm-1');
    expect(ia).toMatchObject({ status: 'succeeded', raw_status: 'Completed', operation: 'backup', ended_at: at((fake.vault('today1').items[0] as any).properties.lastBackupTime) });
    const [old] = await jobsOf(app, 'old-vm');
    expect(old).toMatchObject({ status: 'succeeded', ended_at: '2026-09-01T01:00:00.000Z' });
    expect((await deviceNamed(app, 'old-vm')).checks[0]).toMatchObject({ name: 'Azure Backup', kind: 'backup', last_good_at: '2026-09-01T01:00:00.000Z' });
    const overdue = (await app.alerts('type=backup_overdue')).map((x: any) => x.device_name);
    expect(overdue).toContain('old-vm');
    const [fresh] = await jobsOf(app, 'fresh-vm');
    expect(fresh).toMatchObject({ status: 'skipped', raw_status: 'IRPending' });
    expect((await deviceNamed(app, 'fresh-vm')).checks.map((k: any) => k.name)).toEqual(['Azure Backup']);

    // The next sync records none of these again.
    app.clock.advance(HOUR);
    const again = await sync(c.id);
    expect(again.counts.jobs_created).toBe(0);
    expect(await jobsOf(app, 'old-vm')).toHaveLength(1);
  });
});

describe('incremental sync', () => {
  it('re-reads the overlap without duplicating, and finishes jobs that were running, even long ones', async () => {
    const patch = fake.vault('patchtest');
    const t0 = app.clock.now();
    fake.putJob(patch, 'long-0001', { jobType: 'AzureIaaSVMJob', entityFriendlyName: 'bigvm', backupManagementType: 'AzureIaasVM', operation: 'Backup', status: 'InProgress', startTime: new Date(t0 - 5 * HOUR).toISOString() });
    const c = await createAzure(app, fake, { overlap_minutes: 120 });
    const first = await sync(c.id);
    const count = async () => (await app.request('GET', `/api/v1/devices?limit=500`)).body.items.length;
    const devicesBefore = await count();

    // An hour later: the spec's running backup has completed, the long one too, and a new job ran.
    app.clock.advance(HOUR);
    const running = patch.jobs.find((j) => j.properties.status === 'InProgress' && j.properties.entityFriendlyName === 'testvm')!;
    fake.putJob(patch, running.name, { ...running.properties, status: 'Completed', endTime: new Date(t0 + 10 * 60_000).toISOString() });
    fake.putJob(patch, 'long-0001', { ...patch.jobs.find((j) => j.name === 'long-0001')!.properties, status: 'Completed', endTime: new Date(t0 + 30 * 60_000).toISOString() });
    fake.putJob(patch, 'new-0001', { jobType: 'AzureIaaSVMJob', entityFriendlyName: 'testvm', backupManagementType: 'AzureIaasVM', operation: 'Backup', status: 'Completed', startTime: new Date(t0 + 20 * 60_000).toISOString(), endTime: new Date(t0 + 40 * 60_000).toISOString(), duration: 'PT20M' });
    const second = await sync(c.id);
    // Two jobs changed, one is new; the rest of the overlap was read and left alone.
    expect(second.counts).toMatchObject({ jobs_created: 1, jobs_recorded: 3 });
    expect(second.counts.jobs_unchanged).toBeGreaterThan(0);
    expect(await count()).toBe(devicesBefore);

    const testvm = await jobsOf(app, 'testvm');
    expect(testvm.filter((j: any) => j.operation === 'backup').map((j: any) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect((await jobsOf(app, 'bigvm')).map((j: any) => j.status)).toEqual(['succeeded']);

    // The long job started before the overlap window: the window reached back for it.
    const filters = fake.armRequests().filter((r) => /patchtest\/backupJobs$/i.test(r.path)).map((r) => r.query.get('$filter'));
    const expectedFrom = new Date(t0 - 5 * HOUR);
    expect(filters.at(-1)).toContain(`startTime eq '${expectedFrom.toISOString().slice(0, 10)} ${String(expectedFrom.getUTCHours() % 12 || 12).padStart(2, '0')}:00:00 ${expectedFrom.getUTCHours() < 12 ? 'AM' : 'PM'}'`);
    expect(first.counts.jobs_created).toBeGreaterThan(0);
  });

  it('follows nextLink exactly as given across pages', async () => {
    fake.pageSize = 2;
    const swagger = fake.vault('swaggerExample');
    for (let i = 0; i < 4; i++) {
      const start = app.clock.now() - (i + 3) * HOUR;
      fake.putJob(swagger, `page-000${i}`, { jobType: 'AzureIaaSVMJob', entityFriendlyName: `paged-${i}`, backupManagementType: 'AzureIaasVM', operation: 'Backup', status: 'Completed', startTime: new Date(start).toISOString(), endTime: new Date(start + 600_000).toISOString() });
    }
    const c = await createAzure(app, fake);
    const run = await sync(c.id);
    expect(run.status).toBe('succeeded');
    // 5 example jobs + 4 = 9 jobs: 5 pages of 2.
    const calls = fake.armRequests().filter((r) => /swaggerExample\/backupJobs$/i.test(r.path));
    expect(calls).toHaveLength(5);
    expect(calls[0]!.query.get('api-version')).toBe('2025-02-01');
    for (const next of calls.slice(1)) {
      expect(next.query.get('api-version')).toBe('2017-07-01');
      expect(next.query.get('$skiptoken')).toContain('<ContinuationToken>');
      expect(next.query.get('$filter')).toBe(calls[0]!.query.get('$filter'));
    }
    for (let i = 0; i < 4; i++) expect(await jobsOf(app, `paged-${i}`)).toHaveLength(1);
    // The vault list (3 vaults) paged too.
    expect(fake.armRequests().filter((r) => /\/vaults$/i.test(r.path))).toHaveLength(2);
  });
});

describe('jobs that must not alert', () => {
  it('retires the device of a job that failed because its VM is gone, and keeps quiet about a concurrent job', async () => {
    const swagger = fake.vault('swaggerExample');
    const t = app.clock.now() - HOUR;
    const failed = (name: string, vm: string, code: string, text: string) =>
      fake.putJob(swagger, name, { jobType: 'AzureIaaSVMJob', entityFriendlyName: vm, backupManagementType: 'AzureIaasVM', operation: 'Backup', status: 'Failed', startTime: new Date(t).toISOString(), endTime: new Date(t + 60_000).toISOString(), errorDetails: [{ errorCode: code, errorString: text, recommendations: [] }] });
    failed('gone-0001', 'deleted-vm', 'BCMV2VMNotFound', "Virtual machine doesn't exist.");
    failed('busy-0001', 'busy-vm', 'UserErrorAnotherOperationInProgress', 'Another operation is currently in progress on this item.');
    const c = await createAzure(app, fake);
    await sync(c.id);
    expect((await jobsOf(app, 'deleted-vm'))[0]).toMatchObject({ status: 'failed', reason: 'source_deleted' });
    expect((await deviceNamed(app, 'deleted-vm')).status).toBe('retired');
    expect((await jobsOf(app, 'busy-vm'))[0]).toMatchObject({ status: 'failed', reason: 'concurrent_job' });
    const noisy = (await app.alerts()).filter((a: any) => ['deleted-vm', 'busy-vm'].includes(a.device_name));
    expect(noisy).toEqual([]);
  });
});

describe('client mapping', () => {
  it("puts each vault's devices in the client named by its resource group or tag", async () => {
    const byRg = await createAzure(app, fake, { client_by: 'resource_group', client_map: { helloworld: 'Hello World Ltd' } }, 'By group');
    await sync(byRg.id);
    const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items;
    const idOf = (name: string) => clients.find((x: any) => x.name === name)?.id;
    expect(idOf('Default-RecoveryServices-ResourceGroup')).toBeDefined();
    expect((await deviceNamed(app, 'testvm')).client_id).toBe(idOf('Default-RecoveryServices-ResourceGroup'));
    expect((await deviceNamed(app, 'vm-a')).client_id).toBe(idOf('Hello World Ltd'));
  });

  it('falls back to the named client for vaults without the tag', async () => {
    const c = await createAzure(app, fake, { client_by: 'tag', client_tag: 'love', client: 'Unsorted' }, 'By tag');
    await sync(c.id);
    const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items;
    const idOf = (name: string) => clients.find((x: any) => x.name === name)?.id;
    // patchtest is tagged {"Love": "India"} (tag names are case-insensitive); the others are not.
    expect((await deviceNamed(app, 'testvm')).client_id).toBe(idOf('India'));
    expect((await deviceNamed(app, 'vm-a')).client_id).toBe(idOf('Unsorted'));
  });
});
