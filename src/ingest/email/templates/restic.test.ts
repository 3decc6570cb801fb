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
