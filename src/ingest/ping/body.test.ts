import { describe, expect, it } from 'vitest';
import { cutMark, keepEnd } from './body.js';

describe('keepEnd', () => {
  it('keeps a body that fits as it is', () => {
    expect(keepEnd('all good\n', 100)).toBe('all good\n');
  });

  it('keeps the end of a long body, marked with how many bytes went before it', () => {
    const body = `${'x'.repeat(500)}SUMMARY: 3 files failed`;
    const kept = keepEnd(body, 100);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(100);
    expect(kept.endsWith('SUMMARY: 3 files failed')).toBe(true);
    const mark = /^\[… ([\d,]+) bytes cut\]\n/.exec(kept);
    expect(mark).not.toBeNull();
    const cut = Number(mark![1]!.replace(/,/g, ''));
    expect(cut + Buffer.byteLength(kept.slice(mark![0].length))).toBe(Buffer.byteLength(body));
  });

  it('never starts the kept end inside a character', () => {
    const kept = keepEnd('é'.repeat(200), 101);
    expect(kept).not.toContain('\uFFFD');
    expect(kept.slice(kept.indexOf('\n') + 1)).toMatch(/^é+$/);
  });

  it('writes the count with thousands separators', () => {
    expect(cutMark(12345)).toBe('[… 12,345 bytes cut]\n');
  });
});
