import { describe, expect, it } from 'vitest';
import { restic } from './restic.js';
import { loadFixture } from './test-fixtures.js';

describe('restic template', () => {
  it('reads a saved snapshot: processed size, m:ss duration, ending at the mail date, device from the cron subject', async () => {
    const mail = await loadFixture('restic/success.eml');
    expect(restic.detect(mail)).toBe(true);
    expect(restic.parse(mail)).toEqual([
      {
        device: 'laptop',
        check: 'restic',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'snapshot 0b897a00 saved',
        startedAt: Date.UTC(2024, 2, 7, 3, 0, 1),
        endedAt: Date.UTC(2024, 2, 7, 3, 0, 3),
        durationMs: 2000,
        bytes: Math.round(339.815 * 1024 ** 2),
        message: null,
      },
    ]);
  });

  it('reads Fatal: as failed with the fatal text', async () => {
    const [job] = restic.parse(await loadFixture('restic/failed.eml'));
    expect(job).toMatchObject({ status: 'failed', message: 'unable to open config file: Stat: The specified key does not exist.' });
  });

  it('reads a snapshot saved with unreadable files as partial, listing the errors', async () => {
    const mail = await loadFixture('restic/success.eml');
    const text = mail.text.replace('snapshot 0b897a00 saved', 'error: open /home/u/locked.db: permission denied\nsnapshot 0b897a00 saved\nWarning: at least one source file could not be read');
    const [job] = restic.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'partial' });
    expect(job!.message).toContain('open /home/u/locked.db: permission denied');
  });

  it('takes the device from a system sender when there is no cron subject', async () => {
    const mail = await loadFixture('restic/success.eml');
    expect(restic.parse({ ...mail, subject: 'backup report', from: 'root@nas02.example.com' })[0]!.device).toBe('nas02');
  });
});

describe('restic template on published output', () => {
  it('reads restic 0.16 verbose output: processed size and duration, device from the cron subject', async () => {
    const mail = await loadFixture('restic/vmail-0.16.eml');
    expect(restic.detect(mail)).toBe(true);
    expect(restic.parse(mail)).toEqual([
      {
        device: 'k8s-node1',
        check: 'restic',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'snapshot 6b1a2da3 saved',
        startedAt: Date.UTC(2023, 11, 24, 3, 0, 5),
        endedAt: Date.UTC(2023, 11, 24, 3, 1, 40),
        durationMs: 95_000,
        bytes: Math.round(7.346 * 1024 ** 3),
        message: null,
      },
    ]);
  });

  it('reads restic 0.9 output ("Added to the repo:") with an mm:ss duration over an hour', async () => {
    const [job] = restic.parse(await loadFixture('restic/groups-0.9.eml'));
    expect(job).toMatchObject({ status: 'succeeded', durationMs: (52 * 60 + 25) * 1000, bytes: Math.round(128.39 * 1024 ** 3) });
  });

  it('reads a missing repository printed without the Fatal: prefix (0.7) as failed, in restic\'s words', async () => {
    const mail = await loadFixture('restic/no-repository-0.7.eml');
    expect(restic.detect(mail)).toBe(true);
    const [job] = restic.parse(mail);
    expect(job).toMatchObject({
      status: 'failed',
      rawStatus: 'unable to open config file: Stat: stat /mnt/bacup/restic/config: no such file or directory',
      message: 'unable to open config file: Stat: stat /mnt/bacup/restic/config: no such file or directory',
      bytes: null,
    });
  });

  it('lists size and duration as unread when a saved snapshot has no processed line', async () => {
    const mail = await loadFixture('restic/vmail-0.16.eml');
    const [job] = restic.parse({ ...mail, text: mail.text.replace(/^processed .*\n/m, '') });
    expect(job).toMatchObject({ status: 'succeeded', bytes: null, durationMs: null, unread: ['size', 'duration'] });
  });
});

describe('restic template on a published partial run', () => {
  it('reads a snapshot saved with an unreadable VSS path as partial, with the error line as message', async () => {
    const mail = await loadFixture('restic/vss-access-denied-partial.eml');
    expect(restic.detect(mail)).toBe(true);
    expect(restic.parse(mail)[0]).toMatchObject({
      device: 'pillaging-win01',
      status: 'partial',
      rawStatus: 'snapshot b0b6f4bb saved',
      bytes: 0,
      durationMs: 2000,
      message:
        'Open: open \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\System32\\config: Access is denied.\nWarning: at least one source file could not be read',
    });
  });
});
