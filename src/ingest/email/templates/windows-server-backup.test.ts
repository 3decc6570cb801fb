import { describe, expect, it } from 'vitest';
import { loadFixture } from './test-fixtures.js';
import { windowsServerBackup } from './windows-server-backup.js';

describe('Windows Server Backup template', () => {
  it('reads Format-List events: event 4 ends the job, event 1 starts it', async () => {
    const mail = await loadFixture('windows-server-backup/success.eml');
    expect(windowsServerBackup.detect(mail)).toBe(true);
    expect(windowsServerBackup.parse(mail)).toEqual([
      {
        device: 'srv01@corp.example',
        check: 'Windows Server Backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Event 4',
        startedAt: Date.UTC(2024, 2, 4, 21, 0, 5),
        endedAt: Date.UTC(2024, 2, 4, 23, 15, 32),
        durationMs: (2 * 3600 + 15 * 60 + 27) * 1000,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('reads an Event Viewer 517 as failed on the short computer name, started at the time in the message', async () => {
    const [job] = windowsServerBackup.parse(await loadFixture('windows-server-backup/failed.eml'));
    expect(job).toMatchObject({ device: 'SRV02', status: 'failed', rawStatus: 'Event 517', startedAt: Date.UTC(2024, 2, 5, 21, 0, 4, 712), endedAt: Date.UTC(2024, 2, 5, 21, 2, 10) });
    expect(job!.message).toContain("error code '0x807800C5'");
  });

  it.each([
    [547, 'warning'],
    [565, 'warning'],
    [8, 'cancelled'],
    [561, 'failed'],
    [14, 'succeeded'],
    [1, 'running'],
    [7, 'partial'],
    [9, 'failed'],
    [19, 'failed'],
    [49, 'failed'],
  ])('maps event %i to %s', async (id, status) => {
    const mail = await loadFixture('windows-server-backup/failed.eml');
    const [job] = windowsServerBackup.parse({ ...mail, text: mail.text.replace('Event ID:      517', `Event ID:      ${id}`) });
    expect(job!.status).toBe(status);
  });

  it('ignores other event ids of the backup log', async () => {
    const mail = await loadFixture('windows-server-backup/failed.eml');
    expect(windowsServerBackup.detect({ ...mail, text: mail.text.replace('Event ID:      517', 'Event ID:      100') })).toBe(false);
  });

  it('reads the event 5 Microsoft publishes in KB 4512842: failed, started at the time in the message', async () => {
    const mail = await loadFixture('windows-server-backup/event5-remote-share-kb.eml');
    expect(windowsServerBackup.detect(mail)).toBe(true);
    const [job, ...rest] = windowsServerBackup.parse(mail);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({
      device: 'FS01',
      status: 'failed',
      rawStatus: 'Event 5',
      startedAt: Date.UTC(2020, 6, 22, 22, 0, 8, 512),
      endedAt: Date.UTC(2020, 6, 22, 23, 4, 51),
      durationMs: (64 * 60 + 42) * 1000 + 488,
    });
    expect(job!.message).toMatch(/^Event 5: The backup operation that started at .* error code '0x8078015B' \(Windows Backup encountered an error when accessing the remote shared folder\./);
  });

  it('drops the left-to-right marks Windows puts around the date parts of the start time', async () => {
    const mail = await loadFixture('windows-server-backup/event5-remote-share-kb.eml');
    const marked = mail.text.replace("'2020-07-22T22:00:08.512000000Z'", "'\u200e2020\u200e-\u200e07\u200e-\u200e22T22:00:08.512000000Z'");
    expect(marked).not.toBe(mail.text);
    expect(windowsServerBackup.parse({ ...mail, text: marked })[0]!.startedAt).toBe(Date.UTC(2020, 6, 22, 22, 0, 8, 512));
  });

  it('takes the start of an event 19 from its "attempted at" time', async () => {
    const mail = await loadFixture('windows-server-backup/event5-remote-share-kb.eml');
    const text = mail.text
      .replace('Event ID: 5', 'Event ID: 19')
      .replace(/^The backup operation that started at .*$/m, "The backup operation attempted at '2020-07-22T22:00:08.512000000Z' has failed to start, error code '2155348061'. Please review the event details for a solution, and then rerun the backup operation once the issue is resolved.");
    expect(windowsServerBackup.parse({ ...mail, text })[0]).toMatchObject({ status: 'failed', rawStatus: 'Event 19', startedAt: Date.UTC(2020, 6, 22, 22, 0, 8, 512) });
  });

  it('reads mailed wbadmin output: succeeded on the mailing host, started at the time in the log name', async () => {
    const mail = await loadFixture('windows-server-backup/wbadmin-success-selected-files.eml');
    expect(windowsServerBackup.detect(mail)).toBe(true);
    expect(windowsServerBackup.parse(mail)).toEqual([
      {
        device: 'dc01',
        check: 'Windows Server Backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'The backup operation successfully completed.',
        startedAt: Date.UTC(2020, 9, 4, 17, 48, 38),
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('marks wbadmin output with an ERROR line failed, with the error as message', async () => {
    const mail = await loadFixture('windows-server-backup/wbadmin-success-selected-files.eml');
    const text = mail.text.replace(/Summary of the backup operation:[\s\S]*$/, 'ERROR - The specified backup location could not be found or is not a supported backup storage location.\n');
    expect(windowsServerBackup.detect({ ...mail, text })).toBe(true);
    const [job] = windowsServerBackup.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'failed', startedAt: null, message: 'ERROR - The specified backup location could not be found or is not a supported backup storage location.' });
  });

  it('marks wbadmin output partial when a volume did not complete, and names it', async () => {
    const mail = await loadFixture('windows-server-backup/wbadmin-success-selected-files.eml');
    const text = mail.text.replace('The backup of volume (C:) completed successfully.', 'The backup of volume (C:) completed successfully.\nThe backup of volume Data(D:) did not complete successfully.');
    expect(windowsServerBackup.parse({ ...mail, text })[0]).toMatchObject({ status: 'partial', message: 'The backup of volume Data(D:) did not complete successfully.' });
  });

  it('does not take a wbadmin summary without a known outcome for success', async () => {
    const mail = await loadFixture('windows-server-backup/wbadmin-success-selected-files.eml');
    const text = mail.text.replace('The backup operation successfully completed.', 'The backup operation was interrupted.');
    expect(windowsServerBackup.parse({ ...mail, text })[0]).toMatchObject({ status: 'warning', unread: ['status'] });
  });
});
