import { describe, expect, it } from 'vitest';
import type { PbsTask } from './api.js';
import { type MapContext, mapTask, parseWorkerId, serverFacts, taskKind, taskStatus } from './map.js';

const ctx: MapContext = { source: 'pbs:c1', client: 'Acme', server: 'pbs.acme.example' };
const t = (over: Partial<PbsTask>): PbsTask => ({ upid: 'UPID:pbs:1', starttime: 1_790_000_000, worker_type: 'backup', worker_id: 'store1:vm/100', endtime: 1_790_000_600, status: 'OK', ...over });

describe('PBS mapping', () => {
  it('reads the datastore and the group of a worker id, namespaces included', () => {
    expect(parseWorkerId('store1:vm/100')).toMatchObject({ store: 'store1', group: { type: 'vm', id: '100' } });
    expect(parseWorkerId('store1:ns/pve/vm/100')).toMatchObject({ store: 'store1', group: { type: 'vm', id: '100' } });
    expect(parseWorkerId('store1:host/web-01/66F0A1B2')).toMatchObject({ group: { type: 'host', id: 'web-01' } });
    expect(parseWorkerId('store1:v-daily')).toMatchObject({ store: 'store1', group: null });
    expect(parseWorkerId('store1')).toMatchObject({ store: 'store1', group: null });
  });

  it("maps TaskState's strings", () => {
    expect(taskStatus(t({ status: 'OK' })).status).toBe('succeeded');
    expect(taskStatus(t({ status: 'WARNINGS: 3' }))).toMatchObject({ status: 'warning', raw: 'WARNINGS: 3' });
    expect(taskStatus(t({ status: 'unknown' })).status).toBe('failed');
    expect(taskStatus(t({ status: 'abort requested - aborting task' }))).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_user' });
    expect(taskStatus(t({ status: 'connection error: timed out' }))).toMatchObject({ status: 'failed', message: 'connection error: timed out' });
    expect(taskStatus(t({ status: undefined, endtime: undefined })).status).toBe('running');
  });

  it('knows which worker types it records and as what', () => {
    expect(taskKind(t({ worker_type: 'verify_group' }))).toEqual({ kind: 'verify' });
    expect(taskKind(t({ worker_type: 'syncjob', worker_id: 'remote1:rstore:store1:s-nightly' }))).toEqual({ kind: 'copy', check: 'PBS sync job s-nightly', tier: 'hot' });
    expect(taskKind(t({ worker_type: 'tape-backup-job' }))).toMatchObject({ kind: 'copy', tier: 'cold' });
    expect(taskKind(t({ worker_type: 'garbage_collection' }))).toMatchObject({ kind: 'maintenance' });
    expect(taskKind(t({ worker_type: 'reader' }))).toBeNull();
    expect(taskKind(t({ worker_type: 'aptupdate' }))).toBeNull();
  });

  it('puts a backup on its group with its snapshot size, and a datastore verification on the server', () => {
    const backup = mapTask(t({}), ctx, () => 123)!;
    expect(backup).toMatchObject({ externalId: 'UPID:pbs:1', device: { name: 'vm/100', type: 'vm' }, check: { name: 'PBS backup', kind: 'backup' }, bytes: 123, durationMs: 600_000 });
    const verify = mapTask(t({ worker_type: 'verificationjob', worker_id: 'store1:v-daily', status: 'verification failed - please check the log for details' }), ctx, () => null)!;
    expect(verify).toMatchObject({ device: { name: 'pbs.acme.example', type: 'backup_server' }, check: { name: 'PBS verify store1', kind: 'verification' }, status: 'failed' });
    expect(mapTask(t({ worker_id: 'store1' }), ctx, () => null)).toBeNull();
  });

  it('sums datastore usage, leaving out datastores that answered an error', () => {
    expect(
      serverFacts([
        { store: 'a', total: 100, used: 40, avail: 60 },
        { store: 'b', total: 300, used: 60, avail: 240 },
        { store: 'c', error: 'unable to open' },
      ]),
    ).toEqual({ storageUsedBytes: 100, storageQuotaBytes: 400, freeSpacePercent: 75, purgeable: null });
    expect(serverFacts([])).toBeNull();
  });
});
