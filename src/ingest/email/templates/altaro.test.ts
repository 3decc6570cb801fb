import { describe, expect, it } from 'vitest';
import { altaro } from './altaro.js';
import { loadFixture } from './test-fixtures.js';

describe('Hornetsecurity VM Backup (Altaro) template', () => {
  it('reads a backup result mail as one job for the guest VM', async () => {
    const mail = await loadFixture('altaro/backup-success.eml');
    expect(altaro.detect(mail)).toBe(true);
    expect(altaro.parse(mail)).toEqual([
      {
        device: 'DC01',
        check: 'Backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Successful',
        startedAt: Date.UTC(2024, 2, 14, 22, 0, 5),
        endedAt: Date.UTC(2024, 2, 14, 22, 14, 40),
        durationMs: 875_000,
        bytes: Math.round(3.21 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads a failed offsite copy as a copy job with the ALTERR text', async () => {
    const [j] = altaro.parse(await loadFixture('altaro/offsite-failed.eml'));
    expect(j).toMatchObject({ device: 'SQL01', check: 'Offsite Copy', kind: 'copy', status: 'failed', bytes: null, durationMs: 662_000 });
    expect(j!.message).toMatch(/could not be reached.*\(ALTERR_OFFSITE_CONNECTION_FAILED\)$/);
    expect(j!.unread).toBeUndefined();
  });

  it('splits the report table into one job per VM and operation, ending each at start plus duration', async () => {
    const jobs = altaro.parse(await loadFixture('altaro/report-failed.eml'));
    expect(jobs.map((j) => [j.device, j.check, j.kind, j.status])).toEqual([
      ['DC01', 'Backup', 'backup', 'succeeded'],
      ['DC01', 'Offsite Copy', 'copy', 'succeeded'],
      ['FS01', 'Backup', 'backup', 'failed'],
    ]);
    expect(jobs[0]).toMatchObject({ startedAt: Date.UTC(2024, 2, 15, 22, 0, 4), endedAt: Date.UTC(2024, 2, 15, 22, 12, 14), bytes: Math.round(2.8 * 1024 ** 3), message: null });
    expect(jobs[2]).toMatchObject({ bytes: 0, durationMs: 37_000 });
    expect(jobs[2]!.message).toContain('(ALTERR_VSS_WRITER_FAILED)');
  });

  it('reads several result blocks in one mail', async () => {
    const mail = await loadFixture('altaro/backup-success.eml');
    const second = '\n\nBackup Result: Failed\nGuest VM Name: WEB02\nHost: HV01\nError: Not enough space on the backup location. (ALTERR_NOT_ENOUGH_SPACE)\n';
    const jobs = altaro.parse({ ...mail, text: mail.text + second });
    expect(jobs.map((j) => [j.device, j.status])).toEqual([
      ['DC01', 'succeeded'],
      ['WEB02', 'failed'],
    ]);
  });

  it('notes what a successful result lacks or cannot be read, and never takes an unknown word for success', async () => {
    const mail = await loadFixture('altaro/backup-success.eml');
    const text = mail.text.replace('Successful', 'Deferred').replace(/^Transferred: .*$/m, '').replace('14/03/2024 22:14:40', 'later');
    const [j] = altaro.parse({ ...mail, text });
    expect(j).toMatchObject({ status: 'failed', endedAt: null, bytes: null, durationMs: 875_000 });
    expect(j!.unread).toEqual(['status: "Deferred"', 'end time: "later"']);
    const [ok] = altaro.parse({ ...mail, text: mail.text.replace(/^Transferred: .*$/m, '') });
    expect(ok!.unread).toEqual(['size']);
  });

  it('does not take a result block that names no Altaro or Hornetsecurity product', async () => {
    const mail = await loadFixture('altaro/backup-success.eml');
    expect(altaro.detect({ ...mail, fromName: null, subject: 'Backup Successful for VM DC01', text: mail.text.replace('Altaro VM Backup', '') })).toBe(false);
  });
});
