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

  it('does not take a mail with the subject but no table', async () => {
    const mail = await loadFixture('proxmox-vzdump/success.eml');
    expect(proxmoxVzdump.detect({ ...mail, text: 'could not activate storage', html: null })).toBe(false);
  });
});
