import { describe, expect, it } from 'vitest';
import { type BusinessHours, businessHoursProblems, DEFAULT_BUSINESS_HOURS, inBusinessHours } from './business-hours.js';

const at = (iso: string) => Date.parse(iso);
const sydney: BusinessHours = { ...DEFAULT_BUSINESS_HOURS, timezone: 'Australia/Sydney', holidays: ['2026-12-25'] };

describe('business hours', () => {
  it('are read in their own zone, not UTC', () => {
    // Tuesday 3 Nov 2026 00:00 UTC is 11:00 in Sydney (AEDT, +11): inside there, outside in UTC.
    expect(inBusinessHours(sydney, 'UTC', at('2026-11-03T00:00:00Z'))).toBe(true);
    expect(inBusinessHours(DEFAULT_BUSINESS_HOURS, 'UTC', at('2026-11-03T00:00:00Z'))).toBe(false);
    // 18:00 Sydney ends the day: 06:59 UTC inside, 07:00 UTC outside.
    expect(inBusinessHours(sydney, 'UTC', at('2026-11-03T06:59:00Z'))).toBe(true);
    expect(inBusinessHours(sydney, 'UTC', at('2026-11-03T07:00:00Z'))).toBe(false);
  });

  it('use the settings zone when they name none, and follow its daylight saving', () => {
    // London: 08:00 is 07:00 UTC in summer (BST) and 08:00 UTC in winter.
    expect(inBusinessHours(DEFAULT_BUSINESS_HOURS, 'Europe/London', at('2026-07-01T07:00:00Z'))).toBe(true);
    expect(inBusinessHours(DEFAULT_BUSINESS_HOURS, 'Europe/London', at('2026-12-01T07:00:00Z'))).toBe(false);
  });

  it('skip weekends and holidays, dated in their zone', () => {
    expect(inBusinessHours(sydney, 'UTC', at('2026-11-07T01:00:00Z'))).toBe(false); // Saturday in Sydney
    expect(inBusinessHours(sydney, 'UTC', at('2026-12-24T23:00:00Z'))).toBe(false); // 25 Dec, 10:00 in Sydney
    expect(inBusinessHours(sydney, 'UTC', at('2026-12-23T23:00:00Z'))).toBe(true);
  });

  it('may run past midnight, belonging to the day they start', () => {
    const night: BusinessHours = { ...DEFAULT_BUSINESS_HOURS, from: '22:00', to: '06:00' };
    expect(inBusinessHours(night, 'UTC', at('2026-11-06T23:00:00Z'))).toBe(true); // Friday night
    expect(inBusinessHours(night, 'UTC', at('2026-11-07T05:00:00Z'))).toBe(true); // still Friday's shift
    expect(inBusinessHours(night, 'UTC', at('2026-11-08T05:00:00Z'))).toBe(false); // Saturday's: no shift
    expect(inBusinessHours(night, 'UTC', at('2026-11-06T12:00:00Z'))).toBe(false);
  });

  it('name what is wrong with them', () => {
    expect(businessHoursProblems({ from: '8:00', timezone: 'Mars/Base', holidays: ['2026-13-45'], days: ['funday' as never] }).map((p) => p.field)).toEqual([
      'business_hours.from',
      'business_hours.timezone',
      'business_hours.days',
      'business_hours.holidays',
    ]);
  });
});
