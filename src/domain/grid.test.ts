import { describe, expect, it } from 'vitest';
import { businessDate, type GridRowInput, gridDays, gridRow, rollUp } from './grid.js';
import type { HistoryJob } from './history.js';
import type { GridRollup } from './settings.js';
import { at, cron, DAY, every, HOUR, iso, job, MINUTE, T0 } from './test-factories.js';

const jobs = (...specs: Array<HistoryJob['status'] | [HistoryJob['status'], HistoryJob['reason']]>) =>
  specs.map((s, i) => (Array.isArray(s) ? job({ status: s[0], reason: s[1], at: T0 + i * HOUR }) : job({ status: s, at: T0 + i * HOUR })));

describe('rollUp', () => {
  const roll = (mode: GridRollup, ...specs: Parameters<typeof jobs>) => rollUp(jobs(...specs), mode);

  it('warning_if_mixed: good and bad together is a warning, otherwise the worst', () => {
    expect(roll('warning_if_mixed', 'succeeded', 'failed')).toBe('warning');
    expect(roll('warning_if_mixed', 'failed', 'warning')).toBe('warning');
    expect(roll('warning_if_mixed', 'failed', 'partial')).toBe('failed');
    expect(roll('warning_if_mixed', 'succeeded', 'warning')).toBe('warning');
    expect(roll('warning_if_mixed', 'succeeded', 'succeeded')).toBe('succeeded');
    expect(roll('warning_if_mixed', 'partial', 'cancelled')).toBe('partial');
  });

  it('last: the status of the day\'s last job', () => {
    expect(roll('last', 'failed', 'succeeded')).toBe('succeeded');
    expect(roll('last', 'succeeded', 'failed')).toBe('failed');
  });

  it('worst and best follow failed, partial, cancelled, skipped, warning, succeeded', () => {
    expect(roll('worst', 'succeeded', 'partial', 'warning')).toBe('partial');
    expect(roll('worst', 'succeeded', 'skipped', 'cancelled')).toBe('cancelled');
    expect(roll('worst', 'partial', 'failed')).toBe('failed');
    expect(roll('best', 'failed', 'partial', 'warning')).toBe('warning');
    expect(roll('best', 'failed', 'skipped', 'cancelled')).toBe('skipped');
    expect(roll('best', 'warning', 'succeeded')).toBe('succeeded');
  });

  it('counts jobs excused from alerting only when nothing else ran', () => {
    expect(roll('worst', 'succeeded', ['cancelled', 'cancelled_by_user'])).toBe('succeeded');
    expect(roll('warning_if_mixed', 'succeeded', ['skipped', 'concurrent_job'])).toBe('succeeded');
    expect(roll('best', 'failed', ['skipped', 'concurrent_job'])).toBe('failed');
    expect(roll('worst', ['cancelled', 'cancelled_by_user'])).toBe('cancelled');
    expect(roll('last', ['skipped', 'concurrent_job'])).toBe('skipped');
  });

  it('shows a day with only a running job as running, and ignores running jobs otherwise', () => {
    expect(roll('worst', 'running')).toBe('running');
    expect(roll('best', 'failed', 'running')).toBe('failed');
    expect(rollUp([], 'worst')).toBeNull();
  });
});

describe('business days', () => {
  it('starts each day at day_start in the zone, across a DST change (New York, 06:00)', () => {
    const days = gridDays('2026-10-31', '2026-11-02', 'America/New_York', '06:00');
    expect(days.map((d) => [d.date, iso(d.start), iso(d.end)])).toEqual([
      // Clocks go back at 02:00 on 1 November: the 31 October business day lasts 25 h.
      ['2026-10-31', '2026-10-31T10:00:00.000Z', '2026-11-01T11:00:00.000Z'],
      ['2026-11-01', '2026-11-01T11:00:00.000Z', '2026-11-02T11:00:00.000Z'],
      ['2026-11-02', '2026-11-02T11:00:00.000Z', '2026-11-03T11:00:00.000Z'],
    ]);
  });

  it('has a 23 h business day when clocks go forward (Berlin, 07:30)', () => {
    const [d] = gridDays('2026-03-28', '2026-03-28', 'Europe/Berlin', '07:30');
    expect([iso(d!.start), iso(d!.end)]).toEqual(['2026-03-28T06:30:00.000Z', '2026-03-29T05:30:00.000Z']);
    expect(d!.end - d!.start).toBe(23 * HOUR);
  });

  it('puts an instant before day_start on the previous business day', () => {
    expect(businessDate(at('2026-11-02T10:59:00Z'), 'America/New_York', '06:00')).toBe('2026-11-01');
    expect(businessDate(at('2026-11-02T11:00:00Z'), 'America/New_York', '06:00')).toBe('2026-11-02');
    // 08:30 on 3 November in Tokyo is still the 2nd's business day; 09:00 starts the 3rd's.
    expect(businessDate(at('2026-11-02T23:30:00Z'), 'Asia/Tokyo', '09:00')).toBe('2026-11-02');
    expect(businessDate(at('2026-11-03T00:00:00Z'), 'Asia/Tokyo', '09:00')).toBe('2026-11-03');
    expect(businessDate(at('2026-11-02T23:30:00Z'), 'UTC', '00:00')).toBe('2026-11-02');
  });

  it('agrees with gridDays about which day contains an instant', () => {
    const days = gridDays('2026-10-30', '2026-11-04', 'America/New_York', '06:00');
    for (let t = days[0]!.start; t < days[days.length - 1]!.end; t += 37 * 60_000 * 7) {
      const d = days.find((x) => x.start <= t && t < x.end)!;
      expect(businessDate(t, 'America/New_York', '06:00')).toBe(d.date);
    }
  });
});

