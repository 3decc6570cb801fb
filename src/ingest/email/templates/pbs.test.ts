import { describe, expect, it } from 'vitest';
import { pbs } from './pbs.js';
import { loadFixture } from './test-fixtures.js';

describe('Proxmox Backup Server template', () => {
  it('reads a garbage collection: the datastore, on-disk usage, start from the UPID, end at the mail date', async () => {
    const mail = await loadFixture('pbs/gc-ok.eml');
    expect(pbs.detect(mail)).toBe(true);
    expect(pbs.parse(mail)).toEqual([
      {
        device: 'store1',
        check: 'gc',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'successful',
        startedAt: Date.UTC(2024, 10, 10, 0, 30, 0),
        endedAt: Date.UTC(2024, 10, 10, 1, 31, 7),
        durationMs: 3_667_000,
        bytes: Math.round(994.524 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads a failed verify as a verification with the snapshots that failed', async () => {
    const [job] = pbs.parse(await loadFixture('pbs/verify-failed.eml'));
    expect(job).toMatchObject({
      device: 'store1',
      check: 'verify v-3fb5a8f1-d2a4',
      kind: 'verification',
      status: 'failed',
      bytes: null,
      message: 'vm/101/2024-11-09T23:00:02Z\nct/105/2024-11-09T23:05:14Z',
    });
  });

  it('puts a sync on its local target store, as a copy, with the error text', async () => {
    const [job] = pbs.parse(await loadFixture('pbs/sync-failed.eml'));
    expect(job).toMatchObject({
      device: 'offsite-copy',
      check: 'sync s-8d2c51e0-77aa',
      kind: 'copy',
      status: 'failed',
      message: 'error trying to connect: tcp connect error: No route to host (os error 113)',
    });
  });

  it('reads prune and tape backup jobs with their ids, and the tape job duration', async () => {
    const [prune] = pbs.parse(await loadFixture('pbs/prune-ok.eml'));
    expect(prune).toMatchObject({ device: 'store1', check: 'prune default-store1-4d2e1b6f-b21c', status: 'succeeded', durationMs: null });
    const [tape] = pbs.parse(await loadFixture('pbs/tape-backup-ok.eml'));
    expect(tape).toMatchObject({ device: 'store1', check: 'tape-backup weekly-tape', kind: 'copy', status: 'succeeded', durationMs: 6_432_000 });
  });

  it('does not call success what the body says failed, and says when the result line is missing', async () => {
    const mail = await loadFixture('pbs/prune-ok.eml');
    const contradicted = pbs.parse({ ...mail, text: mail.text.replace('Pruning successful.', 'Pruning failed: datastore is read-only') })[0]!;
    expect(contradicted).toMatchObject({ status: 'failed', message: 'datastore is read-only' });
    const missing = pbs.parse({ ...mail, text: mail.text.replace('Pruning successful.', '') })[0]!;
    expect(missing).toMatchObject({ status: 'succeeded', unread: ['result line'] });
  });

  it('names a usage figure it cannot read', async () => {
    const mail = await loadFixture('pbs/gc-ok.eml');
    const [job] = pbs.parse({ ...mail, text: mail.text.replace('994.524 GiB (11.48%)', 'n/a') });
    expect(job).toMatchObject({ bytes: null, unread: ['on-disk usage: "n/a"'] });
  });

  it('does not take a PBS-like subject without the task body', async () => {
    const mail = await loadFixture('pbs/gc-ok.eml');
    expect(pbs.detect({ ...mail, text: 'Our garbage collection was great this week.' })).toBe(false);
    expect(pbs.detect({ ...mail, subject: "Verify Datastore 'store1' pending" })).toBe(false);
  });
});
