import { describe, expect, it } from 'vitest';
import { qnapHbs } from './qnap-hbs.js';
import { loadFixture } from './test-fixtures.js';

describe('QNAP Hybrid Backup Sync template', () => {
  it('reads a finished backup job on the NAS, ended at the Date/Time line', async () => {
    const mail = await loadFixture('qnap-hbs/backup-finished-en.eml');
    expect(qnapHbs.detect(mail)).toBe(true);
    expect(qnapHbs.parse(mail)).toEqual([
      {
        device: 'NAS01',
        check: 'Daily to NAS02',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Information: Finished Backup job: "Daily to NAS02".',
        startedAt: null,
        endedAt: Date.UTC(2024, 2, 5, 2, 14, 7),
        durationMs: null,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('reads an Error entry as failed with the entry as message', async () => {
    const [job] = qnapHbs.parse(await loadFixture('qnap-hbs/backup-failed-en.eml'));
    expect(job).toMatchObject({ check: 'Offsite S3', status: 'failed', endedAt: Date.UTC(2024, 2, 6, 3, 2, 40) });
    expect(job!.message).toBe('Failed to complete Backup job: "Offsite S3". Unable to connect to the destination.');
  });

  it('reads the Italian labels, and a started sync job as running copy from its start', async () => {
    const [job] = qnapHbs.parse(await loadFixture('qnap-hbs/sync-started-it.eml'));
    expect(job).toMatchObject({ device: 'NASQNAP', check: 'QNAP Dropbox', kind: 'copy', status: 'running', startedAt: Date.UTC(2026, 8, 18, 21, 0, 36), endedAt: null });
  });

  it('takes a Warning severity as warning whatever the words say', async () => {
    const mail = await loadFixture('qnap-hbs/backup-finished-en.eml');
    const [job] = qnapHbs.parse({ ...mail, text: mail.text.replace('Severity: Information', 'Severity: Warning') });
    expect(job!.status).toBe('warning');
  });

  it('says what it could not read: an unknown entry word, a missing date', async () => {
    const mail = await loadFixture('qnap-hbs/backup-finished-en.eml');
    const text = mail.text.replace('Finished Backup job', 'Paused Backup job').replace(/^Date\/Time: .*$/m, 'Date/Time: --');
    const [job] = qnapHbs.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'warning', endedAt: null, unread: ['date/time', 'status: "Paused Backup job: "Daily to NAS02"."'] });
  });

  it('leaves restore jobs and other QTS apps to rules', async () => {
    const mail = await loadFixture('qnap-hbs/backup-finished-en.eml');
    expect(qnapHbs.parse({ ...mail, text: mail.text.replace('Finished Backup job', 'Finished Restore job') })).toEqual([]);
    const other = { ...mail, subject: '[Info] [App Center] Notification from your device: NAS01', text: mail.text.replace(/Hybrid Backup Sync/g, 'App Center') };
    expect(qnapHbs.detect(other)).toBe(false);
  });
});
