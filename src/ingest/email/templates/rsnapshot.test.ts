import { describe, expect, it } from 'vitest';
import { rsnapshot } from './rsnapshot.js';
import { loadFixture } from './test-fixtures.js';

describe('rsnapshot template', () => {
  it('reads the error banner as a failed run of the interval it names, with the ERROR line', async () => {
    const mail = await loadFixture('rsnapshot/failed-rsync.eml');
    expect(rsnapshot.detect(mail)).toBe(true);
    expect(rsnapshot.parse(mail)).toEqual([
      {
        device: 'backup',
        check: 'rsnapshot hourly',
        kind: 'backup',
        status: 'failed',
        rawStatus: 'ERROR',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: '/usr/bin/rsync returned 255 while processing root@daffy:/',
      },
    ]);
  });

  it('reads ERROR lines without the banner, taking the interval from the cron command after its options', async () => {
    const [job] = rsnapshot.parse(await loadFixture('rsnapshot/failed-cp.eml'));
    expect(job).toMatchObject({ device: 'hbox', check: 'rsnapshot daily', status: 'failed' });
    expect(job!.message).toContain('/bin/cp -al /mnt/hboxrsync/rsnapshot/daily.0');
    expect(job!.message).toContain('Error! cp_al(');
  });

  it('reads a partial rsync transfer as a warning', async () => {
    const [job] = rsnapshot.parse(await loadFixture('rsnapshot/warning.eml'));
    expect(job).toMatchObject({
      device: 'raspberrypi',
      check: 'rsnapshot alpha',
      status: 'warning',
      rawStatus: 'WARNING',
      message: 'Some files and/or directories in /home/ only transferred partially during rsync operation',
    });
  });

  it('reads an rsnapreport table as one job per backup point with its decimal-MB size', async () => {
    const mail = await loadFixture('rsnapshot/report.eml');
    expect(rsnapshot.detect(mail)).toBe(true);
    expect(rsnapshot.parse(mail)).toEqual([
      {
        device: 'ponant',
        check: 'rsnapshot /home',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'stats',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: 1_060_692_930_000,
        message: null,
      },
    ]);
  });

  it('puts a remote backup point on its own host', async () => {
    const mail = await loadFixture('rsnapshot/report.eml');
    const text = mail.text.replace('/home                         \t', 'web01:/var/www/                \t');
    expect(rsnapshot.parse({ ...mail, text })[0]).toMatchObject({ device: 'web01', check: 'rsnapshot /var/www' });
  });

  it('reads a NO STATS DATA source as failed and says the stats could not be read', async () => {
    const [job] = rsnapshot.parse(await loadFixture('rsnapshot/report-no-stats.eml'));
    expect(job).toMatchObject({ device: 'ponant', check: 'rsnapshot /home', status: 'failed', bytes: null, unread: ['stats'] });
  });

  it('reads a verbose clean run as succeeded, and says so when no interval can be found', async () => {
    const mail = await loadFixture('rsnapshot/warning.eml');
    const text = 'echo 2335 > /var/run/rsnapshot.pid\nmv /mnt/RS_USB/daily.0/ /mnt/RS_USB/daily.1/\ntouch /mnt/RS_USB/daily.0/\nrm -f /var/run/rsnapshot.pid\n';
    const verbose = { ...mail, text };
    expect(rsnapshot.detect(verbose)).toBe(true);
    expect(rsnapshot.parse(verbose)[0]).toMatchObject({ status: 'succeeded', check: 'rsnapshot alpha', message: null });
    const noInterval = { ...verbose, subject: 'backup output' };
    expect(rsnapshot.parse(noInterval)[0]).toMatchObject({ check: 'rsnapshot', unread: ['interval'] });
  });

  it('does not take plain rsync or unrelated ERROR output', async () => {
    const mail = await loadFixture('rsnapshot/warning.eml');
    expect(rsnapshot.detect({ ...mail, text: 'rsync error: some files could not be transferred (code 23)\nERROR: disk full' })).toBe(false);
  });
});
