import { describe, expect, it } from 'vitest';
import { itemRecords, replicationFingerprint, replicationRecord, vaultHealthSummary } from './items.js';
import { type AzureJob, jobOperation, jobReason, jobStatus, type MapContext, mapJob } from './map.js';
import { vaultRef } from './parse.js';

const vault = vaultRef({ id: '/subscriptions/sub-1/resourceGroups/rg1/providers/Microsoft.RecoveryServices/vaults/vault1', name: 'vault1' })!;
const ctx: MapContext = { source: 'azure:c1', client: 'Contoso', vault };

function job(properties: AzureJob['properties'], name = '11111111-1111-1111-1111-111111111111'): AzureJob {
  return { name, properties: { jobType: 'AzureIaaSVMJob', entityFriendlyName: 'vm-a', backupManagementType: 'AzureIaasVM', operation: 'Backup', ...properties } };
}

describe('Azure job mapping', () => {
  it('maps every JobStatus', () => {
    expect(jobStatus('Completed')).toBe('succeeded');
    expect(jobStatus('CompletedWithWarnings')).toBe('warning');
    expect(jobStatus('Failed')).toBe('failed');
    expect(jobStatus('Cancelled')).toBe('cancelled');
    expect(jobStatus('InProgress')).toBe('running');
    expect(jobStatus('Cancelling')).toBe('running');
    expect(jobStatus('Invalid')).toBe('failed');
  });

  it('marks deleting backup data destructive, and stopping protection only when its details say the data went too', () => {
    expect(jobOperation(job({ operation: 'DeleteBackupData' }))).toBe('delete_backup_data');
    expect(jobOperation(job({ operation: 'DisableBackup' }))).toBe('stop_protection');
    expect(jobOperation(job({ operation: 'DisableBackup', extendedInfo: { propertyBag: { 'Delete Backup Data': 'True' } } }))).toBe('stop_protection_delete');
    expect(jobOperation(job({ operation: 'DisableBackup', extendedInfo: { propertyBag: { 'Delete Backup Data': 'False' } } }))).toBe('stop_protection');
    expect(jobOperation(job({ operation: 'CrossRegionRestore' }))).toBe('restore');
    expect(jobOperation(job({ operation: 'ConfigureBackup' }))).toBe('configure');
  });

  it('gives the reasons that keep a job from alerting', () => {
    expect(jobReason(job({ status: 'Cancelled' }), 'cancelled')).toBe('cancelled_by_user');
    const gone = job({ status: 'Failed', errorDetails: [{ errorCode: 'BCMV2VMNotFound', errorString: "Virtual machine doesn't exist." }] });
    expect(jobReason(gone, 'failed')).toBe('source_deleted');
    const gone2 = job({ status: 'Failed', errorDetails: [{ errorCode: 400123, errorString: 'The VM no longer exists in the subscription.' }] });
    expect(jobReason(gone2, 'failed')).toBe('source_deleted');
    const busy = job({ status: 'Failed', errorDetails: [{ errorCode: 'UserErrorAnotherOperationInProgress', errorString: 'Another operation is currently in progress on this item.' }] });
    expect(jobReason(busy, 'failed')).toBe('concurrent_job');
    expect(jobReason(job({ status: 'Failed', errorDetails: [{ errorCode: 400001, errorString: 'VSS snapshot failed' }] }), 'failed')).toBeNull();
  });

  it('turns a finished backup job into a normalised job with its size, duration and error', () => {
    const j = mapJob(
      job({
        status: 'Failed',
        startTime: '2024-01-01T22:00:05.000Z',
        endTime: '2024-01-01T22:10:40.000Z',
        duration: 'PT10M35S',
        isUserTriggered: true,
        errorDetails: [{ errorCode: 400001, errorString: 'Snapshot failed', recommendations: ['Retry'] }],
        extendedInfo: { propertyBag: { 'Backup Size': '2332 MB' } },
      }),
      ctx,
    )!;
    expect(j).toMatchObject({
      source: 'azure:c1',
      externalId: '11111111-1111-1111-1111-111111111111',
      clientName: 'Contoso',
      device: { name: 'vm-a', class: 'server', type: 'vm' },
      check: { name: 'Azure Backup', kind: 'backup' },
      status: 'failed',
      rawStatus: 'Failed',
      operation: 'backup',
      trigger: 'manual',
      startedAt: Date.parse('2024-01-01T22:00:05Z'),
      endedAt: Date.parse('2024-01-01T22:10:40Z'),
      durationMs: 635_000,
      bytes: 2332 * 1024 ** 2,
      message: 'Snapshot failed',
      errorCode: '400001',
    });
    expect(j.log).toContain('Retry');
    expect(JSON.parse(j.raw).properties.status).toBe('Failed');
  });

  it('keeps a running job open and management operations off the backup check', () => {
    const running = mapJob(job({ status: 'InProgress', startTime: '2017-08-03T05:31:07.014604Z', duration: 'PT12.4272909S' }), ctx)!;
    expect(running).toMatchObject({ status: 'running', endedAt: null, durationMs: null });
    const restore = mapJob(job({ operation: 'Restore', status: 'Completed', startTime: '2024-01-02T08:00:00Z', endTime: '2024-01-02T08:05:00Z' }), ctx)!;
    expect(restore.check).toBeNull();
    expect(restore.operation).toBe('restore');
  });

  it('derives a missing end from the duration and skips jobs it could not deduplicate', () => {
    const j = mapJob(job({ status: 'Completed', startTime: '2018-05-21T08:35:40Z', duration: '00:20:23.0896697' }), ctx)!;
    expect(j.endedAt).toBe(Date.parse('2018-05-21T08:35:40Z') + 1_223_090);
    expect(mapJob({ properties: { entityFriendlyName: 'x', status: 'Completed' } }, ctx)).toBeNull();
    expect(mapJob(job({ entityFriendlyName: '  ' }), ctx)).toBeNull();
  });
});

