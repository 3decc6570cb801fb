import { describe, expect, it } from 'vitest';
import { borgmatic } from './borgmatic.js';
import { loadFixture } from './test-fixtures.js';

describe('borgmatic template', () => {
  it('reads a failed hook as a failed repository with the hook error, the command and the config error', async () => {
    const mail = await loadFixture('borgmatic/mysql-hook-error.eml');
    expect(borgmatic.detect(mail)).toBe(true);
    expect(borgmatic.parse(mail)).toEqual([
      {
        device: 'matomo',
        check: 'borgmatic hlxnkf5t@box-eu8.borgbase.com:repo',
        kind: 'backup',
        status: 'failed',
        rawStatus: 'Error running actions for repository',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: [
          "ERROR 2005 (HY000): Unknown MySQL server host 'db2' (-2)",
          "Command '('mysql', '--host', 'db2', '--port', '3306', '--protocol', 'tcp', '--user', 'root', '--skip-column-names', '--batch', '--execute', 'show schemas')' returned non-zero exit status 1.",
          '/root/.config/borgmatic/config.yaml: Error running configuration file',
        ].join('\n'),
      },
    ]);
  });

  it('reads one job per repository, with the --stats block of the repository it follows', async () => {
    const jobs = borgmatic.parse(await loadFixture('borgmatic/two-repositories-success.eml'));
    expect(jobs.map((j) => [j.check, j.status, j.bytes])).toEqual([
      ['borgmatic ssh://u123@u123.your-storagebox.de:23/./web01', 'succeeded', 12_410_000_000],
      ['borgmatic /mnt/usb/web01', 'succeeded', null],
    ]);
    expect(jobs[0]).toMatchObject({
      device: 'web01',
      rawStatus: '/etc/borgmatic/config.yaml: Successfully ran configuration file',
      startedAt: Date.UTC(2024, 2, 7, 2, 0, 4),
      endedAt: Date.UTC(2024, 2, 7, 2, 4, 40),
      durationMs: 276_120,
    });
    expect(jobs[0]!.unread).toBeUndefined();
    expect(jobs[1]!.unread).toEqual(['size', 'duration']);
  });

  it('fails only the repository whose actions failed, with what borg printed before the error', async () => {
    const mail = await loadFixture('borgmatic/two-repositories-success.eml');
    const text = mail.text.replace(
      '/mnt/usb/web01: Pruning archives',
      '/mnt/usb/web01 is not a valid repository. Check repo config.\n/mnt/usb/web01: Error running actions for repository',
    );
    const jobs = borgmatic.parse({ ...mail, text });
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'failed']);
    expect(jobs[1]!.message).toContain('/mnt/usb/web01 is not a valid repository. Check repo config.');
  });

  it('reads a configuration that failed before any repository ran as one failed job', async () => {
    const mail = await loadFixture('borgmatic/mysql-hook-error.eml');
    const text = 'Unable to parse configuration file\n/etc/borgmatic/config.yaml: Error running configuration file\n';
    expect(borgmatic.detect({ ...mail, text })).toBe(true);
    expect(borgmatic.parse({ ...mail, text })).toMatchObject([
      { device: 'matomo', check: 'borgmatic', status: 'failed', rawStatus: '/etc/borgmatic/config.yaml: Error running configuration file' },
    ]);
  });

  it('does not take plain borg output or a mail that merely mentions a repository', async () => {
    const borgMail = await loadFixture('borg/homebox-success.eml');
    expect(borgmatic.detect(borgMail)).toBe(false);
    expect(borgmatic.detect({ ...borgMail, text: 'We keep running actions for repository hygiene: see the wiki.' })).toBe(false);
  });
});

describe('borgmatic template on a published 1.5 run', () => {
  it('reads a run with prune, create and checks but no "Running actions" line: the create block sizes the job', async () => {
    const mail = await loadFixture('borgmatic/stats-with-checks-1.5.eml');
    expect(borgmatic.detect(mail)).toBe(true);
    expect(borgmatic.parse(mail)).toEqual([
      {
        device: 'mail',
        check: 'borgmatic ssh://test@test.de/mnt/borg',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'borgbackup.yml: Successfully ran configuration file',
        startedAt: Date.UTC(2020, 2, 3, 20, 2, 58),
        endedAt: Date.UTC(2020, 2, 3, 20, 3, 36),
        durationMs: 37_840,
        bytes: 40_320_000_000,
        message: null,
      },
    ]);
  });

  it('does not take a log of repository actions without borgmatic\'s own run or summary lines', async () => {
    const mail = await loadFixture('borgmatic/stats-with-checks-1.5.eml');
    expect(borgmatic.detect({ ...mail, text: mail.text.replace(/\nsummary:\n.*\n$/, '\n') })).toBe(false);
  });
});
