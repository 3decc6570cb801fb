import { describe, expect, it } from 'vitest';
import { arcserveUdp } from './arcserve-udp.js';
import { loadFixture } from './test-fixtures.js';

describe('Arcserve UDP template', () => {
  it('reads a successful job alert as one job for the node, checked under its plan', async () => {
    const mail = await loadFixture('arcserve-udp/backup-success.eml');
    expect(arcserveUdp.detect(mail)).toBe(true);
    expect(arcserveUdp.parse(mail)).toEqual([
      {
        device: 'SRV01',
        check: 'Servers - nightly',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Successful',
        startedAt: Date.UTC(2024, 2, 4, 22, 0, 3),
        endedAt: Date.UTC(2024, 2, 4, 22, 8, 44),
        durationMs: 521_000,
        bytes: Math.round(12.4 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads a failed job with its details and job ID', async () => {
    const [j] = arcserveUdp.parse(await loadFixture('arcserve-udp/backup-failed.eml'));
    expect(j).toMatchObject({ device: 'FS01', status: 'failed', rawStatus: 'Failed', durationMs: 81_000, bytes: 0 });
    expect(j!.message).toBe('Failed to connect to the Recovery Point Server RPS01. The network path was not found.\njob ID 2292');
  });

  it('reads a missed job as failed, without asking for times it cannot have', async () => {
    const [j] = arcserveUdp.parse(await loadFixture('arcserve-udp/backup-missed.eml'));
    expect(j).toMatchObject({ device: 'APP02', check: 'Application servers', status: 'failed', rawStatus: 'Missed', startedAt: null, durationMs: null });
    expect(j!.message).toContain('did not start');
    expect(j!.unread).toBeUndefined();
  });

  it('takes the outcome from the subject when the body has no job status', async () => {
    const mail = await loadFixture('arcserve-udp/backup-missed.eml');
    const text = mail.text.replace(/^Job Status: .*\n/m, '');
    expect(arcserveUdp.detect({ ...mail, text })).toBe(true);
    expect(arcserveUdp.parse({ ...mail, text })[0]).toMatchObject({ status: 'failed', rawStatus: 'missed' });
  });

  it('names what a successful alert lacks, and reads the kind from the job type', async () => {
    const mail = await loadFixture('arcserve-udp/backup-success.eml');
    const text = mail.text.replace(/^End Time\t.*$/m, 'End Time\tsoon').replace(/^Processed Data Size\t.*\n/m, '').replace('Incremental Backup', 'Replication (Remote)');
    const [j] = arcserveUdp.parse({ ...mail, text });
    expect(j).toMatchObject({ kind: 'replication', endedAt: null, bytes: null, durationMs: 521_000 });
    expect(j!.unread).toEqual(['end time: "soon"', 'size']);
  });

  it('never takes an unknown status word for success', async () => {
    const mail = await loadFixture('arcserve-udp/backup-success.eml');
    const [j] = arcserveUdp.parse({ ...mail, text: mail.text.replace('Successful', 'Waiting for merge') });
    expect(j).toMatchObject({ status: 'failed', unread: expect.arrayContaining(['status: "Waiting for merge"']) });
  });

  it('does not take a job table that names no Arcserve product', async () => {
    const mail = await loadFixture('arcserve-udp/backup-missed.eml');
    const bare = { ...mail, subject: 'Backup job of node APP02 missed', fromName: null, text: mail.text.replace(/Arcserve (Unified Data Protection|UDP)/g, 'Backup') };
    expect(arcserveUdp.detect(bare)).toBe(false);
  });
});