describe('protected items and Site Recovery health', () => {
  const horizon = Date.parse('2026-10-01T00:00:00Z');
  const item = (p: Record<string, unknown>) => ({ name: 'VM;iaasvmcontainerv2;rg;vm-a', properties: { friendlyName: 'vm-a', protectionState: 'Protected', healthStatus: 'Passed', ...p } });

  it('adds nothing for an item whose last backup is inside the pulled history', () => {
    expect(itemRecords(item({ lastBackupStatus: 'Completed', lastBackupTime: '2026-10-05T01:00:00Z' }), ctx, horizon)).toEqual([]);
  });

  it("records a recent last backup too when the vault's first sync saw no job of that device", () => {
    const [j] = itemRecords(item({ lastBackupStatus: 'CompletedWithWarnings', lastBackupTime: '2026-10-05T01:00:00Z' }), ctx, horizon, false);
    expect(j).toMatchObject({ status: 'warning', endedAt: Date.parse('2026-10-05T01:00:00Z') });
  });

  it("records an older last backup, and the last recovery point when that backup failed", () => {
    const out = itemRecords(item({ lastBackupStatus: 'Failed', lastBackupTime: '2026-09-20T01:00:00Z', lastRecoveryPoint: '2026-09-18T01:00:00Z' }), ctx, horizon);
    expect(out.map((j) => [j.status, j.endedAt, j.check?.name])).toEqual([
      ['failed', Date.parse('2026-09-20T01:00:00Z'), 'Azure Backup'],
      ['succeeded', Date.parse('2026-09-18T01:00:00Z'), 'Azure Backup'],
    ]);
    expect(out[0]!.externalId).toBe(`item:rg1/vault1/vm;iaasvmcontainerv2;rg;vm-a:last-backup:${Date.parse('2026-09-20T01:00:00Z')}`);
  });

  it('records a never-backed-up item as skipped, so its device and check exist', () => {
    const [j] = itemRecords(item({ protectionState: 'IRPending' }), ctx, horizon);
    expect(j).toMatchObject({ status: 'skipped', endedAt: null, rawStatus: 'IRPending', externalId: 'item:rg1/vault1/vm;iaasvmcontainerv2;rg;vm-a:no-backup-yet' });
  });

  it('records replication health as a replication job carrying health, keyed by when it was observed', () => {
    const asr = { name: 'f8491e4f', properties: { friendlyName: 'vm1', replicationHealth: 'Critical', failoverHealth: 'Normal', protectionState: 'Protected', healthErrors: [{ errorCode: '150097', errorMessage: 'RPO exceeded' }] } };
    const j = replicationRecord(asr, ctx, 'asr:rg1/vault1/f8491e4f', 1000)!;
    expect(j).toMatchObject({ externalId: 'asr:rg1/vault1/f8491e4f:1000', status: 'succeeded', operation: 'replication', healthReplication: 'critical', healthFailover: 'normal', message: 'RPO exceeded', errorCode: '150097', check: { kind: 'replication' } });
    const calm = { ...asr, properties: { ...asr.properties, replicationHealth: 'Normal', healthErrors: [] } };
    expect(replicationFingerprint(calm)).not.toBe(replicationFingerprint(asr));
  });

  it("sums up a vault's Site Recovery health from its issues, and ignores vaults without Site Recovery", () => {
    const s = vaultHealthSummary({ properties: { vaultErrors: [], protectedItemsHealth: { resourceCount: 6, issues: [{ summaryCode: '10008', severity: 'Error', summaryMessage: 'RPO Throttled' }] }, fabricsHealth: { resourceCount: 1, issues: [] } } });
    expect(s).toEqual({ level: 'critical', issues: ['RPO Throttled (10008)'] });
    expect(vaultHealthSummary({ properties: { vaultErrors: [], protectedItemsHealth: { resourceCount: 0, issues: [] }, fabricsHealth: { resourceCount: 0, issues: [] } } })).toBeNull();
  });
});
