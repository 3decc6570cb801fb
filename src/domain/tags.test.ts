import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { normaliseTags, storedTags, tagFilter } from './tags.js';

describe('tags', () => {
  it('trims, lower-cases, drops duplicates and sorts', () => {
    expect(normaliseTags([' Prod ', 'site:Paris', 'prod', 'os/linux'])).toEqual(['os/linux', 'prod', 'site:paris']);
  });

  it('names each bad tag by its position', () => {
    try {
      normaliseTags(['ok', 'no spaces', '', 'x'.repeat(51)], 'device.tags');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems.map((p) => p.field)).toEqual(['device.tags[1]', 'device.tags[2]', 'device.tags[3]']);
    }
  });

  it('refuses more than 20 distinct tags but counts duplicates once', () => {
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(() => normaliseTags(many)).toThrow(/at most 20/);
    expect(normaliseTags([...many.slice(0, 20), 'T0'])).toHaveLength(20);
  });

  it('reads a filter as the field tag', () => {
    expect(tagFilter(undefined)).toEqual([]);
    expect(tagFilter(['Prod'])).toEqual(['prod']);
    expect(() => tagFilter(['a b'])).toThrow(/tag\[0\]/);
  });

  it('reads stored tags, and nothing from text that is not a list of strings', () => {
    expect(storedTags('["a","b"]')).toEqual(['a', 'b']);
    expect(storedTags('not json')).toEqual([]);
    expect(storedTags('{"a":1}')).toEqual([]);
    expect(storedTags('["a",3]')).toEqual(['a']);
  });
});
