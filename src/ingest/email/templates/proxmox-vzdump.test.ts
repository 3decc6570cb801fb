import { describe, expect, it } from 'vitest';
import { htmlToText } from '../html-text.js';
import { proxmoxVzdump } from './proxmox-vzdump.js';
import { loadFixture } from './test-fixtures.js';

describe('Proxmox vzdump template', () => {
  it('splits the table into one job per guest with times from the guest logs', async () => {
    const mail = await loadFixture('proxmox-vzdump/success.eml');
    expect(proxmoxVzdump.detect(mail)).toBe(true);
    const [web, dns] = proxmoxVzdump.parse(mail);
    expect(web).toEqual({
      device: 'web01',
      check: 'vzdump',
      kind: 'backup',
      status: 'succeeded',
      rawStatus: 'ok',
      startedAt: Date.UTC(2024, 2, 4, 1, 0, 2),
      endedAt: Date.UTC(2024, 2, 4, 1, 5, 14),
      durationMs: 312_000,
      bytes: Math.round(2.5 * 1024 ** 3),
      message: null,
    });
    // An ok guest whose log has WARN lines is a warning, with the warning as its message.
    expect(dns).toMatchObject({ device: 'dns01', status: 'warning', bytes: 512 * 1024 ** 2, message: 'unable to detect lxc-freeze - using suspend mode' });
  });

  it('marks the failed guest failed with the ERROR line from its log', async () => {
    const jobs = proxmoxVzdump.parse(await loadFixture('proxmox-vzdump/failed.eml'));
    expect(jobs.map((j) => [j.device, j.status])).toEqual([
      ['web01', 'succeeded'],
      ['mail01', 'failed'],
    ]);
    expect(jobs[1]).toMatchObject({ rawStatus: 'err', bytes: null, durationMs: 2000 });
    expect(jobs[1]!.message).toContain('Permission denied');
  });

  it('reads the HTML table when the mail has only the HTML part', async () => {
    const mail = await loadFixture('proxmox-vzdump/failed.eml');
    const htmlOnly = { ...mail, text: htmlToText(mail.html!) };
    expect(proxmoxVzdump.detect(htmlOnly)).toBe(true);
    const jobs = proxmoxVzdump.parse(htmlOnly);
    expect(jobs.map((j) => [j.device, j.status, j.bytes])).toEqual([
      ['web01', 'succeeded', Math.round(2.48 * 1024 ** 3)],
      ['mail01', 'failed', null],
    ]);
    expect(jobs[1]!.message).toContain('Permission denied');
  });

  it('reads old log stamps without a year in the year of the mail', async () => {
    const mail = await loadFixture('proxmox-vzdump/success.eml');
    const old = { ...mail, text: mail.text.replace(/2024-03-04 (\d\d:\d\d:\d\d)/g, 'Mar 04 $1') };
    expect(proxmoxVzdump.parse(old)[0]!.startedAt).toBe(Date.UTC(2024, 2, 4, 1, 0, 2));
  });

  it('reads the PVE 8 notification table: TimeSpan durations, binary sizes, a default `VM <id>` name', async () => {
    const mail = await loadFixture('proxmox-vzdump/pve8-success.eml');
    expect(proxmoxVzdump.detect(mail)).toBe(true);
    const [web, ct] = proxmoxVzdump.parse(mail);
    expect(web).toEqual({
      device: 'web01',
      check: 'vzdump',
      kind: 'backup',
      status: 'succeeded',
      rawStatus: 'ok',
      startedAt: Date.UTC(2024, 10, 12, 1, 0, 2),
      endedAt: Date.UTC(2024, 10, 12, 1, 5, 14),
      durationMs: 312_000,
      bytes: Math.round(12.341 * 1024 ** 3),
      message: null,
    });
    expect(ct).toMatchObject({ device: 'VM 105', status: 'succeeded', durationMs: 63_000, bytes: Math.round(812.5 * 1024 ** 2) });
  });

  it('reads the PVE 8 HTML part the same way as its text part', async () => {
    const mail = await loadFixture('proxmox-vzdump/pve8-success.eml');
    const htmlOnly = { ...mail, text: htmlToText(mail.html!) };
    expect(proxmoxVzdump.detect(htmlOnly)).toBe(true);
    expect(proxmoxVzdump.parse(htmlOnly).map((j) => [j.device, j.status, j.durationMs, j.bytes])).toEqual([
      ['web01', 'succeeded', 312_000, Math.round(12.341 * 1024 ** 3)],
      ['VM 105', 'succeeded', 63_000, Math.round(812.5 * 1024 ** 2)],
    ]);
  });

  it('marks a PVE 8 err guest failed with its ERROR log lines, and no size', async () => {
    const jobs = proxmoxVzdump.parse(await loadFixture('proxmox-vzdump/pve8-failed.eml'));
    expect(jobs.map((j) => [j.device, j.status])).toEqual([
      ['web01', 'succeeded'],
      ['db01', 'failed'],
    ]);
    expect(jobs[1]).toMatchObject({ rawStatus: 'err', bytes: null, durationMs: 3000, startedAt: Date.UTC(2024, 10, 13, 1, 2, 3) });
    expect(jobs[1]!.message).toBe("VM 102 qmp command 'backup' failed - got timeout\nBackup of VM 102 failed - VM 102 qmp command 'backup' failed - got timeout");
  });

  it('never reads an unknown status word as success, and names the figures it could not read', async () => {
    const mail = await loadFixture('proxmox-vzdump/pve8-failed.eml');
    const text = mail.text
      .replace('102     db01      err       3s  ', '102     db01      todo      3s  ')
      .replace('2m 1s     12.35 GiB', '2 fortnights     lots    ');
    const [web, db] = proxmoxVzdump.parse({ ...mail, text });
    expect(db).toMatchObject({ status: 'failed', rawStatus: 'todo', unread: ['status: "todo"'] });
    expect(web).toMatchObject({ status: 'succeeded', bytes: null, unread: ['time: "2 fortnights"', 'size: "lots"'] });
    // The guest log still gives the run's own start and end.
    expect(web!.durationMs).toBe(121_000);
  });

  it('does not take a mail with the subject but no table', async () => {
    const mail = await loadFixture('proxmox-vzdump/success.eml');
    expect(proxmoxVzdump.detect({ ...mail, text: 'could not activate storage', html: null })).toBe(false);
  });
});
