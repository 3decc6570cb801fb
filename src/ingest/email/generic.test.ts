import { describe, expect, it } from 'vitest';
import { correctionRules } from '../../domain/email-draft.js';
import { compileRules, statusByRules, statusByWords } from '../../domain/email-rules.js';
import { figures, namesFromSubject, suggest } from './generic.js';
import type { ParsedEmail } from './templates/types.js';

function mail(subject: string, text = '', from = 'backup@corp.example', fromName: string | null = null): ParsedEmail {
  return { messageId: null, from, fromName, to: ['backups@keepwatch.test'], subject, date: null, text, html: null, attachments: [] };
}

describe('generic recogniser: names from the subject', () => {
  it.each([
    ['[Success] Daily Backup (web01)', 'web01', 'Daily Backup'],
    ['[Failed] SQL dumps (DB-SRV-02)', 'DB-SRV-02', 'SQL dumps'],
    ['Backup of SERVER01 completed successfully', 'SERVER01', 'Backup'],
    ['Snapshot of vm-104 failed', 'vm-104', 'Snapshot'],
    ['SERVER01: nightly backup failed', 'SERVER01', 'nightly backup'],
    ["Backup job 'Exchange Daily' on MAIL01 finished with warnings", 'MAIL01', 'Exchange Daily'],
    ['Cron <root@web01> /usr/local/bin/backup.sh', 'web01', 'backup.sh'],
    ['WEB01 - Nightly rsync - Success', 'WEB01', 'Nightly rsync'],
    ['Nightly backup on fileserver.corp.local succeeded 2026-11-20 03:00', 'fileserver.corp.local', 'Nightly backup'],
    ['Job FAILED: Nightly file backup (BRANCH-FS) 2026-11-20', 'BRANCH-FS', 'Nightly file backup'],
  ])('reads %s as device %s, job %s', (subject, device, check) => {
    expect(namesFromSubject(subject)).toEqual({ device, check });
  });

  it('does not take a count in brackets for a host: "(3 VMs)" names no machine', () => {
    expect(namesFromSubject('[Success] Daily (3 VMs)')).toBeNull();
  });

  it('does not take an ordinary word before a colon for a host', () => {
    expect(namesFromSubject('Backup: all done')).toBeNull();
  });
});

describe('generic recogniser: suggestions', () => {
  it('suggests device, job and status with the word and field that decided, and rules that give that status', () => {
    const m = mail('Backup of SERVER01 completed successfully', 'Transferred: 12.3 GB\nDuration: 01:02:03');
    const s = suggest(m)!;
    expect(s).toMatchObject({ device: 'SERVER01', check: 'Backup', status: 'succeeded', why: { word: 'completed successfully', field: 'subject' } });
    expect(s).toMatchObject({ bytes: 12_300_000_000, durationMs: 3_723_000, names: 'subject' });
    expect(s.rules.match[0]).toEqual({ field: 'from', op: 'equals', value: 'backup@corp.example' });
    const rules = compileRules(s.rules);
    expect(statusByRules(rules, m)?.status).toBe('succeeded');
    expect(statusByRules(rules, mail('Backup of SERVER01 failed'))?.status).toBe('failed');
  });

  it('reads a failure from the body under a subject that names the job', () => {
    const s = suggest(mail('SERVER01: nightly backup', 'rsync error: some files could not be transferred (code 23)'))!;
    expect(s).toMatchObject({ device: 'SERVER01', check: 'nightly backup', status: 'failed', why: { word: 'error', field: 'body' } });
  });

  it('reads a warning from "finished with warnings"', () => {
    expect(suggest(mail("Backup job 'Exchange Daily' on MAIL01 finished with warnings"))).toMatchObject({ status: 'warning', why: { word: 'warnings' } });
  });

  it('answers no status for "0 errors" and "no failures", yet keeps names and figures', () => {
    const s = suggest(mail('Nightly report for db-2: 0 errors', 'no failures\nTotal size 1,2 TB\ntook 5 minutes'))!;
    expect(s).toMatchObject({ device: 'db-2', status: null, why: null, bytes: 1_200_000_000_000, durationMs: 300_000 });
  });

  it('turns "not successful" into a failure, as the built-in words do', () => {
    expect(suggest(mail('Backup of NAS01 was not successful'))).toMatchObject({ device: 'NAS01', status: 'failed' });
  });

  it('names a cron mail by host and script, and reads an elapsed time', () => {
    const s = suggest(mail('Cron <root@web01> /usr/local/bin/backup.sh', 'Elapsed time 00:10:21\nbackup finished OK', 'root@web01.example.com'))!;
    expect(s).toMatchObject({ device: 'web01', check: 'backup.sh', status: 'succeeded', why: { word: 'OK', field: 'body' }, durationMs: 621_000 });
  });

  it('falls back to a machine-like display name, then the sender host, when the subject names no machine', () => {
    expect(suggest(mail('Backup completed successfully', '', 'alerts@corp.example', 'NAS-BRANCH2 Alerts'))).toMatchObject({ device: 'NAS-BRANCH2', names: 'sender' });
    expect(suggest(mail('Backup failed', '', 'root@mx3.corp.example', 'Jane Doe'))).toMatchObject({ device: 'mx3', check: 'Backup', status: 'failed' });
  });

  it('gives nothing for a newsletter, though it speaks of success', () => {
    const news = mail('Our November newsletter', 'Read five customer success stories.\nNo errors, just results!\n\nUnsubscribe | Manage preferences', 'news@vendor.example');
    expect(suggest(news)).toBeNull();
  });

  it('gives nothing for a mail with no status, no job name and no figures', () => {
    expect(suggest(mail('Toner low', 'Replace the toner cartridge', 'printer@branch.example'))).toBeNull();
  });

  it('gives no status for a body word under a subject that names no job', () => {
    expect(suggest(mail('Lunch on Friday?', 'It was a success last time', 'colleague@corp.example'))).toBeNull();
  });

  it('gives nothing for a person’s reply quoting a failure', () => {
    expect(suggest(mail('Re: Backup of SERVER01 failed', 'Looking into it'))).toBeNull();
  });
});

