import { describe, expect, it } from 'vitest';
import { synologyHyperBackup } from './synology-hyper-backup.js';
import { loadFixture } from './test-fixtures.js';

describe('Synology Hyper Backup template', () => {
  it('reads the DSM 7.2 partial notification on the NAS, with the event time and no task name', async () => {
    const mail = await loadFixture('synology-hyper-backup/partial-dsm72-event.eml');
    expect(synologyHyperBackup.detect(mail)).toBe(true);
    expect(synologyHyperBackup.parse(mail)).toEqual([
      {
        device: 'host01',
        check: 'Hyper Backup',
        kind: 'backup',
        status: 'partial',
        rawStatus: 'partially completed',
        startedAt: null,
        endedAt: Date.UTC(2026, 1, 11, 21, 28),
        durationMs: null,
        bytes: null,
        message: 'Data backup task on host01 partially completed',
        unread: ['task name'],
      },
    ]);
  });

  it('takes the bracketed task as the check of a completed task', async () => {
    const [job] = synologyHyperBackup.parse(await loadFixture('synology-hyper-backup/success-task.eml'));
    expect(job).toMatchObject({ device: 'nas01', check: 'Daily to C2', status: 'succeeded', rawStatus: 'has been completed', endedAt: Date.UTC(2024, 2, 5, 2, 47), message: null });
    expect(job!.unread).toBeUndefined();
  });

  it('reads a month-first event date by the mail date: 03-06-2024 sent on 6 March is 6 March', async () => {
    const [job] = synologyHyperBackup.parse(await loadFixture('synology-hyper-backup/failed-task.eml'));
    expect(job).toMatchObject({ check: 'Offsite USB', status: 'failed', endedAt: Date.UTC(2024, 2, 6, 3, 0) });
  });

  it('reads the title from the subject alone when the body has no event line', async () => {
    const mail = await loadFixture('synology-hyper-backup/success-task.eml');
    const [job] = synologyHyperBackup.parse({ ...mail, text: 'Sincerely,\nSynology NAS', html: null });
    expect(job).toMatchObject({ device: 'nas01', check: 'Daily to C2', status: 'succeeded', endedAt: null });
  });

  it('does not take an outcome word it does not know for success', async () => {
    const mail = await loadFixture('synology-hyper-backup/success-task.eml');
    const odd = { ...mail, subject: '[nas01] Data backup task [Daily to C2] on nas01 was suspended', text: '' };
    const [job] = synologyHyperBackup.parse(odd);
    expect(job).toMatchObject({ status: 'warning', rawStatus: 'was suspended', unread: ['status: "was suspended"'] });
  });

  it('leaves Active Backup titles and other DSM notices alone', async () => {
    const mail = await loadFixture('synology-hyper-backup/success-task.eml');
    for (const subject of ['[nas01] Active Backup for Business - backup task pc01 on nas01 has been completed', '[nas01] Volume 1 has crashed']) {
      expect(synologyHyperBackup.detect({ ...mail, subject, text: '' })).toBe(false);
    }
  });
});
