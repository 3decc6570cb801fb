import { describe, expect, it } from 'vitest';
import { kopia } from './kopia.js';
import { loadFixture } from './test-fixtures.js';

describe('Kopia template', () => {
  it('reads a snapshot report: host from the subject, path as check, size before the change, Go duration', async () => {
    const mail = await loadFixture('kopia/success.eml');
    expect(kopia.detect(mail)).toBe(true);
    expect(kopia.parse(mail)).toEqual([
      {
        device: 'some-host',
        check: '/some/path',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'success',
        startedAt: Date.UTC(2020, 0, 2, 3, 4, 5),
        endedAt: Date.UTC(2020, 0, 2, 3, 4, 6, 100),
        durationMs: 1100,
        bytes: 456,
        message: '/some/path: some error\n/some/path2: some error',
      },
    ]);
  });

  it('gives one job per snapshot block, the fatal one failed with its error', async () => {
    const jobs = kopia.parse(await loadFixture('kopia/failed.eml'));
    expect(jobs.map((j) => [j.check, j.status])).toEqual([
      ['/some/other/path', 'failed'],
      ['/some/path', 'succeeded'],
      ['/some/path', 'succeeded'],
      ['/some/path2', 'succeeded'],
    ]);
    expect(jobs[0]).toMatchObject({ rawStatus: 'fatal', bytes: 0, durationMs: 0, message: 'some top-level error', startedAt: 0 });
  });

  it('reads the generic error mail as one failed operation with its details and times', async () => {
    const mail = await loadFixture('kopia/error.eml');
    expect(kopia.detect(mail)).toBe(true);
    expect(kopia.parse(mail)).toEqual([
      {
        device: 'some-host',
        check: 'Some Operation',
        kind: 'backup',
        status: 'failed',
        rawStatus: 'error during Some Operation',
        startedAt: Date.UTC(2020, 0, 2, 3, 4, 5),
        endedAt: Date.UTC(2020, 0, 2, 3, 4, 6),
        durationMs: 1000,
        bytes: null,
        message: 'Some Operation Details\nerror details',
      },
    ]);
  });

  it('maps warnings and incomplete, and never takes an unknown status word for success', async () => {
    const mail = await loadFixture('kopia/success.eml');
    const read = (word: string) => kopia.parse({ ...mail, text: mail.text.replace('Status:      success', `Status:      ${word}`) })[0]!;
    expect(read('warnings').status).toBe('warning');
    expect(read('incomplete').status).toBe('partial');
    expect(read('paused')).toMatchObject({ status: 'failed', rawStatus: 'paused', unread: ['status: "paused"'] });
  });

  it('says which figure it could not read instead of failing', async () => {
    const mail = await loadFixture('kopia/success.eml');
    const text = mail.text.replace('456 B (+56 B)', 'lots').replace('Thu, 02 Jan 2020 03:04:05 +0000', 'yesterday');
    const [job] = kopia.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'succeeded', bytes: null, startedAt: null, unread: ['start: "yesterday"', 'size: "lots"'] });
  });

  it('reads base-2 sizes when Kopia prints them', async () => {
    const mail = await loadFixture('kopia/success.eml');
    const [job] = kopia.parse({ ...mail, text: mail.text.replace('456 B (+56 B)', '1.5 GiB (+2 MiB)') });
    expect(job!.bytes).toBe(Math.round(1.5 * 1024 ** 3));
  });

  it('does not take a mail with a Kopia-like subject but no snapshot blocks', async () => {
    const mail = await loadFixture('kopia/success.eml');
    expect(kopia.detect({ ...mail, text: 'Successfully created the report you asked for.' })).toBe(false);
    expect(kopia.detect({ ...mail, subject: 'Weekly report' })).toBe(false);
  });
});