describe('generic recogniser: figures', () => {
  it.each([
    ['Transferred: 12.3 GB', 12_300_000_000, null],
    ['Total size 1,2 TB', 1_200_000_000_000, null],
    ['Backup size: 1,234,567 bytes', 1_234_567, null],
    ['Duration: 01:02:03', null, 3_723_000],
    ['The job took 2 hours 5 minutes', null, 7_500_000],
    ['Elapsed time 00:10:21', null, 621_000],
    ['Run time: 45 s, 3 files sent', null, 45_000],
  ])('reads %s', (text, bytes, durationMs) => {
    expect(figures({ subject: '', text })).toEqual({ bytes, durationMs });
  });
});

// correctionRules lives beside draftRules in domain/email-draft.ts; it is tried here, with the
// recogniser's mails, because a correction starts from what the recogniser could not tell.
describe('rules learned from a correction', () => {
  const sibling = (m: ParsedEmail) => ({ ...m, status: statusByWords(m)?.status ?? null });
  const verdict = (rules: ReturnType<typeof correctionRules>, m: ParsedEmail) => statusByRules(compileRules(rules), m)?.status ?? rules.default_status;

  it('finds the body line the sender’s other mails lack, and gives the others the other status', () => {
    const bad = mail('NAS01: nightly sync report', 'Copied 0 of 1200 files\ndestination unreachable');
    const good = mail('NAS01: nightly sync report', 'Copied 1200 of 1200 files');
    const rules = correctionRules(bad, 'failed', [sibling(good)]);
    expect(rules.status[0]).toEqual({ field: 'body', op: 'contains', value: 'destination unreachable', status: 'failed' });
    expect([verdict(rules, bad), verdict(rules, good)]).toEqual(['failed', 'succeeded']);
  });

  it('reads a wrongly worded mail as the user says, while siblings keep the status their words give', () => {
    const odd = mail('Backup of SQL01 completed successfully', 'Status: Completed with skipped databases');
    const failed = mail('Backup of SQL01 failed', 'Status: Aborted');
    const rules = correctionRules(odd, 'warning', [sibling(failed)]);
    expect(verdict(rules, odd)).toBe('warning');
    expect(verdict(rules, failed)).toBe('failed');
    expect(verdict(rules, mail('Backup of SQL01 completed successfully', 'Status: Completed'))).toBe('succeeded');
  });

  it('never adds a sibling’s rule that would change the corrected mail’s own status', () => {
    const ok = mail('Backup of WEB01 finished', 'OK, though 1 error was retried');
    const rules = correctionRules(ok, 'succeeded', [sibling(mail('Backup of WEB01 finished', 'error: disk full'))]);
    expect(verdict(rules, ok)).toBe('succeeded');
  });
});
