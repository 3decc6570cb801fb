// Every template against every fixture: only the product's own template may recognise a mail,
// and none may recognise a reply to it or a forward of it.
import { describe, expect, it } from 'vitest';
import { recognise, TEMPLATES } from './index.js';
import { fixtureNames, loadFixture } from './test-fixtures.js';
import type { ParsedEmail } from './types.js';

/** `DERIVED_veeam-agent-failed.eml` → `veeam-agent`: the longest template id the name starts with. */
function expectedTemplate(file: string): string | null {
  const name = file.replace(/^DERIVED_/, '');
  const ids = TEMPLATES.map((t) => t.id).filter((id) => name.startsWith(`${id}-`));
  return ids.sort((a, b) => b.length - a.length)[0] ?? null;
}

describe.each(fixtureNames())('fixture %s', (file) => {
  it('is recognised by its own template only', async () => {
    const mail = await loadFixture(file);
    const matching = TEMPLATES.filter((t) => t.detect(mail)).map((t) => t.id);
    const expected = expectedTemplate(file);
    expect(matching).toEqual(expected ? [expected] : []);
    expect(recognise(mail)?.template.id ?? null).toBe(expected);
    if (expected) expect(recognise(mail)!.jobs.length).toBeGreaterThan(0);
  });

  it('is not recognised as a reply or a forward', async () => {
    const mail = await loadFixture(file);
    const reply: ParsedEmail = { ...mail, subject: `RE: ${mail.subject}`, html: null, text: `Looks bad, please check.\n\n${quote(mail.text)}` };
    const forward: ParsedEmail = { ...mail, subject: `Fwd: ${mail.subject}`, html: null, text: `FYI\n\n---------- Forwarded message ---------\n${mail.text}` };
    for (const t of TEMPLATES) {
      expect(t.detect(reply), `${t.id} on reply`).toBe(false);
      expect(t.detect(forward), `${t.id} on forward`).toBe(false);
    }
  });
});

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

it('every template has an id, a product name and status hints', () => {
  const ids = TEMPLATES.map((t) => t.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const t of TEMPLATES) {
    expect(t.product).not.toBe('');
    expect(t.statusHints.length).toBeGreaterThan(0);
  }
});

describe('recognise', () => {
  it('answers null for a mail no template knows', async () => {
    const mail = await loadFixture('DERIVED_bacula-success.eml');
    expect(recognise({ ...mail, subject: 'Lunch on Friday?', text: 'Shall we meet at noon?', html: null })).toBeNull();
  });

  it('skips a template that throws and goes on to the next', async () => {
    const mail = await loadFixture('DERIVED_bacula-success.eml');
    const broken = { id: 'broken', product: 'Broken', detect: () => true, parse: () => { throw new Error('bug'); }, statusHints: [] };
    TEMPLATES.unshift(broken);
    try {
      expect(recognise(mail)?.template.id).toBe('bacula');
    } finally {
      TEMPLATES.shift();
    }
  });
});
