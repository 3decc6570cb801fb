// Check states (up, late, overdue, down, paused) from a check's history and schedule.
import { describe, expect, it } from 'vitest';
import { at, check, checkEval, conditionOf, cron, DAY, evaluate, every, HOUR, job, MINUTE, snapshot, T0, } from '../test-factories.js';

describe('a check whose last run failed reads down', () => {
  const daily = check({ schedule: every(24) });
  const good = job({ at: T0 + HOUR });
  const failed = job({ at: T0 + 10 * HOUR, status: 'failed' });

  it('is down, not up, after a failed run while the next run is not yet due', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: [good, failed] }), T0 + 11 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'down', lastStatus: 'failed', consecutiveFailures: 1, nextDueAt: T0 + 25 * HOUR });
  });

  it('stays down past the due time (a failure says more than lateness), and overdue takes over once the grace has run out', () => {
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs: [good, failed] }), T0 + 26 * HOUR)).state).toBe('down');
    const e = evaluate(snapshot({ checks: [daily], jobs: [good, failed] }), T0 + 37 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'overdue', overdueSince: T0 + 37 * HOUR });
    expect(conditionOf(e, 'missed_schedule')).toBeDefined();
  });

  it('is up again with the next good run (a warning counts as good)', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: [good, failed, job({ at: T0 + 12 * HOUR, status: 'warning' })] }), T0 + 13 * HOUR);
    expect(checkEval(e).state).toBe('up');
  });

  it('is down after a partial run too, and when no good run ever came', () => {
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs: [good, job({ at: T0 + 10 * HOUR, status: 'partial' })] }), T0 + 11 * HOUR)).state).toBe('down');
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs: [failed] }), T0 + 11 * HOUR)).state).toBe('down');
  });

  it('is down without a schedule as well', () => {
    const unscheduled = check({ schedule: null });
    expect(checkEval(evaluate(snapshot({ checks: [unscheduled], jobs: [good, failed] }), T0 + 11 * HOUR))).toMatchObject({ state: 'down', schedule: null });
  });

  it('ignores runs cancelled by a user or skipped, which neither fail nor succeed', () => {
    const jobs = [good, failed, job({ at: T0 + 11 * HOUR, status: 'cancelled', reason: 'cancelled_by_user' })];
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs }), T0 + 12 * HOUR)).state).toBe('down');
    const afterGood = [failed, job({ at: T0 + 11 * HOUR }), job({ at: T0 + 12 * HOUR, status: 'cancelled', reason: 'cancelled_by_user' })];
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs: afterGood }), T0 + 13 * HOUR)).state).toBe('up');
  });

  it('does not let its device score like one whose checks are up: a down check caps the score below healthy', () => {
    const nightly = Array.from({ length: 6 }, (_, i) => job({ at: T0 - (6 - i) * DAY }));
    const up = evaluate(snapshot({ checks: [daily], jobs: [...nightly, good] }), T0 + 11 * HOUR);
    const down = evaluate(snapshot({ checks: [daily], jobs: [...nightly, good, failed] }), T0 + 11 * HOUR);
    expect(checkEval(up).state).toBe('up');
    expect(up.score.status).toBe('healthy');
    expect(checkEval(down).state).toBe('down');
    expect(down.score.score).toBeLessThanOrEqual(89);
    expect(down.score.status).not.toBe('healthy');
  });

  it('stays paused when paused, whatever its last run', () => {
    const paused = check({ schedule: every(24), paused: true });
    expect(checkEval(evaluate(snapshot({ checks: [paused], jobs: [good, failed] }), T0 + 11 * HOUR)).state).toBe('paused');
  });
});

