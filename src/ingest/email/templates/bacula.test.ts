import { describe, expect, it } from 'vitest';
import { bacula, baculaStatus } from './bacula.js';
import { loadFixture } from './test-fixtures.js';

describe('Bacula / Bareos template', () => {
  it('reads a successful job: client, job name without its run suffix, times, bytes', async () => {
    const mail = await loadFixture('bacula/success.eml');
    expect(bacula.detect(mail)).toBe(true);
    expect(bacula.parse(mail)).toEqual([
      {
        device: 'web01-fd',
        check: 'web01-nightly',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Backup OK',
        startedAt: Date.UTC(2024, 2, 6, 23, 5, 2),
        endedAt: Date.UTC(2024, 2, 6, 23, 41, 0),
        durationMs: (35 * 60 + 58) * 1000,
        bytes: 1_601_540_211,
        message: null,
      },
    ]);
  });

  it('reads "Backup OK -- with warnings" as a warning with the error counts', async () => {
    const [job] = bacula.parse(await loadFixture('bacula/warning.eml'));
    expect(job).toMatchObject({ device: 'files02-fd', status: 'warning', durationMs: (3 * 3600 + 12 * 60 + 35) * 1000, bytes: 412_990_004_101 });
    expect(job!.message).toContain('Non-fatal FD errors: 3');
  });

  it('reads a Bareos error report with ISO times as failed', async () => {
    const [job] = bacula.parse(await loadFixture('bacula/failed.eml'));
    expect(job).toMatchObject({ device: 'db01-fd', status: 'failed', rawStatus: 'Backup Error', bytes: 0, startedAt: Date.UTC(2024, 2, 7, 23, 5, 4) });
    expect(job!.message).toContain('FD termination status: Error');
  });

  it.each([
    ['Backup OK', 'succeeded'],
    ['Backup OK -- with warnings', 'warning'],
    ['*** Backup Error ***', 'failed'],
    ['*** Backup Fatal Error ***', 'failed'],
    ['Backup Canceled', 'cancelled'],
    ['Backup failed -- incomplete', 'failed'],
    ['Copy OK', 'succeeded'],
    ['Inappropriate term code: X', 'failed'],
  ])('maps Termination "%s" to %s', (termination, status) => {
    expect(baculaStatus(termination)).toBe(status);
  });

  it('reads a Copy job report as kind copy', async () => {
    const mail = await loadFixture('bacula/success.eml');
    const copy = { ...mail, text: mail.text.replace('  JobId:', '  Prev Backup JobId:      4200\n  JobId:').replace('Termination:            Backup OK', 'Termination:            Copy OK') };
    expect(bacula.parse(copy)[0]).toMatchObject({ kind: 'copy', status: 'succeeded' });
  });
});

describe('Bacula / Bareos template on published job reports', () => {
  it('reads the Bareos tutorial report: one Bytes Written line, minute times, no Elapsed time', async () => {
    const mail = await loadFixture('bacula/bareos-tutorial-ok.eml');
    expect(bacula.detect(mail)).toBe(true);
    expect(bacula.parse(mail)).toEqual([
      {
        device: 'bareos-fd',
        check: 'BackupClient1',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Backup OK',
        startedAt: Date.UTC(2003, 3, 28, 14, 22),
        endedAt: Date.UTC(2003, 3, 28, 14, 30),
        durationMs: 8 * 60_000,
        bytes: 38_988_877,
        message: null,
      },
    ]);
  });

  it('reads a Bareos 21 "*** Backup Error ***" pasted without indentation, with its error counts', async () => {
    const [job] = bacula.parse(await loadFixture('bacula/bareos21-backup-error.eml'));
    expect(job).toMatchObject({
      device: 'nanto-fd',
      check: 'nanto-bk',
      status: 'failed',
      rawStatus: 'Backup Error',
      startedAt: Date.UTC(2025, 3, 24, 16, 21, 35),
      durationMs: 17_000,
      bytes: 373_698_260,
      message: 'Termination: *** Backup Error ***\nNon-fatal FD errors: 1, SD errors: 0',
    });
    expect(job!.unread).toBeUndefined();
  });

  it('names what a report lacks or prints unreadably instead of failing', async () => {
    const mail = await loadFixture('bacula/bareos-tutorial-ok.eml');
    const text = mail.text.replace(/^End time:.*\n/m, '').replace('Bytes Written:          38,988,877', 'Bytes Written:          viele');
    const [job] = bacula.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'succeeded', endedAt: null, bytes: null, durationMs: null });
    expect(job!.unread).toEqual(['end time', 'size: "viele"']);
  });

  it('reads an unknown termination word as failed, never as a success', () => {
    expect(baculaStatus('Backup Frobnicated')).toBe('failed');
  });
});
