import { describe, expect, it } from 'vitest';
import { type PageCandidate, pagingRule } from './paging.js';

const HOUR = 3_600_000;
const now = Date.parse('2026-11-03T00:00:00Z');
const overdue: PageCandidate = { type: 'backup_overdue', severity: 'critical', device_class: 'server', condition_since: now - 6 * HOUR };
const rule = { types: ['backup_overdue'], classes: ['server'], open_minutes: 360, hours: 'outside' as const };

describe('escalation rules', () => {
  it('page a server overdue by 6 h outside business hours', () => {
    expect(pagingRule([rule], overdue, now, () => false)).toBe(rule);
  });

  it('wait for the minutes, and for the end of business hours', () => {
    expect(pagingRule([rule], { ...overdue, condition_since: now - 6 * HOUR + 1 }, now, () => false)).toBeNull();
    expect(pagingRule([rule], overdue, now, () => true)).toBeNull();
  });

  it('leave out other types, classes and lower severities', () => {
    expect(pagingRule([rule], { ...overdue, type: 'job_failed' }, now, () => false)).toBeNull();
    expect(pagingRule([rule], { ...overdue, device_class: 'workstation' }, now, () => false)).toBeNull();
    expect(pagingRule([rule], { ...overdue, severity: 'warning' }, now, () => false)).toBeNull();
    expect(pagingRule([{ ...rule, min_severity: 'warning' }], { ...overdue, severity: 'warning' }, now, () => false)).not.toBeNull();
  });

  it('page when any rule holds, and ask about business hours only when a rule needs it', () => {
    let asked = 0;
    const business = () => {
      asked++;
      return true;
    };
    expect(pagingRule([{ min_severity: 'critical' }], overdue, now, business)).not.toBeNull();
    expect(asked).toBe(0);
    expect(pagingRule([rule, { types: ['backup_overdue'], hours: 'inside' }], overdue, now, business)).toEqual({ types: ['backup_overdue'], hours: 'inside' });
  });
});
