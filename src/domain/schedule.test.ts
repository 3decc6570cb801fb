import { describe, expect, it } from 'vitest';
import { expectation, periodMs, scheduleProblems } from './schedule.js';
import { at, cron, DAY, every, HOUR, iso, MINUTE, T0 } from './test-factories.js';

const HALF = 0.5;

describe('interval schedules', () => {
  it('expects the next run one interval after the reference and gives half the period as grace by default', () => {
    const e = expectation(every(24), T0, null, HALF, T0 + HOUR)!;
    expect(e).toEqual({ state: 'up', dueAt: T0 + DAY, overdueAt: T0 + DAY + 12 * HOUR, graceMs: 12 * HOUR });
  });

  it('is up before the due time, late from it, overdue from due + grace', () => {
    const state = (now: number) => expectation(every(24), T0, null, HALF, now)!.state;
    expect(state(T0 + DAY - 1)).toBe('up');
    expect(state(T0 + DAY)).toBe('late');
    expect(state(T0 + 36 * HOUR - 1)).toBe('late');
    expect(state(T0 + 36 * HOUR)).toBe('overdue');
  });

  it('uses an explicit grace instead of half the period', () => {
    const e = expectation(every(24), T0, 2 * HOUR, HALF, T0 + 25 * HOUR)!;
    expect(e.overdueAt).toBe(T0 + 26 * HOUR);
    expect(e.state).toBe('late');
    expect(expectation(every(24), T0, 2 * HOUR, HALF, T0 + 26 * HOUR)!.state).toBe('overdue');
  });

  it('honours an explicit grace of zero: overdue as soon as it is due', () => {
    expect(expectation(every(6), T0, 0, HALF, T0 + 6 * HOUR)!.state).toBe('overdue');
  });

  it('scales the default grace with the configured ratio', () => {
    expect(expectation(every(24), T0, null, 0.25, T0)!.graceMs).toBe(6 * HOUR);
  });
});

