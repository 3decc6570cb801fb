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
  ])('maps event %i to %s', async (id, status) => {
    const mail = await loadFixture('windows-server-backup/failed.eml');
    const [job] = windowsServerBackup.parse({ ...mail, text: mail.text.replace('Event ID:      517', `Event ID:      ${id}`) });
    expect(job!.status).toBe(status);
  });

  it('ignores other event ids of the backup log', async () => {
    const mail = await loadFixture('windows-server-backup/failed.eml');
    expect(windowsServerBackup.detect({ ...mail, text: mail.text.replace('Event ID:      517', 'Event ID:      100') })).toBe(false);
  });
});
