import { describe, expect, it } from 'vitest';
import { cove } from './cove.js';
import { loadFixture } from './test-fixtures.js';

describe('Cove Data Protection template', () => {
  it('splits the status report into one job per data source of the device', async () => {
    const mail = await loadFixture('cove/status-report-failed.eml');
    expect(cove.detect(mail)).toBe(true);
    const [files, state, sql] = cove.parse(mail);
    expect(files).toEqual({
      device: 'FS01',
      check: 'Files and Folders',
      kind: 'backup',
      status: 'partial',
      rawStatus: 'Completed with errors',
      startedAt: Date.UTC(2024, 2, 5, 23, 0),
      endedAt: null,
      durationMs: null,
      bytes: Math.round(380.12 * 1024 ** 3),
      message: '3 errors in the last session',
    });
    expect(state).toMatchObject({ check: 'System State', status: 'succeeded', bytes: Math.round(20.08 * 1024 ** 3), message: null });
    expect(sql).toMatchObject({ check: 'MS SQL', status: 'failed', rawStatus: 'Failed', startedAt: Date.UTC(2024, 2, 5, 23, 50), message: '1 error in the last session' });
  });

  it('reads a report whose only source completed', async () => {
    const jobs = cove.parse(await loadFixture('cove/status-report-success.eml'));
    expect(jobs.map((j) => [j.device, j.check, j.status])).toEqual([['WS07', 'Files and Folders', 'succeeded']]);
  });

  it('reads a session mail: in progress with faults is a warning with the error', async () => {
    const [j] = cove.parse(await loadFixture('cove/session-in-progress-faults.eml'));
    expect(j).toEqual({
      device: 'APP03',
      check: 'Exchange',
      kind: 'backup',
      status: 'warning',
      rawStatus: 'InProgressWithFaults',
      startedAt: Date.UTC(2024, 2, 5, 23, 0),
      endedAt: null,
      durationMs: 2_400_000,
      bytes: Math.round(14.25 * 1024 ** 3),
      message: 'Mailbox database DB02 is dismounted; 2 items could not be read.\n2 errors in the last session',
    });
  });

  it('reads the spaced and the one-word spelling of a status alike', async () => {
    const mail = await loadFixture('cove/session-in-progress-faults.eml');
    for (const [word, status] of [['CompletedWithErrors', 'partial'], ['Over quota', 'failed'], ['Aborted', 'cancelled'], ['NoSelection', 'skipped']]) {
      const [j] = cove.parse({ ...mail, text: mail.text.replace('InProgressWithFaults', word!) });
      expect(j!.status, word).toBe(status);
    }
  });

  it('notes a time or size it cannot read, and never takes an unknown status for success', async () => {
    const mail = await loadFixture('cove/session-in-progress-faults.eml');
    const text = mail.text.replace('InProgressWithFaults', 'Queued').replace('3/5/2024 11:00:00 PM', 'yesterday evening').replace('14.25 GB', 'about half');
    const [j] = cove.parse({ ...mail, text });
    expect(j).toMatchObject({ status: 'failed', startedAt: null, bytes: null });
    expect(j!.unread).toEqual(['status: "Queued"', 'start time: "yesterday evening"', 'size: "about half"']);
  });

  it('does not take a data source table without a device or without a Cove product name', async () => {
    const mail = await loadFixture('cove/status-report-success.eml');
    expect(cove.detect({ ...mail, text: mail.text.replace(/^Device name:.*$/m, '') })).toBe(false);
    const text = mail.text.replace(/Cove Data Protection by N-able\.|Backup Manager/g, '');
    expect(cove.detect({ ...mail, fromName: null, text })).toBe(false);
  });
});
