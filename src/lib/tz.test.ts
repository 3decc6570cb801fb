import { describe, expect, it } from 'vitest';
import { addDays, offsetAt, wallTime, zonedToUtc } from './tz.js';

describe('time zones', () => {
  it('knows the offset in and out of summer time', () => {
    expect(offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(offsetAt(Date.parse('2026-12-01T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });

  it('turns wall time into an instant, across DST changes', () => {
    expect(new Date(zonedToUtc(2026, 3, 28, 6, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T05:00:00.000Z');
    expect(new Date(zonedToUtc(2026, 3, 30, 6, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-30T04:00:00.000Z');
    // 02:30 does not exist on 29 March in Berlin: the instant after the gap.
    expect(new Date(zonedToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October: the first.
    expect(new Date(zonedToUtc(2026, 10, 25, 2, 30, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads wall time and adds days over month ends', () => {
    expect(wallTime(Date.parse('2026-11-22T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({ day: 23, hour: 8, minute: 30 });
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
  });
});
