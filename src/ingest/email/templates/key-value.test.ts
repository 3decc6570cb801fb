import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './index.js';
import { keyValue, keyValueStatus } from './key-value.js';
import { loadFixture } from './test-fixtures.js';

describe('key-value script report template', () => {
  it('reads the tutorial script mail: host and status, the `date` end time it cannot read listed as unread', async () => {
    const mail = await loadFixture('key-value/tapebackup-success.eml');
    expect(keyValue.detect(mail)).toBe(true);
    expect(keyValue.parse(mail)).toEqual([
      {
        device: 'www1',
        check: 'backup script',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Success!',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: null,
        unread: ['end time: "Thu Mar  7 02:10:44 UTC 2024"'],
      },
    ]);
  });

  it('reads "Failed!!!" as failed', async () => {
    expect(keyValue.parse(await loadFixture('key-value/tapebackup-failed.eml'))[0]).toMatchObject({ device: 'www1', status: 'failed', rawStatus: 'Failed!!!' });
  });

  it('reads one job per block: times, sizes, a duration, and the warning or error as message', async () => {
    const jobs = keyValue.parse(await loadFixture('key-value/three-servers.eml'));
    expect(jobs.map((j) => [j.device, j.check, j.status, j.bytes])).toEqual([
      ['ACME-FS01', 'Nightly file backup', 'succeeded', 48_200_000_000],
      ['ACME-SQL01', 'Nightly SQL dump', 'warning', 3_100_000_000],
      ['ACME-DC01', 'System state', 'failed', null],
    ]);
    expect(jobs[0]).toMatchObject({ startedAt: Date.UTC(2024, 2, 9, 1, 0, 2), endedAt: Date.UTC(2024, 2, 9, 1, 42, 17), durationMs: (42 * 60 + 15) * 1000 });
    expect(jobs[1]!.message).toBe('database ACME_Archive skipped (offline)');
    expect(jobs[2]).toMatchObject({ durationMs: 12_000, endedAt: null, message: 'The network path was not found. (0x80070035)' });
  });

  it('maps status words strictly: an unknown word is a failure, never a success', () => {
    expect(['OK', 'Completed', 'success.', 'Completed with warnings', 'Cancelled', 'Error'].map(keyValueStatus)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'warning',
      'cancelled',
      'failed',
    ]);
    expect(keyValueStatus('Successish')).toBe('failed');
    expect(keyValueStatus('')).toBe('failed');
  });

  it('takes the device from the sender when no host key is given', async () => {
    const mail = await loadFixture('key-value/tapebackup-success.eml');
    const [job] = keyValue.parse({ ...mail, text: 'Job: etc-tar\nStatus: OK\nSize: 12 MB\n' });
    expect(job).toMatchObject({ device: 'www1', check: 'etc-tar', status: 'succeeded', bytes: 12_000_000 });
  });

  it('does not take prose with a status line, a mail without a status, or an Azure script report', async () => {
    const mail = await loadFixture('key-value/tapebackup-success.eml');
    const prose = 'Hi team,\n\nthe migration went fine last night and we copied everything over to the new array.\nPlease check your shares this morning and tell me if anything is missing.\n\nStatus: OK\nHost: www1\n\nThanks,\nBob\nIT department\nSecond floor';
    expect(keyValue.detect({ ...mail, text: prose })).toBe(false);
    expect(keyValue.detect({ ...mail, text: 'Hostname: www1\nSize: 12 MB\nEnd: 2024-03-07 02:00\n' })).toBe(false);
    expect(keyValue.detect({ ...mail, text: 'VM Name: APP01\nStatus: Completed\nRecent: True\n' })).toBe(false);
  });
});

describe('key-value as the registry fallback', () => {
  it('declines a product\'s own key-value mail that the product template takes, and keeps script mails', async () => {
    const fallback = TEMPLATES.find((t) => t.id === 'key-value')!;
    const altaro = await loadFixture('altaro/backup-success.eml');
    expect(keyValue.detect(altaro)).toBe(true);
    expect(fallback.detect(altaro)).toBe(false);
    expect(fallback.detect(await loadFixture('key-value/three-servers.eml'))).toBe(true);
  });
});
