import { describe, expect, it } from 'vitest';
import { type CompanyContext, computerClass, jobKind, mapAgentJob, mapServerJobAll, sessionStatus } from './map.js';

const ctx: CompanyContext = {
  source: 'veeam-spc:test',
  client: 'Acme',
  vms: new Map([['sql01', { name: 'sql01', totalRestorePointSize: 1024 }]]),
  computers: new Map([['agent-1', { backupAgentUid: 'AGENT-1', name: 'LAPTOP', operationMode: 'Workstation' }]]),
  servers: new Map([['srv-1', 'VBR01']]),
};

describe('veeam-spc mapping', () => {
  it('maps session statuses; a job that never ran records nothing', () => {
    expect(['Success', 'Warning', 'Failed', 'Running', 'Starting', 'Pending', 'WaitingTape', 'Unknown', 'Something new'].map(sessionStatus)).toEqual([
      'succeeded',
      'warning',
      'failed',
      'running',
      'running',
      'running',
      'running',
      'failed',
      'failed',
    ]);
    expect(['None', 'Idle', 'Enabling', 'Disabling', undefined].map(sessionStatus)).toEqual([null, null, null, null, null]);
  });

  it('maps job types to check kinds', () => {
    expect(jobKind('BackupCopy')).toEqual({ kind: 'copy', tier: 'hot', operation: 'copy' });
    expect(jobKind('BackupToTape')).toEqual({ kind: 'copy', tier: 'cold', operation: 'copy' });
    expect(jobKind('CdpReplicationVM').kind).toBe('replication');
    expect(jobKind('SureBackup').kind).toBe('verification');
    expect(jobKind('BackupVm').kind).toBe('backup');
    expect(computerClass('Workstation')).toBe('workstation');
    expect(computerClass('Server')).toBe('server');
  });

  it('records one job per session task, and the job itself when it has no tasks', () => {
    const job = { instanceUid: 'J1', name: 'Nightly', type: 'BackupVm', status: 'Failed', lastRun: '2026-11-20T01:00:00Z', backupServerUid: 'SRV-1' };
    const tasks = [{ instanceUid: 'T1', objectName: 'sql01', status: 'Failed', startTime: '2026-11-20T01:00:00Z', endTime: '2026-11-20T01:10:00Z', duration: 600, failureMessages: ['Snapshot failed'] }];
    const [t] = mapServerJobAll({ ...job, lastSessionTasks: tasks }, ctx);
    expect(t).toMatchObject({ externalId: 'task:t1', status: 'failed', message: 'Snapshot failed', durationMs: 600_000, device: { name: 'sql01', type: 'vm' }, check: { name: 'Nightly', kind: 'backup' } });
    expect(t!.device.facts?.storageUsedBytes).toBe(1024);
    const [whole] = mapServerJobAll({ ...job, type: 'SureBackup', status: 'Success', lastEndTime: '2026-11-20T01:30:00Z' }, ctx);
    expect(whole).toMatchObject({ externalId: 'job:j1@2026-11-20T01:00:00.000Z', status: 'succeeded', device: { name: 'VBR01' }, check: { kind: 'verification' } });
    expect(mapServerJobAll({ ...job, status: 'None', lastRun: null }, ctx)).toEqual([]);
  });

  it('puts an agent job on its computer, and skips one whose computer is unknown', () => {
    const job = { instanceUid: 'A1', backupAgentUid: 'agent-1', name: 'Laptop', status: 'Running', lastRun: '2026-11-20T01:00:00Z', lastEndTime: '2026-11-19T01:00:00Z' };
    expect(mapAgentJob(job, ctx)).toMatchObject({ externalId: 'agent:a1@2026-11-20T01:00:00.000Z', status: 'running', endedAt: null, durationMs: null, device: { name: 'LAPTOP', class: 'workstation' } });
    expect(mapAgentJob({ ...job, backupAgentUid: 'other' }, ctx)).toBeNull();
  });
});

describe('the reference example', () => {
  it("maps the published BackupServerJob example (no session tasks: the job's own session on its server)", async () => {
    const { readFileSync } = await import('node:fs');
    const example = JSON.parse(readFileSync(new URL('../../../test/fixtures/veeam-spc/backup-server-job.json', import.meta.url), 'utf8'));
    const [j] = mapServerJobAll(example, { ...ctx, servers: new Map([['df997bd3-4ae9-4841-8152-8ff5cc703eab', 'BACKUP02']]) });
    expect(j).toMatchObject({
      externalId: 'job:edeb5975-b409-49b5-8ece-fffecb13494f@2016-11-01T17:35:28.000Z',
      status: 'succeeded',
      rawStatus: 'Success',
      startedAt: Date.parse('2016-11-01T17:35:28Z'),
      endedAt: Date.parse('2016-11-01T17:40:56Z'),
      durationMs: 328_000,
      bytes: 1052,
      device: { name: 'BACKUP02', class: 'server' },
      check: { name: 'Web server Backup to Cloud', kind: 'backup' },
    });
  });
});