describe('check states against an interval schedule', () => {
  const daily = check({ schedule: every(24) });
  const good = job({ at: T0 + HOUR });

  it('is new before its first report and never alerts then', () => {
    const e = evaluate(snapshot({ checks: [daily] }), T0 + 30 * DAY);
    expect(checkEval(e).state).toBe('new');
    expect(checkEval(e).nextDueAt).toBeNull();
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });

  it('is up until one interval after the good run ended', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: [good] }), T0 + 2 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'up', nextDueAt: T0 + 25 * HOUR, overdueSince: null, lastGoodAt: T0 + HOUR });
  });

  it('is late from the due time without raising missed_schedule', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: [good] }), T0 + 25 * HOUR);
    expect(checkEval(e).state).toBe('late');
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });

  it('is overdue after half the period of grace (36 h for a daily backup) and raises missed_schedule as a warning', () => {
    const before = evaluate(snapshot({ checks: [daily], jobs: [good] }), T0 + 37 * HOUR - 1);
    expect(checkEval(before).state).toBe('late');
    const e = evaluate(snapshot({ checks: [daily], jobs: [good] }), T0 + 37 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'overdue', overdueSince: T0 + 37 * HOUR });
    expect(conditionOf(e, 'missed_schedule')).toMatchObject({
      scope: 'check',
      scopeId: 'chk-backup',
      severity: 'warning',
      since: T0 + 37 * HOUR,
      detail: { grace_seconds: 12 * 3600, schedule_inferred: false },
    });
  });

  it('clears missed_schedule with the next good run, whatever came in between', () => {
    const jobs = [good, job({ at: T0 + 40 * HOUR, status: 'failed' }), job({ at: T0 + 41 * HOUR, status: 'warning' })];
    const e = evaluate(snapshot({ checks: [daily], jobs }), T0 + 42 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'up', nextDueAt: T0 + 65 * HOUR });
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });

  it('uses the check\'s own grace when it has one', () => {
    const strict = check({ schedule: every(24), graceMs: HOUR });
    expect(checkEval(evaluate(snapshot({ checks: [strict], jobs: [good] }), T0 + 26 * HOUR - 1)).state).toBe('late');
    const e = evaluate(snapshot({ checks: [strict], jobs: [good] }), T0 + 26 * HOUR);
    expect(checkEval(e).state).toBe('overdue');
    expect(conditionOf(e, 'missed_schedule')?.detail).toMatchObject({ grace_seconds: 3600 });
  });

  it('counts from the good run\'s end, not its start', () => {
    const long = job({ at: T0 + 5 * HOUR, durationMs: 4 * HOUR });
    expect(checkEval(evaluate(snapshot({ checks: [daily], jobs: [long] }), T0 + 6 * HOUR)).nextDueAt).toBe(T0 + 29 * HOUR);
  });

  it('counts a check that never ran well from when it was first seen', () => {
    const failing = check({ schedule: every(24), createdAt: T0 });
    const e = evaluate(snapshot({ checks: [failing], jobs: [job({ at: T0 + 20 * HOUR, status: 'failed' })] }), T0 + 36 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'overdue', nextDueAt: T0 + DAY, lastGoodAt: null });
  });

  it('counts from the last good run before the history window when the window has none', () => {
    const goodBefore = new Map([['chk-backup', { endedAt: T0 - 40 * DAY, startedAt: T0 - 40 * DAY - HOUR }]]);
    const e = evaluate(snapshot({ checks: [daily], goodBefore }), T0);
    expect(checkEval(e)).toMatchObject({ state: 'overdue', lastGoodAt: T0 - 40 * DAY, nextDueAt: T0 - 39 * DAY });
  });

  it('is paused when a user paused it: no state against the schedule and no alerts from the check', () => {
    const paused = check({ schedule: every(24), paused: true });
    const jobs = [job({ at: T0 + HOUR, status: 'failed' }), job({ at: T0 + 2 * HOUR, status: 'failed' }), job({ at: T0 + 3 * HOUR, status: 'failed' })];
    const e = evaluate(snapshot({ checks: [paused], jobs }), T0 + 10 * DAY);
    expect(checkEval(e)).toMatchObject({ state: 'paused', nextDueAt: null });
    expect(e.conditions.filter((c) => c.checkId === 'chk-backup')).toEqual([]);
    expect(conditionOf(e, 'backup_overdue')).toBeUndefined();
  });

  it('keeps the missed_schedule title while the condition lasts', () => {
    const snap = snapshot({ checks: [daily], jobs: [good] });
    expect(conditionOf(evaluate(snap, T0 + 40 * HOUR), 'missed_schedule')?.title).toBe(conditionOf(evaluate(snap, T0 + 9 * DAY), 'missed_schedule')?.title);
  });
});

