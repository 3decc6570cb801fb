import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../settings.js';
import { check, conditionOf, DAY, evaluate, HOUR, iso, job, MINUTE, oneOffWindow, snapshot, T0 } from '../test-factories.js';
import { readableDuration } from './run-too-long.js';

const limited = (overrides: Parameters<typeof check>[0] = {}) => check({ maxRuntimeMs: 2 * HOUR, ...overrides });
const START = T0 + 3 * HOUR;

describe('run_too_long', () => {
  it('raises a warning once a started run passes its max runtime, since the limit ran out', () => {
    const snap = snapshot({ checks: [limited()], jobs: [job({ at: START, status: 'running' })] });
    expect(conditionOf(evaluate(snap, START + 2 * HOUR - 1), 'run_too_long')).toBeUndefined();
    const c = conditionOf(evaluate(snap, START + 2 * HOUR), 'run_too_long');
    expect(c).toMatchObject({ scope: 'check', scopeId: 'chk-backup', checkId: 'chk-backup', severity: 'warning', since: START + 2 * HOUR });
    expect(c?.detail).toMatchObject({ started_at: iso(START), max_runtime_seconds: 7200, limit_reached_at: iso(START + 2 * HOUR) });
  });

  it('says in its title when the run started and what the limit is, and keeps the title while the run lasts', () => {
    const snap = snapshot({ checks: [limited()], jobs: [job({ at: START, status: 'running' })] });
    const first = conditionOf(evaluate(snap, START + 3 * HOUR), 'run_too_long')!;
    expect(first.title).toBe('Nightly: started 2026-11-01 03:00 UTC and still running after its 2 h limit');
    expect(conditionOf(evaluate(snap, START + 30 * HOUR), 'run_too_long')!.title).toBe(first.title);
  });

  it('asks to be evaluated again exactly when the limit runs out, with no job arriving', () => {
    const snap = snapshot({ checks: [limited()], jobs: [job({ at: START, status: 'running' })] });
    expect(evaluate(snap, START + MINUTE).nextEvalAt).toBe(START + 2 * HOUR);
  });

  it('clears when the run ends, however late', () => {
    const ended = job({ at: START + 5 * HOUR, durationMs: 5 * HOUR, status: 'succeeded' });
    const e = evaluate(snapshot({ checks: [limited()], jobs: [ended] }), START + 6 * HOUR);
    expect(conditionOf(e, 'run_too_long')).toBeUndefined();
  });

  it('lets a newer run supersede a stuck one: a newer finished run clears it, a newer start restarts the clock', () => {
    const stuck = job({ at: START, status: 'running' });
    const later = job({ at: START + 3 * HOUR, status: 'failed' });
    expect(conditionOf(evaluate(snapshot({ checks: [limited()], jobs: [stuck, later] }), START + 4 * HOUR), 'run_too_long')).toBeUndefined();
    const restarted = job({ at: START + 3 * HOUR, status: 'running' });
    const e = evaluate(snapshot({ checks: [limited()], jobs: [stuck, restarted] }), START + 4 * HOUR);
    expect(conditionOf(e, 'run_too_long')).toBeUndefined();
    expect(e.nextEvalAt).toBe(START + 5 * HOUR);
    expect(conditionOf(evaluate(snapshot({ checks: [limited()], jobs: [stuck, restarted] }), START + 5 * HOUR), 'run_too_long')?.detail).toMatchObject({
      job_id: restarted.id,
    });
  });

  it('never raises for a check without a max runtime, however long the run', () => {
    const snap = snapshot({ checks: [check()], jobs: [job({ at: START, status: 'running' })] });
    expect(conditionOf(evaluate(snap, START + 6 * DAY), 'run_too_long')).toBeUndefined();
    expect(conditionOf(evaluate(snapshot({ checks: [check({ maxRuntimeMs: null })], jobs: [job({ at: START, status: 'running' })] }), START + 6 * DAY), 'run_too_long')).toBeUndefined();
  });

  it('never raises for a paused check', () => {
    const snap = snapshot({ checks: [limited({ paused: true })], jobs: [job({ at: START, status: 'running' })] });
    expect(conditionOf(evaluate(snap, START + 3 * HOUR), 'run_too_long')).toBeUndefined();
  });

  it('takes its severity from the settings, and its category can be switched off', () => {
    const snap = snapshot({ checks: [limited()], jobs: [job({ at: START, status: 'running' })] });
    expect(conditionOf(evaluate(snap, START + 3 * HOUR, mergeConfig({ severities: { run_too_long: 'critical' } })), 'run_too_long')?.severity).toBe('critical');
    expect(conditionOf(evaluate(snap, START + 3 * HOUR, mergeConfig({ categories: { run_too_long: false } })), 'run_too_long')).toBeUndefined();
  });

  it('is held back during a maintenance window on the device', () => {
    const snap = snapshot({
      checks: [limited()],
      jobs: [job({ at: START, status: 'running' })],
      windows: [oneOffWindow({ startsAt: START, endsAt: START + 4 * HOUR })],
    });
    expect(conditionOf(evaluate(snap, START + 3 * HOUR), 'run_too_long')?.suppressed).toBe(true);
  });

  it('is held back while the integration that would report the run\'s end is broken', () => {
    const snap = snapshot({ checks: [limited()], jobs: [job({ at: START, status: 'running', source: 'azure' })], brokenSources: new Map([['azure', 'int-1']]) });
    expect(conditionOf(evaluate(snap, START + 3 * HOUR), 'run_too_long')?.inhibitedBy).toBe('int-1');
  });
});

describe('readableDuration', () => {
  it('writes limits in days, hours and minutes', () => {
    expect(readableDuration(MINUTE)).toBe('1 min');
    expect(readableDuration(90 * MINUTE)).toBe('1 h 30 min');
    expect(readableDuration(7 * DAY)).toBe('7 d');
    expect(readableDuration(DAY + 5 * MINUTE)).toBe('1 d 5 min');
  });
});
