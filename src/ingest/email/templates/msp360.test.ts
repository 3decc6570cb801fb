import { describe, expect, it } from 'vitest';
import { msp360 } from './msp360.js';
import { loadFixture } from './test-fixtures.js';

describe('MSP360 (CloudBerry) template', () => {
  it('reads the HTML plan summary as one job for the plan on its computer', async () => {
    const mail = await loadFixture('msp360/cloudberry-success.eml');
    expect(msp360.detect(mail)).toBe(true);
    expect(msp360.parse(mail)).toEqual([
      {
        device: 'WS01',
        check: 'Documents to S3',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Success',
        startedAt: Date.UTC(2024, 2, 4, 22, 0, 1),
        endedAt: Date.UTC(2024, 2, 4, 22, 12, 31),
        durationMs: 750_000,
        bytes: Math.round(1.21 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads a failed plan with its error and file counts, and no size', async () => {
    const [j] = msp360.parse(await loadFixture('msp360/managed-failed.eml'));
    expect(j).toMatchObject({ device: 'SQL01', check: 'SQL nightly', status: 'failed', rawStatus: 'Failed', bytes: null, durationMs: 42_000 });
    expect(j!.message).toContain("Unable to connect to SQL Server instance 'SQL01\\SQLEXPRESS'");
    expect(j!.message).toContain('files failed: 0');
    expect(j!.unread).toBeUndefined();
  });

  it('reads a warning with the files that were not backed up', async () => {
    const [j] = msp360.parse(await loadFixture('msp360/managed-warning.eml'));
    expect(j).toMatchObject({ device: 'WS07', status: 'warning', bytes: Math.round(48.2 * 1024 ** 2), durationMs: 57_000 });
    expect(j!.message).toContain('NTUSER.DAT (file is in use)');
    expect(j!.message).toContain('files failed: 2');
  });

  it('turns a Success with failed files into a warning', async () => {
    const mail = await loadFixture('msp360/managed-warning.eml');
    const [j] = msp360.parse({ ...mail, text: mail.text.replace('Result: Warning', 'Result: Success') });
    expect(j).toMatchObject({ status: 'warning', rawStatus: 'Success' });
  });

  it('lists what a half-matching summary lacks instead of failing', async () => {
    const mail = await loadFixture('msp360/managed-warning.eml');
    const text = mail.text.replace(/^Finish time: .*\n/m, '').replace(/^Total size of copied files: .*$/m, 'Total size of copied files: not measured');
    const [j] = msp360.parse({ ...mail, text });
    expect(j).toMatchObject({ endedAt: null, bytes: null, durationMs: 57_000 });
    expect(j!.unread).toEqual(['end time', 'size: "not measured"']);
  });

  it('never takes an unknown result word for success', async () => {
    const mail = await loadFixture('msp360/managed-failed.eml');
    const [j] = msp360.parse({ ...mail, text: mail.text.replace('Result: Failed', 'Result: Skipped by policy') });
    expect(j!.status).toBe('failed');
    expect(j!.unread).toContain('status: "Skipped by policy"');
  });

  it('does not take a plan summary that names no MSP360 or CloudBerry product', async () => {
    const mail = await loadFixture('msp360/managed-failed.eml');
    const bare = { ...mail, from: 'ops@corp.example', fromName: null, text: mail.text.replace('MSP360 Managed Backup 7.9.4.83', '') };
    expect(msp360.detect(bare)).toBe(false);
  });
});
