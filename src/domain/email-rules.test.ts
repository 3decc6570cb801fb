import { describe, expect, it } from 'vitest';
import { draftRules, subjectPattern, subjectRegex } from './email-draft.js';
import { compileRules, matchesCheck, namedField, normaliseRules, statusByRules, statusByWords } from './email-rules.js';
import type { ValidationError } from './errors.js';

const mail = (over: Partial<{ from: string; to: string[]; subject: string; text: string }> = {}) => ({
  from: 'veeam@hq.example',
  to: ['backups@kw.example'],
  subject: '[Success] Nightly SQL (2 VMs)',
  text: 'Job: Nightly SQL\nStatus: Success\nSize: 12 GB',
  ...over,
});

describe('matching rules', () => {
  it('match only when every rule holds, case-insensitively', () => {
    const rules = compileRules(
      normaliseRules({
        match: [
          { field: 'from', op: 'equals', value: 'VEEAM@hq.example' },
          { field: 'subject', op: 'contains', value: 'nightly sql' },
          { field: 'to', op: 'regex', value: '^backups@' },
        ],
      }),
    );
    expect(matchesCheck(rules, mail())).toBe(true);
    expect(matchesCheck(rules, mail({ from: 'other@hq.example' }))).toBe(false);
    expect(matchesCheck(rules, mail({ to: ['alerts@kw.example'] }))).toBe(false);
  });

  it('never match a check that has no matching rules', () => {
    expect(matchesCheck(compileRules(normaliseRules({})), mail())).toBe(false);
  });

  it('refuse patterns RE2 cannot run, naming each one', () => {
    try {
      compileRules(normaliseRules({ match: [{ field: 'subject', op: 'regex', value: '(?=x)' }], status: [{ field: 'body', op: 'regex', value: '(a)\\1', status: 'failed' }] }));
      expect.unreachable();
    } catch (err) {
      expect((err as ValidationError).problems.map((p) => p.field)).toEqual(['email.match[0].value', 'email.status[0].value']);
    }
  });

  it('run a catastrophic-backtracking pattern in linear time', () => {
    const rules = compileRules(normaliseRules({ match: [{ field: 'subject', op: 'regex', value: '^(a+)+$' }] }));
    const started = performance.now();
    expect(matchesCheck(rules, mail({ subject: `${'a'.repeat(50_000)}!` }))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('status rules', () => {
  const rules = compileRules(
    normaliseRules({
      status: [
        { field: 'subject', op: 'contains', value: 'success', status: 'succeeded' },
        { field: 'body', name: 'Status', op: 'equals', value: 'Failed', status: 'failed' },
        { field: 'subject', op: 'regex', value: '\\bwarn', status: 'warning' },
      ],
    }),
  );

  it('are evaluated failure first, then warning, then success', () => {
    expect(statusByRules(rules, mail({ subject: 'success with warnings', text: 'Status: Failed' }))?.status).toBe('failed');
    expect(statusByRules(rules, mail({ subject: 'success with warnings' }))?.status).toBe('warning');
    expect(statusByRules(rules, mail())?.status).toBe('succeeded');
    expect(statusByRules(rules, mail({ subject: 'other' }))).toBeNull();
  });

  it('read a named field from the body', () => {
    expect(namedField('Job: x\n  Status :  Completed \nStatusCode: 0', 'status')).toBe('Completed');
    expect(namedField('Replication Health = Normal', 'Replication Health')).toBe('Normal');
    expect(namedField('Statusbar: on', 'Status')).toBeNull();
  });
});

describe('drafts from a message', () => {
  it('generalise dates, times, numbers and status words in the subject', () => {
    expect(subjectPattern('[Success] Nightly SQL (2 VMs) 2026-11-20 01:00')).toBe('[{status}] Nightly SQL ({n} VMs) {date}');
    expect(subjectPattern('Backup of PROJECTS on 20.11.2026 at 3:15 PM failed')).toBe('Backup of PROJECTS on {date} at {time} {status}');
  });

  it('produce a subject regex that matches the same job on another day and outcome', () => {
    const rules = compileRules(normaliseRules({ match: [{ field: 'subject', op: 'regex', value: subjectRegex('[Success] Nightly SQL (2 VMs) 2026-11-20') }] }));
    expect(matchesCheck(rules, mail({ subject: '[Failed] Nightly SQL (3 VMs) 2026-11-21' }))).toBe(true);
    expect(matchesCheck(rules, mail({ subject: '[Failed] Nightly Exchange (3 VMs) 2026-11-21' }))).toBe(false);
  });

  it('start from the sender and the usual status words when no template helps', () => {
    const d = draftRules({ from: 'nas@x.example', subject: 'Backup failed' }, null);
    expect(d.match[0]).toEqual({ field: 'from', op: 'equals', value: 'nas@x.example' });
    const compiled = compileRules(d);
    expect(statusByRules(compiled, mail({ subject: 'Backup failed' }))?.status).toBe('failed');
    expect(statusByRules(compiled, mail({ subject: 'Backup completed' }))?.status).toBe('succeeded');
  });
});

describe('built-in status words', () => {
  const words = (subject: string, text = '') => statusByWords({ subject, text });

  it('read failure, warning and success words from the subject, whole words in any case', () => {
    expect(words('[Failed] Nightly backup')).toEqual({ status: 'failed', word: 'Failed', field: 'subject' });
    expect(words('Backup ERROR on NAS')?.status).toBe('failed');
    expect(words('Job was unsuccessful')?.status).toBe('failed');
    expect(words('[Warning] Nightly backup')).toEqual({ status: 'warning', word: 'Warning', field: 'subject' });
    expect(words('Partial backup of SRV01')?.status).toBe('warning');
    expect(words('Backup completed successfully')).toEqual({ status: 'succeeded', word: 'completed successfully', field: 'subject' });
    expect(words('[Success] Nightly')?.status).toBe('succeeded');
    expect(words('Backup OK')?.status).toBe('succeeded');
  });

  it('ignore words inside other words', () => {
    expect(words('Terrors of the deep')).toBeNull();
    expect(words('Booking confirmation')).toBeNull();
    expect(words('Successor plan')).toBeNull();
  });

  it('let failure beat warning beat success within one part', () => {
    expect(words('Backup succeeded with warnings')?.status).toBe('warning');
    expect(words('OK: 3 jobs, failed: 1')?.status).toBe('failed');
    expect(words('Partially succeeded')?.status).toBe('warning');
  });

  it('skip negated words: no, zero, 0, without, not, and "Errors: 0"', () => {
    expect(words('0 errors, backup succeeded')?.status).toBe('succeeded');
    expect(words('Completed without errors')).toBeNull();
    expect(words('Backup done, no warnings')).toBeNull();
    expect(words('Summary', 'Success: 5\nWarnings: 0\nErrors: 0')?.status).toBe('succeeded');
    expect(words('Error 0x80070005')?.status).toBe('failed');
    expect(words('10 errors')?.status).toBe('failed');
  });

  it('count a success word after "not" as a failure', () => {
    expect(words('Backup was not successful')).toEqual({ status: 'failed', word: 'successful', field: 'subject' });
    expect(words('Backup not completed successfully')?.status).toBe('failed');
  });

  it('read the body only when the subject has no status word', () => {
    expect(words('Nightly backup', 'Result: Failed')).toEqual({ status: 'failed', word: 'Failed', field: 'body' });
    expect(words('Nightly backup succeeded', 'Last error: none')).toEqual({ status: 'succeeded', word: 'succeeded', field: 'subject' });
    expect(words('Nightly backup', 'all good')).toBeNull();
  });
});
