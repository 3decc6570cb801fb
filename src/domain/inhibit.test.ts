import { describe, expect, it } from 'vitest';
import type { Condition } from './history.js';
import { INHIBIT_RULES, inhibit } from './inhibit.js';
import type { AlertType, Severity } from './settings.js';

function cond(type: AlertType, checkId: string | null, extra: Partial<Condition> = {}): Condition {
  return {
    type,
    scope: checkId === null ? 'device' : 'check',
    scopeId: checkId ?? 'dev-1',
    checkId,
    severity: 'warning',
    title: `${type} ${checkId ?? 'device'}`,
    detail: {},
    since: 0,
    suppressed: false,
    inhibitedBy: null,
    ...extra,
  };
}

const overdue = (extra: Partial<Condition> = {}) => cond('backup_overdue', null, { severity: 'critical', fromChecks: ['chk-backup'], ...extra });
const failed = (severity: Severity, checkId = 'chk-backup') => cond('job_failed', checkId, { severity });
const types = (cs: Condition[]) => cs.map((c) => `${c.type}@${c.checkId ?? 'device'}`).sort();

describe('inhibition table', () => {
  it('keeps only the overdue alert of a server whose backup failed once and is overdue', () => {
    const { raise, inhibited } = inhibit([failed('warning'), cond('missed_schedule', 'chk-backup'), overdue(), cond('device_silent', null)]);
    expect(types(raise)).toEqual(['backup_overdue@device']);
    expect(inhibited.map((i) => [i.target.type, i.source.type])).toEqual([
      ['job_failed', 'backup_overdue'],
      ['missed_schedule', 'backup_overdue'],
      ['device_silent', 'backup_overdue'],
    ]);
  });

  it('lets a critical failure speak beside the overdue alert: it names the cause', () => {
    const { raise } = inhibit([failed('critical'), cond('missed_schedule', 'chk-backup'), overdue()]);
    expect(types(raise)).toEqual(['backup_overdue@device', 'job_failed@chk-backup']);
  });

  it('inhibits only the checks a device alert is drawn from', () => {
    const { raise } = inhibit([overdue(), cond('missed_schedule', 'chk-restore'), failed('warning', 'chk-other')]);
    expect(types(raise)).toEqual(['backup_overdue@device', 'job_failed@chk-other', 'missed_schedule@chk-restore']);
  });

  it('holds back a late copy under the overdue backup, and a missed copy schedule under the late copy', () => {
    const { raise } = inhibit([overdue(), cond('copy_overdue', 'chk-copy'), cond('missed_schedule', 'chk-copy')]);
    expect(types(raise)).toEqual(['backup_overdue@device']);
    expect(types(inhibit([cond('copy_overdue', 'chk-copy'), cond('missed_schedule', 'chk-copy')]).raise)).toEqual(['copy_overdue@chk-copy']);
  });

  it('explains a missed schedule by the failure of the same check only', () => {
    const { raise } = inhibit([failed('warning', 'chk-a'), cond('missed_schedule', 'chk-a'), cond('missed_schedule', 'chk-b')]);
    expect(types(raise)).toEqual(['job_failed@chk-a', 'missed_schedule@chk-b']);
    expect(types(inhibit([cond('verification_failed', 'chk-r', { severity: 'critical' }), cond('missed_schedule', 'chk-r')]).raise)).toEqual(['verification_failed@chk-r']);
  });

  it('folds a silent device into the overdue alerts of its checks, and a full quota into a blocked purge', () => {
    expect(types(inhibit([cond('missed_schedule', 'chk-a'), cond('device_silent', null)]).raise)).toEqual(['missed_schedule@chk-a']);
    expect(types(inhibit([cond('saas_overdue', null, { fromChecks: ['chk-saas'] }), cond('missed_schedule', 'chk-saas'), cond('device_silent', null)]).raise)).toEqual([
      'saas_overdue@device',
    ]);
    expect(types(inhibit([cond('purge_blocked', null), cond('storage_quota', null)]).raise)).toEqual(['purge_blocked@device']);
  });

  it('does not let a source held back by a window or a broken integration inhibit', () => {
    expect(types(inhibit([overdue({ suppressed: true }), cond('missed_schedule', 'chk-backup')]).raise)).toEqual(['backup_overdue@device', 'missed_schedule@chk-backup']);
    expect(types(inhibit([overdue({ inhibitedBy: 'int-1' }), failed('warning')]).raise)).toEqual(['backup_overdue@device', 'job_failed@chk-backup']);
  });

  it('leaves unrelated alerts alone (destructive operations, anomalies, replication)', () => {
    const all = [overdue(), cond('destructive_operation', null, { severity: 'critical' }), cond('size_anomaly', 'chk-backup'), cond('replication_unhealthy', 'chk-repl')];
    expect(inhibit(all).raise).toHaveLength(4);
  });

  it('has no cycles, so no two alerts can hold each other back', () => {
    const edges = new Map<string, Set<string>>();
    for (const r of INHIBIT_RULES) for (const t of r.targets) (edges.get(r.source) ?? edges.set(r.source, new Set()).get(r.source)!).add(t);
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      for (const next of edges.get(from) ?? []) {
        if (next === to) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        if (reaches(next, to, seen)) return true;
      }
      return false;
    };
    for (const source of edges.keys()) expect(reaches(source, source), source).toBe(false);
  });
});
