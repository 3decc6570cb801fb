// What the Azure connector does when Azure pushes back: rejected credentials, throttling, a vault
// that fails, and Site Recovery health that changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzure, deviceNamed, jobsOf, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';

let app: EngineApp;
let fake: FakeAzure;

beforeEach(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
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
const integration = async (id: string) => (await app.request('GET', '/api/v1/integrations')).body.items.find((i: any) => i.id === id);

describe('credentials', () => {
  it("an expired client secret raises integration_auth with Entra's own words, and the next good sync resolves it", async () => {
    const c = await createAzure(app, fake);
    expect((await sync(c.id)).outcome).toBe('ok');
    const overdue = async () => (await app.alerts('type=backup_overdue')).map((a: any) => a.device_name).sort();
    const overdueBefore = await overdue();

    app.clock.advance(HOUR); // the cached token has run out
    fake.secretState = 'expired';
    const failed = await sync(c.id);
    expect(failed).toMatchObject({ status: 'failed', outcome: 'auth' });
    expect(failed.error).toMatch(/^AADSTS7000222: The provided client secret keys for app '.+' are expired/);
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert).toMatchObject({ severity: 'critical', scope: 'integration', integration_id: c.id });
    expect(alert.detail).toMatchObject({ source: c.source });
    expect(alert.detail.error).toContain('AADSTS7000222');
    expect(await integration(c.id)).toMatchObject({ healthy: false });
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.last_run).toMatchObject({ status: 'failed' });

    // Past the 12 h SLA the Azure-fed devices wait on the integration instead of paging one by one.
    await app.advance(13 * HOUR);
    expect(await overdue()).toEqual(overdueBefore);
    expect(overdueBefore).not.toContain('uttestvmub1');

    fake.secretState = 'valid';
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    expect(await integration(c.id)).toMatchObject({ healthy: true, auth_error: null });
    // Recovered, but no new backups came: now they are overdue, each on its own.
    expect(await overdue()).toContain('uttestvmub1');
  });

  it('fetches a new token once when ARM stops accepting the cached one', async () => {
    const c = await createAzure(app, fake);
    await sync(c.id);
    fake.revokeTokens();
    app.clock.advance(10 * 60_000);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(fake.tokensIssued).toBe(2);
  });

  it('names the vault whose access is refused, and still syncs the others', async () => {
    fake.vault('swaggerExample').fail = { status: 403, code: 'AuthorizationFailed', message: "The client does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupJobs/read'." };
    const c = await createAzure(app, fake);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'auth' });
    expect(run.errors).toEqual([{ scope: 'vault swaggerExample', kind: 'auth', message: expect.stringContaining('AuthorizationFailed') }]);
    expect(await deviceNamed(app, 'testvm')).toBeDefined();
    expect(await deviceNamed(app, 'vm-a')).toBeUndefined();
    const [alert] = await app.alerts('type=integration_auth');
    expect(alert.detail.error).toContain('vault swaggerExample');
  });
});

describe('throttling', () => {
  it('waits as Retry-After says and finishes the sync', async () => {
    const c = await createAzure(app, fake);
    fake.throttle = { remaining: 3, retryAfter: 7 };
    const before = app.clock.now();
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'succeeded', outcome: 'ok' });
    expect(run.counts).toMatchObject({ throttled: 3, throttle_wait_ms: 21_000 });
    expect(app.clock.now() - before).toBeGreaterThanOrEqual(21_000);
    expect(await app.alerts('type=integration_quota')).toEqual([]);
  });

  it('raises integration_quota when throttling does not let up, and resolves it on the next good sync', async () => {
    const c = await createAzure(app, fake);
    fake.throttle = { remaining: 1_000_000, retryAfter: 60 };
    const asked = fake.armRequests().length;
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'failed', outcome: 'quota' });
    expect(run.error).toMatch(/kept answering 429/);
    // It gave up after about five minutes of waiting, not after a million calls.
    expect(fake.armRequests().length - asked).toBeLessThanOrEqual(7);
    const [alert] = await app.alerts('type=integration_quota');
    expect(alert).toMatchObject({ severity: 'warning', integration_id: c.id });

    fake.throttle = { remaining: 0, retryAfter: 60 };
    app.clock.advance(HOUR);
    expect((await sync(c.id)).outcome).toBe('ok');
    expect(await app.alerts('type=integration_quota')).toEqual([]);
  });
});

describe('a failing vault', () => {
  it('does not stop the other vaults, and its window is read again on the next sync', async () => {
    fake.vault('swaggerExample').fail = { status: 500, code: 'InternalServerError', message: 'An internal error occurred.' };
    const c = await createAzure(app, fake);
    const run = await sync(c.id);
    expect(run).toMatchObject({ status: 'partial', outcome: 'ok' });
    expect(run.counts).toMatchObject({ vaults: 3, vaults_failed: 1 });
    expect(run.errors).toEqual([{ scope: 'vault swaggerExample', kind: 'other', message: expect.stringContaining('InternalServerError') }]);
    expect(await deviceNamed(app, 'testvm')).toBeDefined();
    expect(await deviceNamed(app, 'vm-a')).toBeUndefined();
    expect(await app.alerts('type=integration_auth')).toEqual([]);

    fake.vault('swaggerExample').fail = null;
    app.clock.advance(HOUR);
    const next = await sync(c.id);
    expect(next).toMatchObject({ status: 'succeeded', errors: [] });
    expect((await jobsOf(app, 'vm-a')).map((j: any) => j.status)).toEqual(['failed']);
  });
});

describe('Site Recovery health', () => {
  it('going Critical raises replication_unhealthy, an unchanged health is not recorded again, and back to Normal resolves it', async () => {
    const c = await createAzure(app, fake);
    await sync(c.id);
    const item = fake.vault('today1').replicationItems[0] as { properties: Record<string, unknown> };
    const vm1 = async () => jobsOf(app, 'vm1');
    expect((await vm1()).map((j: any) => j.health)).toEqual([{ replication: 'normal', failover: null }]);
    const unhealthy = async () => (await app.alerts('type=replication_unhealthy')).filter((a: any) => a.device_name === 'vm1');
    expect(await unhealthy()).toEqual([]);

    item.properties.replicationHealth = 'Critical';
    item.properties.failoverHealth = 'Warning';
    item.properties.healthErrors = [{ errorCode: '150097', errorMessage: 'Replication is blocked for the virtual machine.', errorLevel: 'Error', creationTimeUtc: '2026-11-20T06:30:00Z' }];
    await app.advance(HOUR);
    await sync(c.id);
    const [alert] = await unhealthy();
    expect(alert).toMatchObject({ severity: 'critical', check_name: 'Site Recovery' });
    expect(alert.detail).toMatchObject({ replication: 'critical', failover: 'warning' });
    expect((await vm1())[0]).toMatchObject({ message: 'Replication is blocked for the virtual machine.', error_code: '150097' });

    await app.advance(HOUR);
    await sync(c.id);
    expect(await vm1()).toHaveLength(2);

    item.properties.replicationHealth = 'Normal';
    item.properties.failoverHealth = 'Normal';
    item.properties.healthErrors = [];
    await app.advance(HOUR);
    await sync(c.id);
    expect(await unhealthy()).toEqual([]);
    expect((await vm1()).map((j: any) => j.health.replication)).toEqual(['normal', 'critical', 'normal']);

    // An unchanged health is still recorded once a day, as a sign of life.
    await app.advance(25 * HOUR);
    await sync(c.id);
    expect(await vm1()).toHaveLength(4);
  });
});
