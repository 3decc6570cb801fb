import { describe, expect, it } from 'vitest';
import { breachHours, type ComplianceInput, complianceOverPeriod, MIN_BREACH_MS } from './compliance.js';
import { DAY, HOUR, MINUTE, T0 } from './test-factories.js';

// A server (12 h SLA) over the two days from T0, first seen long before.
const base = (overrides: Partial<ComplianceInput> = {}): ComplianceInput => ({
  slaMs: 12 * HOUR,
  createdAt: T0 - 30 * DAY,
  goodEnds: [],
  windows: [],
  from: T0,
  to: T0 + 2 * DAY,
  ...overrides,
});

describe('complianceOverPeriod', () => {
  it('is 100 % with no breaches when every backup came within the SLA', () => {
    const goodEnds = [-2, 10, 20, 30, 40].map((h) => T0 + h * HOUR);
    expect(complianceOverPeriod(base({ goodEnds }))).toEqual({ accountableMs: 2 * DAY, breachedMs: 0, percent: 100, breaches: [] });
  });

  it('records each stretch without a good backup within the SLA as a breach', () => {
    // Good backups end at −2 h, 20 h and 40 h: out of SLA from 10 h to 20 h and from 32 h to 40 h.
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR, T0 + 20 * HOUR, T0 + 40 * HOUR] }));
    expect(r.breaches).toEqual([
      { start: T0 + 10 * HOUR, end: T0 + 20 * HOUR },
      { start: T0 + 32 * HOUR, end: T0 + 40 * HOUR },
    ]);
    expect(r.breachedMs).toBe(18 * HOUR);
    expect(r.percent).toBeCloseTo((1 - 18 / 48) * 100, 10);
  });

  it('counts a breach that began before the period only from the period\'s start', () => {
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 20 * HOUR, T0 + 6 * HOUR] }));
    expect(r.breaches).toEqual([
      { start: T0, end: T0 + 6 * HOUR },
      { start: T0 + 18 * HOUR, end: T0 + 2 * DAY },
    ]);
  });

  it('excuses time inside a maintenance window and restarts the SLA clock at its end', () => {
    // Without the window: breached 10 h → 20 h. The window covers 8 h → 14 h, and its end restarts the clock (due 26 h),
    // so only the 32 h → 40 h breach remains.
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR, T0 + 20 * HOUR, T0 + 40 * HOUR], windows: [{ start: T0 + 8 * HOUR, end: T0 + 14 * HOUR }] }));
    expect(r.breaches).toEqual([{ start: T0 + 32 * HOUR, end: T0 + 40 * HOUR }]);
    expect(r.breachedMs).toBe(8 * HOUR);
    expect(r.percent).toBeCloseTo((1 - 8 / 48) * 100, 10);
  });

  it('cuts a window out of the middle of a breach', () => {
    // Last good at −2 h: breached from 10 h. A window from 20 h to 22 h: 10 h → 20 h, then the clock restarts at 22 h (due 34 h).
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR], windows: [{ start: T0 + 20 * HOUR, end: T0 + 22 * HOUR }] }));
    expect(r.breaches).toEqual([
      { start: T0 + 10 * HOUR, end: T0 + 20 * HOUR },
      { start: T0 + 34 * HOUR, end: T0 + 2 * DAY },
    ]);
    expect(r.breachedMs).toBe(24 * HOUR);
    expect(r.percent).toBe(50);
  });

  it('holds a device accountable only after it was first seen', () => {
    const r = complianceOverPeriod(base({ createdAt: T0 + DAY, goodEnds: [] }));
    expect(r.accountableMs).toBe(DAY);
    expect(r.breaches).toEqual([{ start: T0 + DAY + 12 * HOUR, end: T0 + 2 * DAY }]);
    expect(r.percent).toBe(50);
  });

  it('answers null for a device first seen after the period', () => {
    expect(complianceOverPeriod(base({ createdAt: T0 + 3 * DAY }))).toEqual({ accountableMs: 0, breachedMs: 0, percent: null, breaches: [] });
  });

  it('is 0 % for a device that never backed up well after its SLA ran out before the period', () => {
    expect(complianceOverPeriod(base()).percent).toBe(0);
  });

  it('ignores good backups and windows after the period', () => {
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR, T0 + 3 * DAY], windows: [{ start: T0 + 3 * DAY, end: T0 + 4 * DAY }] }));
    expect(r.breaches).toEqual([{ start: T0 + 10 * HOUR, end: T0 + 2 * DAY }]);
  });
});

describe('breaches too short to list', () => {
  it('drops a stretch out of SLA shorter than 6 minutes from the breaches and the time out', () => {
    // Due at 10 h; the backup ended at 10 h 02 min: 2 minutes late is not a breach worth listing.
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR, T0 + 10 * HOUR + 2 * MINUTE, T0 + 20 * HOUR, T0 + 30 * HOUR, T0 + 40 * HOUR] }));
    expect(r.breaches).toEqual([]);
    expect(r.breachedMs).toBe(0);
    expect(r.percent).toBe(100);
  });

  it('keeps a breach of exactly 6 minutes, which rounds to 0.1 h', () => {
    const r = complianceOverPeriod(base({ goodEnds: [T0 - 2 * HOUR, T0 + 10 * HOUR + MIN_BREACH_MS, T0 + 20 * HOUR, T0 + 30 * HOUR, T0 + 40 * HOUR] }));
    expect(r.breaches).toEqual([{ start: T0 + 10 * HOUR, end: T0 + 10 * HOUR + 6 * MINUTE }]);
    expect(breachHours(r.breachedMs)).toBe(0.1);
  });

  it('rounds breach hours to 0.1 h', () => {
    expect([5 * MINUTE, 6 * MINUTE, 9 * MINUTE, 2 * HOUR + 57 * MINUTE].map(breachHours)).toEqual([0.1, 0.1, 0.2, 3]);
  });
});