describe('check states against a cron schedule', () => {
  const nightly = check({ schedule: cron('0 2 * * *') });
  // Started 02:00, finished 02:10 on 1 November.
  const good = job({ at: T0 + 2 * HOUR + 10 * MINUTE });

  it('is new before its first report', () => {
    expect(checkEval(evaluate(snapshot({ checks: [nightly] }), T0 + 5 * DAY)).state).toBe('new');
  });

  it('is up until the next tick after the good run started', () => {
    const e = evaluate(snapshot({ checks: [nightly], jobs: [good] }), T0 + 12 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'up', nextDueAt: T0 + DAY + 2 * HOUR });
  });

  it('is late from the tick and overdue half a day later', () => {
    expect(checkEval(evaluate(snapshot({ checks: [nightly], jobs: [good] }), T0 + DAY + 2 * HOUR)).state).toBe('late');
    const e = evaluate(snapshot({ checks: [nightly], jobs: [good] }), T0 + DAY + 14 * HOUR);
    expect(checkEval(e).state).toBe('overdue');
    expect(conditionOf(e, 'missed_schedule')).toMatchObject({ severity: 'warning', since: T0 + DAY + 14 * HOUR });
  });

  it('accepts a run that started 2 minutes before the tick as that tick\'s run', () => {
    const early = job({ at: T0 + DAY + 2 * HOUR + 8 * MINUTE, startedAt: T0 + DAY + 2 * HOUR - 2 * MINUTE });
    const e = evaluate(snapshot({ checks: [nightly], jobs: [good, early] }), T0 + DAY + 20 * HOUR);
    expect(checkEval(e)).toMatchObject({ state: 'up', nextDueAt: T0 + 2 * DAY + 2 * HOUR });
  });

  it('follows a daily 02:30 Europe/Berlin schedule across both DST changes', () => {
    const berlin = check({ schedule: cron('30 2 * * *', 'Europe/Berlin'), createdAt: at('2026-03-01T00:00:00Z') });
    const ws = { class: 'workstation' as const, createdAt: at('2026-03-01T00:00:00Z') };
    // Spring: the run of 28 March started 02:30 CET (01:30Z). 02:30 does not exist on the 29th: due 03:00 CEST (01:00Z).
    const spring = snapshot({ device: ws, checks: [berlin], jobs: [job({ at: at('2026-03-28T01:40:00Z'), startedAt: at('2026-03-28T01:30:00Z') })] });
    expect(checkEval(evaluate(spring, at('2026-03-29T00:59:59Z')))).toMatchObject({ state: 'up', nextDueAt: at('2026-03-29T01:00:00Z') });
    expect(checkEval(evaluate(spring, at('2026-03-29T01:00:00Z'))).state).toBe('late');
    expect(conditionOf(evaluate(spring, at('2026-03-29T12:44:59Z')), 'missed_schedule')).toBeUndefined();
    expect(conditionOf(evaluate(spring, at('2026-03-29T12:45:00Z')), 'missed_schedule')).toBeDefined();
    // Autumn: the run of 25 October at the first 02:30 (CEST, 00:30Z) satisfies the day; next due 02:30 CET on the 26th (01:30Z).
    const autumn = snapshot({ device: ws, checks: [berlin], jobs: [job({ at: at('2026-10-25T00:45:00Z'), startedAt: at('2026-10-25T00:30:00Z') })] });
    expect(checkEval(evaluate(autumn, at('2026-10-25T01:45:00Z')))).toMatchObject({ state: 'up', nextDueAt: at('2026-10-26T01:30:00Z') });
    const before = snapshot({ device: ws, checks: [berlin], jobs: [job({ at: at('2026-10-24T00:45:00Z'), startedAt: at('2026-10-24T00:30:00Z') })] });
    expect(checkEval(evaluate(before, at('2026-10-24T12:00:00Z'))).nextDueAt).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('is paused when a user paused it', () => {
    const paused = check({ schedule: cron('0 2 * * *'), paused: true });
    const e = evaluate(snapshot({ checks: [paused], jobs: [good] }), T0 + 5 * DAY);
    expect(checkEval(e).state).toBe('paused');
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });
});
