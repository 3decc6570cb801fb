import { describe, expect, it } from 'vitest';
import { macrium } from './macrium.js';
import { loadFixture } from './test-fixtures.js';

describe('Macrium Reflect template', () => {
  it('reads a success on the computer, the definition as check, the duration from the log line', async () => {
    const mail = await loadFixture('macrium/backup-success.eml');
    expect(macrium.detect(mail)).toBe(true);
    expect(macrium.parse(mail)).toEqual([
      {
        device: 'SRV1',
        check: 'Backups',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'Backup Success',
        startedAt: null,
        endedAt: null,
        durationMs: (12 * 60 + 41) * 1000,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('reads a failure with the abort line as message', async () => {
    const [job] = macrium.parse(await loadFixture('macrium/backup-failure-network-path.eml'));
    expect(job).toMatchObject({ device: 'EX-Office-19', check: 'Exchange', status: 'failed', rawStatus: 'Backup Failure' });
    expect(job!.message).toBe('Backup aborted! - Write operation failed - The network path was not found.');
  });

  it('says the definition is unread when neither subject nor body names one', async () => {
    const [job] = macrium.parse(await loadFixture('macrium/backup-warnings.eml'));
    expect(job).toMatchObject({ device: 'SRV9', check: 'Macrium Reflect', status: 'warning', unread: ['backup definition'] });
  });

  it('trusts an abort in the body over a success subject', async () => {
    const mail = await loadFixture('macrium/backup-success.eml');
    const text = mail.text.replace('Success :)', '').replace('Image Completed Successfully in 00:12:41', 'Backup aborted! - Read failed - 23 - Data error (cyclic redundancy check)');
    expect(macrium.parse({ ...mail, text })[0]).toMatchObject({ status: 'failed', message: 'Backup aborted! - Read failed - 23 - Data error (cyclic redundancy check)' });
  });

  it('reads Site Manager subjects and clone notifications', async () => {
    const mail = await loadFixture('macrium/backup-warnings.eml');
    const [sm] = macrium.parse({ ...mail, subject: 'Notification - Backup Fail on computer WS-042', text: '' });
    expect(sm).toMatchObject({ device: 'WS-042', status: 'failed', rawStatus: 'Backup Fail' });
    const [clone] = macrium.parse({ ...mail, subject: 'WS-042 Macrium Reflect - Clone Failure', text: '' });
    expect(clone).toMatchObject({ kind: 'copy', status: 'failed' });
  });

  it('reads "Completed with Errors" as partial, not success', async () => {
    const mail = await loadFixture('macrium/backup-warnings.eml');
    const [job] = macrium.parse({ ...mail, subject: 'SRV9 Macrium Reflect - Backup Completed with Errors', text: '' });
    expect(job!.status).toBe('partial');
  });

  it('leaves mails that only mention Macrium alone', async () => {
    const mail = await loadFixture('macrium/backup-success.eml');
    expect(macrium.detect({ ...mail, subject: 'Macrium Reflect licence renewal' })).toBe(false);
  });
});
