import { describe, expect, it } from 'vitest';
import { htmlToText } from '../html-text.js';
import { datto } from './datto.js';
import { loadFixture } from './test-fixtures.js';

describe('Datto Endpoint Backup template', () => {
  it('reads Backup Not Taken as a failed job of the agent, with the alert sentence as message', async () => {
    const mail = await loadFixture('datto/backup-not-taken.eml');
    expect(datto.detect(mail)).toBe(true);
    expect(datto.parse(mail)).toEqual([
      {
        device: 'AT01-03-017',
        check: 'Endpoint Backup for PCs',
        kind: 'backup',
        status: 'failed',
        rawStatus: 'Backup Not Taken',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message:
          'AT01-03-017 has stopped taking backup. The last time a backup was taken from this agent was on June 20, 2025 12:22 UTC, which exceeds your configured threshold of 1 days.',
      },
    ]);
  });

  it('reads Agent Not Checking In as a failed job of the agent', async () => {
    const [j] = datto.parse(await loadFixture('datto/agent-not-checking-in.eml'));
    expect(j).toMatchObject({ device: 'AT01-03-012', status: 'failed', rawStatus: 'Agent Not Checking In' });
    expect(j!.message).toContain("The last time we've heard from this agent was on December 20, 2024 15:23");
  });

  it('reads the HTML when no text part was made from it the usual way', async () => {
    const mail = await loadFixture('datto/backup-not-taken-desktop.eml');
    const fromHtml = { ...mail, text: htmlToText(mail.html!) };
    expect(datto.parse(fromHtml)[0]).toMatchObject({ device: 'DESKTOP-17HC15J', status: 'failed' });
  });

  it('takes the agent from the subject when the body has no Agent Name, and a new alert title as a warning', async () => {
    const mail = await loadFixture('datto/backup-not-taken.eml');
    const noName = { ...mail, text: mail.text.replace('Agent Name: AT01-03-017', 'Agent Name:') };
    expect(datto.parse(noName)[0]!.device).toBe('AT01-03-017');
    const newTitle = { ...mail, text: mail.text.replace('Backup Not Taken', 'Backup Slow') };
    expect(datto.parse(newTitle)[0]).toMatchObject({ status: 'warning', rawStatus: 'Backup Slow', unread: ['alert: "Backup Slow"'] });
  });

  it('does not take a mail with the subject but not the alert layout', async () => {
    const mail = await loadFixture('datto/backup-not-taken.eml');
    expect(datto.detect({ ...mail, text: 'Can you look at this agent?', html: null })).toBe(false);
  });
});
