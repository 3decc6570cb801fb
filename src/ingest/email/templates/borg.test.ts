import { describe, expect, it } from 'vitest';
import { archivePrefix, borg } from './borg.js';
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

describe('borg template on published output', () => {
  it('reads a Homebox report: create and prune both rc 0, device from the archive name before its timestamp', async () => {
    const mail = await loadFixture('borg/homebox-success.eml');
    expect(borg.detect(mail)).toBe(true);
    expect(borg.parse(mail)).toEqual([
      {
        device: 'home',
        check: 'borg',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'terminating with success status, rc 0',
        startedAt: Date.UTC(2018, 3, 7, 22, 3, 48),
        endedAt: Date.UTC(2018, 3, 7, 22, 3, 48),
        durationMs: 370,
        bytes: 157_000_000,
        message: null,
      },
    ]);
  });

  it('takes the worst of several rc lines: an archive created but a prune that failed is failed', async () => {
    const [job] = borg.parse(await loadFixture('borg/homebox-prune-error.eml'));
    expect(job).toMatchObject({ status: 'failed', rawStatus: 'terminating with error status, rc 2', bytes: 62_280 });
    expect(job!.message).toContain('At least one of the "keep-within"');
    expect(job!.message).not.toContain('Archive fingerprint');
  });

  it('recognises bare --show-rc output by borg in the cron subject, and reads rc 1 as a warning', async () => {
    const mail = await loadFixture('borg/show-rc-warning.eml');
    expect(borg.detect(mail)).toBe(true);
    expect(borg.detect({ ...mail, subject: 'nightly job' })).toBe(false);
    expect(borg.parse(mail)[0]).toMatchObject({
      device: 'tux',
      status: 'warning',
      message: "src/rootonly: open: [Errno 13] Permission denied: 'src/rootonly'\nterminating with warning status, rc 1",
    });
  });

  it('reads borg 1.4 warning codes (100-127) as warnings and other codes as errors', async () => {
    const mail = await loadFixture('borg/show-rc-warning.eml');
    const at = (rc: string) => borg.parse({ ...mail, text: mail.text.replace('warning status, rc 1', rc) })[0]!.status;
    expect(at('warning status, rc 107')).toBe('warning');
    expect(at('error status, rc 75')).toBe('failed');
  });

  it('leaves borgmatic logs to the borgmatic template', async () => {
    const mail = await loadFixture('borgmatic/two-repositories-success.eml');
    expect(borg.detect(mail)).toBe(false);
  });

  it('names an unreadable archive time instead of failing', async () => {
    const mail = await loadFixture('borg/homebox-success.eml');
    const [job] = borg.parse({ ...mail, text: mail.text.replace('Time (end):   Sat, 2018-04-07 22:03:48', 'Time (end):   gestern') });
    expect(job).toMatchObject({ status: 'succeeded', endedAt: null, durationMs: 370 });
    expect(job!.unread).toEqual(['end time: "gestern"']);
  });

  it('strips the timestamp borg archive names end with', () => {
    expect(archivePrefix('web01-2020-12-02T08:14:39')).toBe('web01');
    expect(archivePrefix('home-2018-04-07 22:03:47.380483')).toBe('home');
    expect(archivePrefix('2020-12-02')).toBe('2020-12-02');
  });
});
