import { describe, expect, it } from 'vitest';
import { acronis } from './acronis.js';
import { loadFixture } from './test-fixtures.js';

describe('Acronis Cyber Protect Cloud template', () => {
  it('reads a failed machine backup with the reason under the machine name', async () => {
    const mail = await loadFixture('acronis/failed-network-share.eml');
    expect(acronis.detect(mail)).toBe(true);
    expect(acronis.parse(mail)).toEqual([
      {
        device: 'BigR-NewPC',
        check: 'Nas Backup',
        kind: 'backup',
        status: 'failed',
        rawStatus: 'Backup failed',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: 'Cannot connect to the machine where network share is located.',
      },
    ]);
  });

  it('keeps a plan name that holds its own brackets, and stops the reason at Show details', async () => {
    const [j] = acronis.parse(await loadFixture('acronis/failed-cloud-storage.eml'));
    expect(j).toMatchObject({
      device: 'DESKTOP-IC6BFS8',
      check: 'Bobs Backup (14/04/26)',
      status: 'failed',
      message: 'The cloud storage is temporarily unavailable.',
    });
  });

  it('reads a cloud-to-cloud resource as a SaaS backup, with no message on success', async () => {
    const [j] = acronis.parse(await loadFixture('acronis/success-cloud-resource.eml'));
    expect(j).toMatchObject({ device: 'CCL', check: 'SharePoint sites to Cloud storage (4)', kind: 'saas_backup', status: 'succeeded', rawStatus: 'Backup succeeded', message: null });
    expect(j!.unread).toBeUndefined();
  });

  it('reads succeeded with warnings as a warning, not a success', async () => {
    const [j] = acronis.parse(await loadFixture('acronis/warning-machine.eml'));
    expect(j).toMatchObject({ device: 'DATASERVER.baywood.example', check: 'Baywood-Cloud Server Backup', status: 'warning', rawStatus: 'Backup succeeded with warnings' });
  });

  it('reads the double space the warning subject sometimes has', async () => {
    const mail = await loadFixture('acronis/warning-machine.eml');
    const doubled = { ...mail, subject: mail.subject.replace('WARNINGS (', 'WARNINGS  (') };
    expect(acronis.detect(doubled)).toBe(true);
    expect(acronis.parse(doubled)[0]!.status).toBe('warning');
  });

  it('takes the workload and plan from the body when the subject lacks them, and says when neither has them', async () => {
    const mail = await loadFixture('acronis/failed-network-share.eml');
    const bare = { ...mail, subject: 'BACKUP FAILED (group: Biztech > R Brown Construction)(plan: Nas Backup)' };
    expect(acronis.detect(bare)).toBe(true);
    expect(acronis.parse(bare)[0]).toMatchObject({ device: 'BigR-NewPC', check: 'Nas Backup', message: 'Cannot connect to the machine where network share is located.' });
    const headlineOnly = { ...bare, subject: 'BACKUP FAILED (group: Biztech)(plan: Nas Backup)', text: 'Backup failed' };
    expect(acronis.parse(headlineOnly)[0]).toMatchObject({ device: 'Biztech', unread: ['workload'] });
  });

  it('reads an unknown verdict word as a warning and says it could not read it', async () => {
    const mail = await loadFixture('acronis/failed-network-share.eml');
    const odd = { ...mail, subject: mail.subject.replace('BACKUP FAILED', 'BACKUP PAUSED'), text: mail.text.replace('Backup failed', 'Backup failed to finish') };
    expect(acronis.detect(odd)).toBe(true);
    expect(acronis.parse(odd)[0]).toMatchObject({ status: 'warning', unread: ['status: "PAUSED"'] });
  });

  it('does not take the daily status report, nor a subject without the Acronis headline in the body', async () => {
    const mail = await loadFixture('acronis/failed-network-share.eml');
    const report = { ...mail, subject: 'DAILY STATUS REPORT ON May 19, 2026, 4:40:25 PM (group: X) (Critical: 0, Error: 0, Warning: 1, Information: 0)' };
    expect(acronis.detect(report)).toBe(false);
    expect(acronis.detect({ ...mail, text: 'Our backup failed again, see subject.', html: null })).toBe(false);
  });
});