describe('cron schedules', () => {
  const daily0230 = cron('30 2 * * *');

  it('expects the first tick after the run started', () => {
    const start = at('2026-11-01T02:30:00Z');
    const e = expectation(daily0230, start, null, HALF, start + HOUR)!;
    expect(iso(e.dueAt)).toBe('2026-11-02T02:30:00.000Z');
    expect(iso(e.overdueAt)).toBe('2026-11-02T14:30:00.000Z');
  });

  it('counts a run started 2 minutes before a tick as satisfying that tick (clock skew)', () => {
    const e = expectation(daily0230, at('2026-11-01T02:28:00Z'), null, HALF, at('2026-11-01T12:00:00Z'))!;
    expect(iso(e.dueAt)).toBe('2026-11-02T02:30:00.000Z');
    expect(e.state).toBe('up');
  });

  it('does not count a run started 6 minutes early as satisfying the tick', () => {
    const e = expectation(daily0230, at('2026-11-01T02:24:00Z'), null, HALF, at('2026-11-01T12:00:00Z'))!;
    expect(iso(e.dueAt)).toBe('2026-11-01T02:30:00.000Z');
    expect(e.state).toBe('late');
  });

  it('limits the tolerance to a tenth of the period for frequent schedules', () => {
    // Every 10 minutes: 1 minute of tolerance, so a run 2 minutes early does not satisfy the tick.
    const every10 = cron('*/10 * * * *');
    expect(iso(expectation(every10, at('2026-11-01T00:08:00Z'), null, HALF, at('2026-11-01T00:08:00Z'))!.dueAt)).toBe('2026-11-01T00:10:00.000Z');
    expect(iso(expectation(every10, at('2026-11-01T00:09:30Z'), null, HALF, at('2026-11-01T00:09:30Z'))!.dueAt)).toBe('2026-11-01T00:20:00.000Z');
  });

  it('gives half the cron period as default grace', () => {
    const hourly = cron('0 * * * *');
    const e = expectation(hourly, at('2026-11-01T05:00:00Z'), null, HALF, at('2026-11-01T05:00:00Z'))!;
    expect(e.graceMs).toBe(30 * MINUTE);
    expect(iso(e.overdueAt)).toBe('2026-11-01T06:30:00.000Z');
  });

  it('reads the cron expression in its own time zone', () => {
    const e = expectation(cron('0 3 * * *', 'America/New_York'), at('2026-11-10T00:00:00Z'), null, HALF, at('2026-11-10T00:00:00Z'))!;
    expect(iso(e.dueAt)).toBe('2026-11-10T08:00:00.000Z');
  });

  describe('across DST changes in Europe/Berlin (daily at 02:30)', () => {
    const berlin = cron('30 2 * * *', 'Europe/Berlin');

    it('moves the tick in the skipped hour on 2026-03-29 to the end of the gap (03:00 CEST)', () => {
      // The run of 28 March started at 02:30 CET = 01:30Z.
      const e = expectation(berlin, at('2026-03-28T01:30:00Z'), null, HALF, at('2026-03-28T12:00:00Z'))!;
      expect(iso(e.dueAt)).toBe('2026-03-29T01:00:00.000Z');
      // The next tick is 02:30 CEST on 30 March (00:30Z): a 23.5 h period, so 11 h 45 min of grace.
      expect(e.graceMs).toBe(23.5 * HOUR / 2);
      expect(iso(e.overdueAt)).toBe('2026-03-29T12:45:00.000Z');
    });

    it('after the spring change expects 02:30 CEST again', () => {
      const e = expectation(berlin, at('2026-03-29T01:00:00Z'), null, HALF, at('2026-03-29T02:00:00Z'))!;
      expect(iso(e.dueAt)).toBe('2026-03-30T00:30:00.000Z');
    });

    it('fires the repeated 02:30 on 2026-10-25 once, at the first occurrence (CEST)', () => {
      const e = expectation(berlin, at('2026-10-24T00:30:00Z'), null, HALF, at('2026-10-24T12:00:00Z'))!;
      expect(iso(e.dueAt)).toBe('2026-10-25T00:30:00.000Z');
      // The next tick is 02:30 CET on 26 October (01:30Z): a 25 h period.
      expect(e.graceMs).toBe(12.5 * HOUR);
      expect(iso(e.overdueAt)).toBe('2026-10-25T13:00:00.000Z');
    });

    it('does not expect a second run in the repeated hour', () => {
      const e = expectation(berlin, at('2026-10-25T00:30:00Z'), null, HALF, at('2026-10-25T01:45:00Z'))!;
      expect(iso(e.dueAt)).toBe('2026-10-26T01:30:00.000Z');
      expect(e.state).toBe('up');
    });
  });
});

describe('periodMs', () => {
  it('is the interval, or the distance between the next two cron ticks', () => {
    expect(periodMs(every(6), T0)).toBe(6 * HOUR);
    expect(periodMs(cron('0 */4 * * *'), T0)).toBe(4 * HOUR);
    expect(periodMs(cron('30 2 * * *', 'Europe/Berlin'), at('2026-10-24T12:00:00Z'))).toBe(25 * HOUR);
  });
});

describe('scheduleProblems', () => {
  it('accepts sound schedules', () => {
    expect(scheduleProblems(every(1), 'schedule')).toEqual([]);
    expect(scheduleProblems(cron('0 2 * * *', 'Europe/Berlin'), 'schedule')).toEqual([]);
  });

  it('names intervals under a minute, unknown zones and broken expressions', () => {
    expect(scheduleProblems({ type: 'interval', intervalMs: 30_000 }, 'schedule').map((p) => p.field)).toEqual(['schedule.interval_seconds']);
    expect(scheduleProblems(cron('0 2 * * *', 'Mars/Olympus'), 's').map((p) => p.field)).toEqual(['s.tz']);
    expect(scheduleProblems(cron('not a cron'), 's').map((p) => p.field)).toEqual(['s.cron']);
  });
});
