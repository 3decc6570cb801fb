// The shared keyword search every template's detect() asks first, and the reply/forward test it
// now gates: a necessary condition must never turn down a mail the full test would take.
import { describe, expect, it } from 'vitest';
import { isReplyOrForward, keywords, mentions } from './common.js';
import type { ParsedEmail } from './types.js';

function mail(fields: Partial<ParsedEmail>): ParsedEmail {
  return { messageId: null, from: 'robot@example.com', fromName: null, to: [], subject: 'Nightly report', date: null, text: 'All good.', html: null, attachments: [], ...fields };
}

describe('mentions', () => {
  const product = keywords('cove', 'backup manager');
  const overlap = keywords('msp backup');
  const prefix = keywords('active backup', 'active backup for business');

  it('finds a keyword in any case, in the sender name, address, subject or body', () => {
    expect(mentions(mail({ fromName: 'COVE Data Protection' }), product)).toBe(true);
    expect(mentions(mail({ from: 'alerts@cove.example' }), product)).toBe(true);
    expect(mentions(mail({ subject: 'Backup Manager: session finished' }), product)).toBe(true);
    expect(mentions(mail({ text: 'Report\n\nsent by Backup MANAGER 23.4' }), product)).toBe(true);
    expect(mentions(mail({ text: 'A plain report from someone else.' }), product)).toBe(false);
  });

  it('finds keywords that overlap in the text', () => {
    // `msp backup` and `backup manager` share `backup`: the search resumes inside a match.
    const m = mail({ text: 'Installed: MSP Backup Manager' });
    expect(mentions(m, overlap)).toBe(true);
    expect(mentions(m, product)).toBe(true);
  });

  it('finds a keyword that a longer one starts at the same place', () => {
    expect(mentions(mail({ text: 'Active Backup for Business - backup task' }), keywords('active backup'))).toBe(true);
    expect(mentions(mail({ text: 'Active Backup for Business - backup task' }), prefix)).toBe(true);
  });

  it('searches a message again for a keyword registered after it was searched', () => {
    const m = mail({ text: 'Sent by Zmanda Backup 4.2' });
    expect(mentions(m, product)).toBe(false);
    expect(mentions(m, keywords('zmanda'))).toBe(true);
  });

  it('accepts lower-case keywords only', () => {
    expect(() => keywords('Cove')).toThrow(/lower case/);
    expect(() => keywords('')).toThrow(/non-empty/);
  });
});

describe('isReplyOrForward, with its keyword gate', () => {
  it('knows forwarded and quoted bodies under a subject that says nothing', () => {
    for (const text of [
      'FYI\n\n---------- Forwarded message ---------\nFrom: veeam@example.com',
      'FYI\n\n-----Ursprüngliche Nachricht-----\nVon: backup',
      'See below.\n\nBegin forwarded message:\n\nFrom: NAS',
      'Did this fail again?\n\n> Backup job: Nightly\n> Failed',
      '-------- Message transféré --------\nSujet : sauvegarde',
    ]) {
      expect(isReplyOrForward(mail({ text })), text).toBe(true);
    }
  });

  it('lets the product’s own mail through', () => {
    expect(isReplyOrForward(mail({ text: 'Backup job: Nightly\nStatus: Success\nFrom 02:00 to 02:10 (a > b is not a quote)' }))).toBe(false);
    expect(isReplyOrForward(mail({ subject: 'RE: Nightly report' }))).toBe(true);
  });
});
