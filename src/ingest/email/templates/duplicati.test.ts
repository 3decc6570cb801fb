import { describe, expect, it } from 'vitest';
import { duplicati } from './duplicati.js';
import { loadFixture } from './test-fixtures.js';

describe('Duplicati template', () => {
  it('reads a success report: backup name, US-order local times, size of examined files, duration', async () => {
    const mail = await loadFixture('duplicati/success.eml');
    expect(duplicati.detect(mail)).toBe(true);
    expect(duplicati.parse(mail)).toEqual([
      {
        device: 'test',
        check: 'Duplicati backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Success',
        startedAt: Date.UTC(2018, 0, 8, 22, 9, 16),
        endedAt: Date.UTC(2018, 0, 8, 22, 9, 16),
        durationMs: 234,
        bytes: 13_919,
        message: null,
      },
    ]);
  });

  it('prefers the epoch in brackets to the local time', async () => {
    const [job] = duplicati.parse(await loadFixture('duplicati/success-epoch.eml'));
    expect(job).toMatchObject({ device: 'Testing', startedAt: 1_550_384_630_000, endedAt: 1_550_384_631_000, durationMs: 190 });
  });

  it('reads the exception report (no ParsedResult) as failed with the failure text', async () => {
    const mail = await loadFixture('duplicati/failed.eml');
    expect(duplicati.detect(mail)).toBe(true);
    expect(duplicati.parse(mail)[0]).toMatchObject({
      status: 'failed',
      rawStatus: 'Failed',
      message: 'Found 17 files that are missing from the remote storage, please run repair',
    });
  });

  it('reads ParsedResult: Warning as a warning with the warnings list as message', async () => {
    const [job] = duplicati.parse(await loadFixture('duplicati/warning.eml'));
    expect(job!.status).toBe('warning');
    expect(job!.message).toContain('Error reported while accessing file: C:\\Data\\locked.pst');
  });

  it('reads a partial backup and the Error and Fatal results', async () => {
    const mail = await loadFixture('duplicati/success.eml');
    const variant = (from: string, to: string) => duplicati.parse({ ...mail, text: mail.text.replace(from, to) })[0]!.status;
    expect(variant('PartialBackup: False', 'PartialBackup: True')).toBe('partial');
    expect(variant('ParsedResult: Success', 'ParsedResult: Error')).toBe('failed');
    expect(variant('ParsedResult: Success', 'ParsedResult: Fatal')).toBe('failed');
  });
});

describe('Duplicati template on published report bodies', () => {
  it('reads a 2.0.3 report whose body has no title line: the name from the subject, US-order times', async () => {
    const mail = await loadFixture('duplicati/dupreport-success-2018.eml');
    expect(duplicati.detect(mail)).toBe(true);
    expect(duplicati.parse(mail)).toEqual([
      {
        device: 'Media',
        check: 'Duplicati backup',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Success',
        startedAt: Date.UTC(2018, 7, 29, 2, 11, 38),
        endedAt: Date.UTC(2018, 7, 29, 2, 16, 43),
        durationMs: 305_455,
        bytes: 181_673_183_234,
        message: null,
      },
    ]);
  });

  it('reads a 2.0.5 warning cut before its warnings list: epochs, and the warning count as message', async () => {
    const [job] = duplicati.parse(await loadFixture('duplicati/dupreport-warning-2020.eml'));
    expect(job).toMatchObject({
      status: 'warning',
      rawStatus: 'Warning',
      startedAt: 1_589_670_000_000,
      endedAt: 1_589_670_186_000,
      durationMs: 186_607,
      bytes: 179_129_873_304,
      message: '1 warnings (details not in the mail)',
    });
  });

  it('lists a missing size as unread, and reads an unknown result word as failed', async () => {
    const mail = await loadFixture('duplicati/dupreport-success-2018.eml');
    const text = mail.text.replace(/^SizeOfExaminedFiles:.*\n/m, '').replace('ParsedResult: Success', 'ParsedResult: Frobnicated');
    const [job] = duplicati.parse({ ...mail, text });
    expect(job).toMatchObject({ status: 'failed', rawStatus: 'Frobnicated', bytes: null });
    expect(job!.unread).toEqual(['size']);
  });
});
