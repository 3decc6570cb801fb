import { describe, expect, it } from 'vitest';
import { borg } from './borg.js';
import { loadFixture } from './test-fixtures.js';

describe('borg template', () => {
  it('reads create --stats output: archive times, duration, original size, device from the archive name', async () => {
    const mail = await loadFixture('borg/success.eml');
    expect(borg.detect(mail)).toBe(true);
    expect(borg.parse(mail)).toEqual([
      {
        device: 'sunknudsen-macbook-pro',
        check: 'borg',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'archive created',
        startedAt: Date.UTC(2020, 11, 2, 8, 14, 41),
        endedAt: Date.UTC(2020, 11, 2, 8, 14, 42),
        durationMs: 290,
        bytes: 6_810_000,
        message: null,
      },
    ]);
  });

  it('reads rc 2 as failed with what borg said, device from the cron subject', async () => {
    const [job] = borg.parse(await loadFixture('borg/failed.eml'));
    expect(job).toMatchObject({ device: 'files01', status: 'failed', rawStatus: 'terminating with error status, rc 2' });
    expect(job!.message).toContain('Permission denied (publickey)');
  });

  it('reads rc 1 as a warning', async () => {
    const mail = await loadFixture('borg/success.eml');
    const text = `/home/u/.cache/x: [Errno 13] Permission denied: 'x'\n${mail.text}terminating with warning status, rc 1\n`;
    const [job] = borg.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'warning' });
    expect(job!.message).toContain('[Errno 13] Permission denied');
  });
});
