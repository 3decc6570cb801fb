import { describe, expect, it } from 'vitest';
import { loadFixture } from './test-fixtures.js';
import { veeam } from './veeam.js';
import { veeamAgent } from './veeam-agent.js';
import { sessionTime } from './veeam-report.js';

const GiB = 1024 ** 3;

describe('Veeam Backup & Replication template', () => {
  it('splits a backup job report into one job per VM with its own status, times, size and details', async () => {
    const mail = await loadFixture('veeam/backup-warning.eml');
    expect(veeam.detect(mail)).toBe(true);
    const jobs = veeam.parse(mail);
    expect(jobs.map((j) => [j.device, j.status, j.rawStatus])).toEqual([
      ['DC01', 'succeeded', 'Success'],
      ['FILESRV01', 'warning', 'Warning'],
      ['SQL01', 'succeeded', 'Success'],
    ]);
    const filesrv = jobs[1]!;
    expect(filesrv).toMatchObject({ check: 'Nightly VMs', kind: 'backup', bytes: 80 * GiB, durationMs: (40 * 60 + 28) * 1000 });
    expect(filesrv.startedAt).toBe(Date.UTC(2024, 2, 4, 22, 0, 33));
    expect(filesrv.endedAt).toBe(Date.UTC(2024, 2, 4, 22, 41, 1));
    expect(filesrv.message).toBe('Changed block tracking is disabled. Full scan of the disk was used.');
    expect(jobs[0]!.message).toBeNull();
  });

  it('reads a backup copy job as kind copy and keeps the failed VM’s error text', async () => {
    const jobs = veeam.parse(await loadFixture('veeam/backupcopy-failed.eml'));
    expect(jobs.every((j) => j.kind === 'copy' && j.check === 'Offsite Copy')).toBe(true);
    const failed = jobs.find((j) => j.device === 'FILESRV01')!;
    expect(failed.status).toBe('failed');
    expect(failed.message).toContain('The network path was not found');
    // Session on 5 March after midnight: AM row times stay on that day.
    expect(failed.startedAt).toBe(Date.UTC(2024, 2, 5, 1, 30, 6));
  });

  it('reads a replication job as kind replication', async () => {
    const jobs = veeam.parse(await loadFixture('veeam/replication-success.eml'));
    expect(jobs).toEqual([
      expect.objectContaining({ device: 'APP01', check: 'DR Replica', kind: 'replication', status: 'succeeded', durationMs: 288_000 }),
    ]);
  });

  it('leaves Veeam Agent reports to the agent template', async () => {
    expect(veeam.detect(await loadFixture('veeam-agent/success.eml'))).toBe(false);
  });

  it('falls back to one job per session from the subject when the report has no object table', async () => {
    const mail = await loadFixture('veeam/replication-success.eml');
    const bare = { ...mail, html: null, text: 'Replication job: DR Replica\nMonday, March 4, 2024 11:00:02 PM\nSomething went wrong before any VM was processed.' };
    const failed = { ...bare, subject: '[Failed] DR Replica (1 objects) 1 failed' };
    expect(veeam.parse(failed)).toEqual([expect.objectContaining({ device: 'DR Replica', status: 'failed', rawStatus: 'Failed' })]);
  });
});

