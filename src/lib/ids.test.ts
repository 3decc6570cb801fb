import { describe, expect, it } from 'vitest';
import { idFloor, newId } from './ids.js';

describe('newId', () => {
  it('makes RFC 9562 version-7 UUIDs', () => {
    for (let i = 0; i < 1000; i++) expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newId(1_800_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5000);
  });
  it('keeps creation order within one millisecond, and when the clock steps back', () => {
    const t = 1_800_000_000_000;
    const ids = [...Array.from({ length: 6000 }, () => newId(t)), newId(t - 5000), newId(t + 1)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('places idFloor(t) below every id made at or after t, and above earlier ones', () => {
    const t = Date.parse('2030-01-01T00:00:00Z');
    expect(newId(t - 1) < idFloor(t)).toBe(true);
    expect(newId(t) >= idFloor(t)).toBe(true);
  });
});
