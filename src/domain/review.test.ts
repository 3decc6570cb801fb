import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../lib/tz.js';
import { dayStart, dayVerdict, medianMinutesToReview, reviewDay, reviewDaysOf, reviewDueAt, reviewedByDuePercent, reviewedCells, reviewOverdue } from './review.js';

const t = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('the daily review rules', () => {
  it('puts a run on the calendar day of the workspace time zone, due at the hour of the next day', () => {
    expect(reviewDay(t('2026-11-10T03:00:00Z'), 'UTC')).toBe('2026-11-10');
    expect(reviewDay(t('2026-11-10T03:00:00Z'), 'America/New_York')).toBe('2026-11-09');
    expect(reviewDueAt('2026-11-09', 'UTC', 10)).toBe(t('2026-11-10T10:00:00Z'));
    expect(reviewDueAt('2026-11-09', 'Europe/Berlin', 10)).toBe(t('2026-11-10T09:00:00Z'));
    // Across the end of daylight saving time in New York (1 November 2026).
    expect(reviewDueAt('2026-10-31', 'America/New_York', 9)).toBe(t('2026-11-01T14:00:00Z'));
  });

  it('judges a day on time, late, missing or pending', () => {
    const due = t('2026-11-10T10:00:00Z');
    const at = t('2026-11-09T03:00:00Z');
    expect(dayVerdict([], due, due + MIN)).toBeNull();
    expect(dayVerdict([{ at, reviewedAt: due }], due, due + MIN)).toBe('on_time');
    expect(dayVerdict([{ at, reviewedAt: due }, { at, reviewedAt: due + 1 }], due, due + MIN)).toBe('late');
    expect(dayVerdict([{ at, reviewedAt: due }, { at, reviewedAt: null }], due, due - 1)).toBe('pending');
    expect(dayVerdict([{ at, reviewedAt: due }, { at, reviewedAt: null }], due, due)).toBe('missing');
  });

  it('takes the median minutes to review of reviewed runs only', () => {
    const at = t('2026-11-09T03:00:00Z');
    expect(medianMinutesToReview([{ at, reviewedAt: null }])).toBeNull();
    expect(medianMinutesToReview([10, 60, 20].map((m) => ({ at, reviewedAt: at + m * MIN })))).toBe(20);
    expect(medianMinutesToReview([10, 20, 60, 70].map((m) => ({ at, reviewedAt: at + m * MIN })))).toBe(40);
  });

  it('counts the share reviewed by the due time', () => {
    const dueOf = (a: number) => reviewDueAt(reviewDay(a, 'UTC'), 'UTC', 10);
    const at = t('2026-11-09T03:00:00Z');
    expect(reviewedByDuePercent([], dueOf)).toBeNull();
    expect(reviewedByDuePercent([{ at, reviewedAt: at }, { at, reviewedAt: null }, { at, reviewedAt: t('2026-11-10T10:00:01Z') }], dueOf)).toBe(33.3);
  });

  it('is overdue once the oldest unreviewed run’s day is past due', () => {
    const run = t('2026-11-09T23:30:00Z');
    expect(reviewOverdue(null, 'UTC', 10, t('2026-11-12T00:00:00Z'))).toBe(false);
    expect(reviewOverdue(run, 'UTC', 10, t('2026-11-10T09:59:59Z'))).toBe(false);
    expect(reviewOverdue(run, 'UTC', 10, t('2026-11-10T10:00:00Z'))).toBe(true);
    // In Sydney that run is on the 10th: due on the 11th at 10:00 local.
    expect(reviewOverdue(run, 'Australia/Sydney', 10, t('2026-11-10T10:00:00Z'))).toBe(false);
  });

  it('marks grid days reviewed only when all their failed and warning runs are', () => {
    const days = [{ start: 0, end: 100 }, { start: 100, end: 200 }, { start: 200, end: 300 }];
    const runs = [
      { id: 'a', status: 'failed', at: 10 },
      { id: 'b', status: 'succeeded', at: 20 },
      { id: 'c', status: 'warning', at: 150 },
      { id: 'd', status: 'partial', at: 160 },
      { id: 'e', status: 'running', at: 250 },
    ];
    expect(reviewedCells(runs, days, new Set(['a', 'c']))).toEqual([true, false, null]);
  });
});

describe('reviewDaysOf', () => {
  it('places every instant on the same day as reviewDay, across DST changes and odd offsets, and outside the days too', () => {
    // Periods over the 2026 DST changes of Europe and North America, and zones with :30 and :45 offsets.
    const zones = ['UTC', 'Europe/Amsterdam', 'America/New_York', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const from = '2026-03-01';
    const to = '2026-11-30';
    const start = t('2026-02-27T00:00:00Z');
    const end = t('2026-12-03T00:00:00Z');
    for (const tz of zones) {
      const dayOf = reviewDaysOf(from, to, tz);
      fc.assert(
        fc.property(fc.integer({ min: start, max: end }), (at) => dayOf(at) === reviewDay(at, tz)),
        { numRuns: 2000 },
      );
      // The last millisecond of each day and the first of the next.
      for (let d = from; d <= to; d = addDays(d, 1)) {
        const s0 = dayStart(d, tz);
        for (const at of [s0 - 1, s0]) expect(dayOf(at), `${tz} ${new Date(at).toISOString()}`).toBe(reviewDay(at, tz));
      }
    }
  });
});

