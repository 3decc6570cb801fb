// A pull connector cannot be refused: a job whose end Azure reports ahead of Keepwatch's clock is
// stored at the time it was synced, flagged clock_skew, instead of keeping the device green for days.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzure, jobsOf, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';

let app: EngineApp;
let fake: FakeAzure;

beforeEach(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
  fake = await FakeAzure.start();
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('a connector job reported ahead of the clock', () => {
  it('is stored at the sync time and flagged, its duration kept; a job in the past is not flagged', async () => {
    const now = app.clock.now();
    const vault = fake.addVault('skewvault', 'rg-skew');
    const job = (name: string, start: number, end: number) =>
      fake.putJob(vault, name, {
        jobType: 'AzureIaaSVMJob',
        entityFriendlyName: name,
        backupManagementType: 'AzureIaasVM',
        operation: 'Backup',
        status: 'Completed',
        startTime: new Date(start).toISOString(),
        endTime: new Date(end).toISOString(),
        duration: 'PT30M',
      });
    job('vm-fast-clock', now - HOUR, now + 48 * HOUR);
    job('vm-good-clock', now - HOUR, now - HOUR / 2);
    const c = await createAzure(app, fake);
    expect((await syncNow(app, c.id)).status).toBe('succeeded');

    const [skewed] = await jobsOf(app, 'vm-fast-clock');
    expect(skewed).toMatchObject({ clock_skew: true, ended_at: new Date(now).toISOString(), started_at: new Date(now - HOUR).toISOString(), duration_seconds: 1800 });
    const [good] = await jobsOf(app, 'vm-good-clock');
    expect(good).toMatchObject({ clock_skew: false, ended_at: new Date(now - HOUR / 2).toISOString() });
  });
});