describe('gridRow', () => {
  const days = gridDays('2026-11-01', '2026-11-05', 'UTC', '00:00');
  const row = (overrides: Partial<GridRowInput>) =>
    gridRow({ schedule: every(24), graceMs: null, graceRatio: 0.5, createdAt: T0, jobs: [], goodBefore: null, days, rollup: 'warning_if_mixed', now: T0 + 5 * DAY, ...overrides });

  it('rolls up each day\'s jobs, and marks days without a job no_result once the check was overdue in them', () => {
    const cells = row({ jobs: [job({ at: T0 + HOUR }), job({ at: T0 + 2 * HOUR, status: 'failed' })] });
    // Good run at 01:00 on the 1st: due 01:00 on the 2nd, overdue from 13:00 on the 2nd.
    expect(cells).toEqual(['warning', 'no_result', 'no_result', 'no_result', 'no_result']);
  });

  it('leaves a day without a job empty when the check was at most late in it', () => {
    // Every 48 h: the run of the 3rd is due at 01:00 on the 5th and overdue only from 01:00 on the 6th.
    const cells = row({ schedule: every(48), jobs: [job({ at: T0 + HOUR }), job({ at: T0 + 2 * DAY + HOUR })] });
    expect(cells).toEqual(['succeeded', null, 'succeeded', null, null]);
  });

  it('leaves days empty for a check without a schedule', () => {
    expect(row({ schedule: null, jobs: [job({ at: T0 + HOUR })] })).toEqual(['succeeded', null, null, null, null]);
  });

  it('leaves days before the check existed and days still to come empty', () => {
    expect(row({ createdAt: T0 + 3 * DAY, now: T0 + 3 * DAY + HOUR })).toEqual([null, null, null, null, null]);
    expect(row({ createdAt: T0 - 2 * DAY, now: T0 + 2 * DAY + HOUR })).toEqual(['no_result', 'no_result', 'no_result', null, null]);
  });

  it('judges today only up to now', () => {
    const cells = row({ jobs: [job({ at: T0 + 4 * DAY - 2 * HOUR })], now: T0 + 4 * DAY + 6 * HOUR });
    expect(cells[4]).toBeNull();
  });

  it('counts from the last good run before the grid when the grid has none', () => {
    expect(row({ goodBefore: { endedAt: T0 - 10 * HOUR, startedAt: T0 - 11 * HOUR } })[0]).toBeNull();
    expect(row({ goodBefore: { endedAt: T0 - 30 * HOUR, startedAt: T0 - 31 * HOUR } })[0]).toBe('no_result');
  });

  it('places jobs by business day with a non-midnight day_start in a non-UTC zone', () => {
    const nyDays = gridDays('2026-11-01', '2026-11-02', 'America/New_York', '06:00');
    const early = job({ at: at('2026-11-02T10:30:00Z'), status: 'failed' }); // 05:30 EST: still 1 November's business day
    const later = job({ at: at('2026-11-02T11:30:00Z') }); // 06:30 EST
    const cells = gridRow({ schedule: null, graceMs: null, graceRatio: 0.5, createdAt: T0, jobs: [early, later], goodBefore: null, days: nyDays, rollup: 'worst', now: at('2026-11-03T00:00:00Z') });
    expect(cells).toEqual(['failed', 'succeeded']);
  });

  it('does not mark a day no_result when the check only becomes overdue at the instant the next day starts', () => {
    // Daily at 12:00 UTC with the default grace (12 h): the run of 1 November started at noon, so the 2 November
    // run is due at noon on the 2nd and overdue from 00:00 on the 3rd. On the 2nd the check was late, never overdue.
    const cells = row({ schedule: cron('0 12 * * *'), jobs: [job({ at: T0 + 12 * HOUR + 10 * MINUTE })] });
    expect(cells.slice(0, 3)).toEqual(['succeeded', null, 'no_result']);
  });
});