describe('Veeam Backup & Replication template on a real report', () => {
  it('reads every vApp and VM row of a Dutch report with decimal commas, errors and a retry', async () => {
    const mail = await loadFixture('veeam/backup-error-vcloud-nl.eml');
    expect(veeam.detect(mail)).toBe(true);
    const jobs = veeam.parse(mail);
    expect(jobs.map((j) => [j.device, j.status, j.rawStatus])).toEqual([
      ['(vApp) Servers', 'succeeded', 'Success'],
      ['BITDC01', 'warning', 'Warning'],
      ['(vApp) Firewall', 'failed', 'Error'],
      ['Firewall', 'succeeded', 'Success'],
    ]);
    // `Backup job: Bjork IAAS server (Retry 3)`: a retry belongs to the same check.
    expect(new Set(jobs.map((j) => j.check))).toEqual(new Set(['Bjork IAAS server']));
    const firewall = jobs[2]!;
    expect(firewall).toMatchObject({ kind: 'backup', bytes: Math.round(16.5 * GiB), durationMs: (5 * 60 + 17) * 1000 });
    // `zaterdag 1 februari 2020 01:00:29` dates the rows' bare clock times.
    expect(firewall.startedAt).toBe(Date.UTC(2020, 1, 1, 1, 1, 29));
    expect(firewall.endedAt).toBe(Date.UTC(2020, 1, 1, 1, 6, 46));
    expect(firewall.message).toBe(
      'Using Backup Repository 1 scale-out repository extent (unable to meet data placement policy)\nError: Failed to process the following VMs: Firewall.',
    );
    expect(jobs[1]!.message).toContain('Error: Backup repository quota has been exceeded');
    expect(jobs[1]!.bytes).toBe(0);
    expect(jobs.every((j) => j.unread === undefined)).toBe(true);
  });

  it('reads session dates in English, Dutch, German and French', () => {
    const at = Date.UTC(2020, 1, 1, 1, 0, 29);
    expect(sessionTime('Saturday, February 1, 2020 1:00:29 AM')).toBe(at);
    expect(sessionTime('zaterdag 1 februari 2020 01:00:29')).toBe(at);
    expect(sessionTime('Samstag, 1. Februar 2020 01:00:29')).toBe(at);
    expect(sessionTime('samedi 1 février 2020 01:00:29')).toBe(at);
    expect(sessionTime('Created by 10007402 at 9-1-2020 12:51')).toBeNull();
  });

  it('says what a row lacked or showed unreadably instead of dropping the row', async () => {
    const mail = await loadFixture('veeam/backup-warning.eml');
    const html = mail.html!.replace('>80.0 GB<', '>n/a<').replace('>10:41:01 PM<', '><');
    const filesrv = veeam.parse({ ...mail, html }).find((j) => j.device === 'FILESRV01')!;
    expect(filesrv.bytes).toBeNull();
    expect(filesrv.endedAt).toBeNull();
    expect(filesrv.durationMs).toBe((40 * 60 + 28) * 1000);
    expect(filesrv.unread).toEqual(['end time', 'size: "n/a"']);
  });

  it('reads a status word it does not know as a warning, never as a success', async () => {
    const mail = await loadFixture('veeam/backup-warning.eml');
    const html = mail.html!.replace('<span style="color: #ffd96c;">Warning</span>', '<span>Postponed</span>');
    const jobs = veeam.parse({ ...mail, html });
    expect(jobs).toHaveLength(3);
    const filesrv = jobs.find((j) => j.device === 'FILESRV01')!;
    expect(filesrv).toMatchObject({ status: 'warning', rawStatus: 'Postponed', unread: ['status: "Postponed"'] });
  });
});

describe('Veeam Agent template', () => {
  it('reads a successful agent backup of one computer', async () => {
    const mail = await loadFixture('veeam-agent/success.eml');
    expect(veeamAgent.detect(mail)).toBe(true);
    expect(veeamAgent.parse(mail)).toEqual([
      {
        device: 'web01',
        check: 'Backup Job web01',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Success',
        startedAt: Date.UTC(2024, 2, 6, 1, 0, 3),
        endedAt: Date.UTC(2024, 2, 6, 1, 7, 41),
        durationMs: 458_000,
        bytes: Math.round(38.2 * GiB),
        message: null,
      },
    ]);
  });

  it('reads a failed agent backup with the error from the details row', async () => {
    const [only] = veeamAgent.parse(await loadFixture('veeam-agent/failed.eml'));
    expect(only).toMatchObject({ device: 'db02', status: 'failed', bytes: 0, message: 'Failed to create volume snapshot. Snapshot overflow: /dev/sda1' });
  });

  it('leaves B&R reports to the B&R template', async () => {
    expect(veeamAgent.detect(await loadFixture('veeam/backup-warning.eml'))).toBe(false);
  });
});
