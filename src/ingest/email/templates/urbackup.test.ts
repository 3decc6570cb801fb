import { describe, expect, it } from 'vitest';
import { loadFixture } from './test-fixtures.js';
import { urbackup } from './urbackup.js';

describe('UrBackup template', () => {
  it('reads a report: the client from the folded subject, times from the log, 1024-based transfer size', async () => {
    const mail = await loadFixture('urbackup/incremental-file-success.eml');
    expect(mail.subject).toBe('UrBackup: Incremental file backup of "PC-ACCOUNTS" - success');
    expect(urbackup.detect(mail)).toBe(true);
    expect(urbackup.parse(mail)).toEqual([
      {
        device: 'PC-ACCOUNTS',
        check: 'file backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'incremental success',
        startedAt: Date.UTC(2024, 10, 12, 22, 0, 2),
        endedAt: Date.UTC(2024, 10, 12, 22, 14, 7),
        durationMs: 845_000,
        bytes: Math.round(1.84766 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads a failed image backup with its error log lines', async () => {
    const [job] = urbackup.parse(await loadFixture('urbackup/full-image-failed.eml'));
    expect(job).toMatchObject({
      device: 'SRV-FILES',
      check: 'image backup',
      status: 'failed',
      rawStatus: 'full failed',
      durationMs: 6_112_000,
      message: 'Error writing to VHD-File.\nBackup failed',
    });
  });

  it('reads a success with warnings as a warning, in the report-script layout', async () => {
    const [job] = urbackup.parse(await loadFixture('urbackup/resumed-file-warning.eml'));
    expect(job).toMatchObject({ device: 'LAPTOP-07', status: 'warning', bytes: Math.round(312.5 * 1024 ** 2), durationMs: 677_000 });
    expect(job!.message).toContain('Error getting file metadata');
  });

  it('names what it could not read, and falls back to the log when the counts are missing', async () => {
    const mail = await loadFixture('urbackup/resumed-file-warning.eml');
    const text = mail.text
      .replace('( 4 infos, 1 warning, 0 errors)', '(lots of infos)')
      .replace('11m 17s', 'a while')
      .replace('312.5 MB', 'some data');
    const [job] = urbackup.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'warning', bytes: null, unread: ['report counts', 'time taken: "a while"', 'transferred: "some data"'] });
    // Without the product's figure, the duration comes from the first and last log times.
    expect(job!.durationMs).toBe(677_000);
  });

  it('does not take a subject that only looks like UrBackup', async () => {
    const mail = await loadFixture('urbackup/incremental-file-success.eml');
    expect(urbackup.detect({ ...mail, text: 'Your UrBackup licence renews soon.' })).toBe(false);
    expect(urbackup.detect({ ...mail, subject: 'UrBackup: Incremental file backup of "PC-ACCOUNTS" - pending' })).toBe(false);
  });
});
