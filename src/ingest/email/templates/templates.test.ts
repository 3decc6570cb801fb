// The corpus (test/fixtures/email/<product>/manifest.json) against every template: each sample is
// recognised by its own product's template only, read as its manifest says, and never recognised
// when a person replies to it or forwards it. Every product has real samples of success and failure.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { worst } from './common.js';
import { recognise, TEMPLATES } from './index.js';
import { FIXTURE_DIR, loadFixture, manifests, samples } from './test-fixtures.js';
import type { ParsedEmail } from './types.js';

describe.each(samples())('sample $path', ({ path, template, sample }) => {
  it('is recognised by its own template only, and read as the manifest says', async () => {
    const mail = await loadFixture(path);
    const matching = TEMPLATES.filter((t) => t.detect(mail)).map((t) => t.id);
    expect(matching).toEqual([template]);
    const rec = recognise(mail);
    expect(rec?.template.id).toBe(template);
    const jobs = rec!.jobs;
    const e = sample.expect;
    expect(worst(jobs.map((j) => j.status))).toBe(e.status);
    expect(jobs).toHaveLength(e.jobs);
    if (e.devices) expect([...new Set(jobs.map((j) => j.device))].sort()).toEqual([...e.devices].sort());
    if (e.checks) expect([...new Set(jobs.map((j) => j.check))].sort()).toEqual([...e.checks].sort());
    if (e.kind) for (const j of jobs) expect(j.kind).toBe(e.kind);
    if (e.bytes !== undefined) expect(jobs.some((j) => j.bytes !== null)).toBe(e.bytes);
    if (e.duration !== undefined) expect(jobs.some((j) => j.durationMs !== null)).toBe(e.duration);
  });

  it('is not recognised as a reply or a forward', async () => {
    const mail = await loadFixture(path);
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

describe.each(manifests())('product folder $folder', (m) => {
  it('names a template that exists, and lists every mail in the folder with its provenance', () => {
    expect(TEMPLATES.map((t) => t.id)).toContain(m.template);
    const files = readdirSync(FIXTURE_DIR + m.folder).filter((f) => f.endsWith('.eml'));
    expect(m.samples.map((s) => s.file).sort()).toEqual(files.sort());
    for (const s of m.samples) {
      expect(existsSync(`${FIXTURE_DIR}${m.folder}/${s.file}`)).toBe(true);
      expect(s.source.length, `${s.file} source`).toBeGreaterThan(10);
      expect(['real', 'reconstructed']).toContain(s.origin);
    }
  });

  it('has a real sample (or says where none was found), and samples of success and of failure', () => {
    const real = m.samples.some((s) => s.origin === 'real');
    // Either real samples, or the honest note that none exists publicly — never both, never neither.
    expect(real || (m.no_real_sample ?? '').length > 40, `${m.folder}: a real sample or a no_real_sample note`).toBe(true);
    expect(real && m.no_real_sample !== undefined, `${m.folder}: no_real_sample beside a real sample`).toBe(false);
    if (!m.problems_only) expect(m.samples.some((s) => s.expect.status === 'succeeded')).toBe(true);
    expect(m.samples.some((s) => s.expect.status === 'failed')).toBe(true);
  });
});

it('every template has an id, a product name, status hints and a corpus folder', () => {
  const ids = TEMPLATES.map((t) => t.id);
  expect(new Set(ids).size).toBe(ids.length);
  const covered = new Set(manifests().map((m) => m.template));
  for (const t of TEMPLATES) {
    expect(t.product).not.toBe('');
    expect(t.statusHints.length).toBeGreaterThan(0);
    expect(covered.has(t.id), `${t.id} has samples`).toBe(true);
  }
});

describe('recognise', () => {
  it('answers null for a mail no template knows', async () => {
    const mail = await loadFixture('bacula/success.eml');
    expect(recognise({ ...mail, subject: 'Lunch on Friday?', text: 'Shall we meet at noon?', html: null })).toBeNull();
  });

  it('skips a template that throws and goes on to the next', async () => {
    const mail = await loadFixture('bacula/success.eml');
    const broken = { id: 'broken', product: 'Broken', detect: () => true, parse: () => { throw new Error('bug'); }, statusHints: [] };
    TEMPLATES.unshift(broken);
    try {
      expect(recognise(mail)?.template.id).toBe('bacula');
    } finally {
      TEMPLATES.shift();
    }
  });
});
