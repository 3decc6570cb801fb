import { describe, expect, it } from 'vitest';
import type { Condition } from './history.js';
import { type ActiveAlert, keyOf, reconcile } from './lifecycle.js';
import type { AlertType } from './settings.js';
import { HOUR, T0 } from './test-factories.js';

function condition(overrides: Partial<Condition> = {}): Condition {
  return {
    type: 'job_failed',
    scope: 'check',
    scopeId: 'chk-backup',
    checkId: 'chk-backup',
    severity: 'warning',
    title: 'Nightly: failed',
    detail: { job_id: 'j1' },
    since: T0,
    suppressed: false,
    inhibitedBy: null,
    ...overrides,
  };
}

/** The alert a condition raised earlier, unchanged since. */
function alertFor(c: Condition, overrides: Partial<ActiveAlert> = {}): ActiveAlert {
  return { id: `alert-${c.type}`, type: c.type, scopeId: c.scopeId, severity: c.severity, state: 'open', title: c.title, detail: JSON.stringify(c.detail), dismissedUntil: null, ...overrides };
}

const now = T0 + 10 * HOUR;

describe('reconcile', () => {
  it('raises an alert for a new condition', () => {
    const c = condition();
    expect(reconcile([], [c], now)).toEqual([{ kind: 'raise', condition: c, replaces: null }]);
  });

  it('does nothing when the alert already says what the condition says (no duplicate)', () => {
    const c = condition();
    expect(reconcile([alertFor(c)], [c], now)).toEqual([]);
    expect(reconcile([alertFor(c, { state: 'acknowledged' })], [c], now)).toEqual([]);
  });

  it('keeps one alert per scope and type: another scope or type is another alert', () => {
    const a = condition();
    const other = condition({ scopeId: 'chk-copy', checkId: 'chk-copy' });
    const otherType = condition({ type: 'job_warning' });
    const actions = reconcile([alertFor(a)], [a, other, otherType], now);
    expect(actions.map((x) => x.kind)).toEqual(['raise', 'raise']);
    expect(keyOf('a', 'job_failed')).not.toBe(keyOf('a', 'job_warning'));
  });

  it('escalates in place and notifies', () => {
    const before = condition();
    const c = condition({ severity: 'critical', title: 'Nightly: failed 3 times in a row' });
    expect(reconcile([alertFor(before)], [c], now)).toEqual([{ kind: 'update', alertId: 'alert-job_failed', condition: c, severityChange: 'up', notify: true }]);
  });

  it('de-escalates in place and notifies', () => {
    const before = condition({ type: 'saas_degraded', severity: 'critical' });
    const c = condition({ type: 'saas_degraded', severity: 'warning' });
    expect(reconcile([alertFor(before)], [c], now)).toEqual([{ kind: 'update', alertId: 'alert-saas_degraded', condition: c, severityChange: 'down', notify: true }]);
  });

  it('updates quietly when only the title or detail changes', () => {
    const before = condition();
    const c = condition({ detail: { job_id: 'j2' } });
    expect(reconcile([alertFor(before)], [c], now)).toEqual([{ kind: 'update', alertId: 'alert-job_failed', condition: c, severityChange: null, notify: false }]);
  });

  it('resolves an alert whose condition has cleared, with a notice', () => {
    expect(reconcile([alertFor(condition())], [], now)).toEqual([{ kind: 'resolve', alertId: 'alert-job_failed', notify: true }]);
    expect(reconcile([alertFor(condition(), { state: 'acknowledged' })], [], now)).toEqual([{ kind: 'resolve', alertId: 'alert-job_failed', notify: true }]);
  });

  it('never raises a suppressed condition, but lets an open alert resolve inside the window', () => {
    expect(reconcile([], [condition({ suppressed: true })], now)).toEqual([]);
    expect(reconcile([alertFor(condition())], [], now)).toEqual([{ kind: 'resolve', alertId: 'alert-job_failed', notify: true }]);
  });

  it('keeps an open alert while its condition is suppressed, escalating it without a notice', () => {
    const before = condition();
    expect(reconcile([alertFor(before)], [condition({ suppressed: true })], now)).toEqual([]);
    const c = condition({ severity: 'critical', suppressed: true });
    expect(reconcile([alertFor(before)], [c], now)).toEqual([{ kind: 'update', alertId: 'alert-job_failed', condition: c, severityChange: 'up', notify: false }]);
  });

  it('neither raises nor resolves an inhibited condition', () => {
    const c = condition({ type: 'missed_schedule', inhibitedBy: 'int-1' });
    expect(reconcile([], [c], now)).toEqual([]);
    expect(reconcile([alertFor(c)], [c], now)).toEqual([]);
    expect(reconcile([alertFor(c)], [{ ...c, severity: 'critical' }], now)).toEqual([]);
  });

  describe('dismissed alerts', () => {
    const c = condition();
    const dismissed = alertFor(c, { state: 'dismissed', dismissedUntil: T0 + 24 * HOUR });

    it('stays hidden while the dismissal lasts, even when the condition escalates', () => {
      expect(reconcile([dismissed], [c], T0 + 24 * HOUR - 1)).toEqual([]);
      expect(reconcile([dismissed], [condition({ severity: 'critical' })], T0 + 24 * HOUR - 1)).toEqual([]);
    });

    it('is closed and raised again, linked, once the dismissal ran out while the condition holds', () => {
      expect(reconcile([dismissed], [c], T0 + 24 * HOUR)).toEqual([
        { kind: 'close', alertId: 'alert-job_failed' },
        { kind: 'raise', condition: c, replaces: 'alert-job_failed' },
      ]);
    });

    it('is not raised again while the condition is suppressed', () => {
      expect(reconcile([dismissed], [condition({ suppressed: true })], T0 + 30 * HOUR)).toEqual([]);
    });

    it('resolves quietly when the condition clears first', () => {
      expect(reconcile([dismissed], [], T0 + 2 * HOUR)).toEqual([{ kind: 'resolve', alertId: 'alert-job_failed', notify: false }]);
    });
  });

  it('never resolves destructive_operation by itself', () => {
    const d = condition({ type: 'destructive_operation', scope: 'device', scopeId: 'dev-1', checkId: null, severity: 'critical' });
    expect(reconcile([alertFor(d)], [], now)).toEqual([]);
    expect(reconcile([alertFor(d), alertFor(condition())], [], now)).toEqual([{ kind: 'resolve', alertId: 'alert-job_failed', notify: true }]);
  });

  it('handles several alerts at once: one of each action', () => {
    const types: AlertType[] = ['job_failed', 'missed_schedule', 'backup_overdue'];
    const [failed, missed, overdue] = types.map((type) => condition({ type }));
    const actions = reconcile([alertFor(failed!), alertFor(missed!)], [condition({ type: 'job_failed', severity: 'critical' }), overdue!], now);
    expect(actions.map((a) => a.kind).sort()).toEqual(['raise', 'resolve', 'update']);
  });
});
