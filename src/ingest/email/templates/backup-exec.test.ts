import { describe, expect, it } from 'vitest';
import { backupExec } from './backup-exec.js';
import { loadFixture } from './test-fixtures.js';

describe('Veritas Backup Exec template', () => {
  it('reads a Job Success alert as one succeeded job of the server', async () => {
    const mail = await loadFixture('backup-exec/job-success.eml');
    expect(backupExec.detect(mail)).toBe(true);
    expect(backupExec.parse(mail)).toEqual([
      {
        device: 'SEA-MAIL',
        check: 'Backup all stations-Incremental',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Job Success',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('takes the job completion status over the category of a Job Completed alert', async () => {
    const [j] = backupExec.parse(await loadFixture('backup-exec/job-completed.eml'));
    expect(j).toMatchObject({ device: 'SEA-MAIL', check: 'Sauvegarde quotidienne', status: 'succeeded', rawStatus: 'Successful' });
  });

  it('reads a failed job with the error after the job name as its message', async () => {
    const [j] = backupExec.parse(await loadFixture('backup-exec/job-failed.eml'));
    expect(j).toMatchObject({
      device: 'BESERVER',
      check: 'FS01 Daily-Full',
      status: 'failed',
      rawStatus: 'Job Failed',
      message: 'The job failed with the following error: A communication failure has occurred between the Backup Exec job engine and the remote agent.',
    });
  });

  it('reads completed with exceptions as a warning, although the body says completed successfully', async () => {
    const [j] = backupExec.parse(await loadFixture('backup-exec/job-exceptions.eml'));
    expect(j!.status).toBe('warning');
    expect(j!.message).toContain('However, the following conditions were encountered:');
    expect(j!.message).toContain('V-79-57344-33967');
  });

  it('reads a completion status the category contradicts, cancellations, and duplicate stages', async () => {
    const mail = await loadFixture('backup-exec/job-completed.eml');
    const failed = { ...mail, text: 'Job Completion Status: Failed' };
    expect(backupExec.parse(failed)[0]!.status).toBe('failed');
    const cancelled = { ...mail, subject: 'Backup Exec Alert: Job Cancellation (Server: "SEA-MAIL") (Job: "Nightly-Duplicate")', text: 'The job was canceled because the user canceled the job.' };
    expect(backupExec.parse(cancelled)[0]).toMatchObject({ status: 'cancelled', kind: 'copy', check: 'Nightly-Duplicate' });
  });

  it('reads job start and end from a notification that carries the job summary', async () => {
    const mail = await loadFixture('backup-exec/job-completed.eml');
    const summary = { ...mail, text: 'Job started: Friday, March 2, 2012 at 11:00:02 PM\nJob ended: Saturday, March 3, 2012 at 1:15:32 AM\nJob Completion Status: Successful' };
    expect(backupExec.parse(summary)[0]).toMatchObject({ startedAt: Date.UTC(2012, 2, 2, 23, 0, 2), endedAt: Date.UTC(2012, 2, 3, 1, 15, 32), durationMs: 8_130_000 });
  });

  it('never reads a Job Completed alert without a known status as success, and says what it lacked', async () => {
    const mail = await loadFixture('backup-exec/job-completed.eml');
    expect(backupExec.parse({ ...mail, text: '' })[0]).toMatchObject({ status: 'warning', unread: ['completion status'] });
    expect(backupExec.parse({ ...mail, text: 'Job Completion Status: Resumed' })[0]).toMatchObject({ status: 'warning', unread: ['completion status: "Resumed"'] });
  });

  it('does not take alerts that are not job results', async () => {
    const mail = await loadFixture('backup-exec/job-success.eml');
    expect(backupExec.detect({ ...mail, subject: 'Backup Exec Alert: General Information (Server: "SEA-MAIL")' })).toBe(false);
    expect(backupExec.detect({ ...mail, subject: 'Backup Exec Alert: Media Insert (Server: "SEA-MAIL")' })).toBe(false);
  });
});
