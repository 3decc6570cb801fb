// Inhibition: one cause, one alert. A condition that a stronger condition of the same device (or
// the same check) already says is not raised, in the spirit of Alertmanager's inhibit rules. The
// table is data: a source type, the types it inhibits, and which of them it covers. Documented in
// docs/engine.md ("Inhibition").
import type { Condition } from './history.js';
import { type AlertType, SEVERITY_RANK, type Severity } from './settings.js';

/**
 * Which targets a source covers:
 * - `check`: conditions of the same check;
 * - `covered`: conditions of the checks a device condition is drawn from (`fromChecks`);
 * - `device`: every condition of the same device.
 */
export type InhibitScope = 'check' | 'covered' | 'device';

export interface InhibitRule {
  source: AlertType;
  targets: readonly AlertType[];
  scope: InhibitScope;
  /** Only targets at most this severe (a warning under a critical; a critical one still speaks). */
  targetMaxSeverity?: Severity;
}

export const INHIBIT_RULES: readonly InhibitRule[] = [
  // The SLA is breached: the schedule, a warning-level failure and the copy that cannot follow say no more.
  { source: 'backup_overdue', scope: 'covered', targets: ['missed_schedule', 'job_warning'] },
  { source: 'backup_overdue', scope: 'covered', targets: ['job_failed'], targetMaxSeverity: 'warning' },
  { source: 'backup_overdue', scope: 'device', targets: ['copy_overdue', 'device_silent'] },
  { source: 'saas_overdue', scope: 'covered', targets: ['missed_schedule'] },
  { source: 'saas_overdue', scope: 'device', targets: ['device_silent'] },
  // A failed run explains why the check has no good run on time.
  { source: 'job_failed', scope: 'check', targets: ['missed_schedule', 'copy_overdue'] },
  { source: 'verification_failed', scope: 'check', targets: ['missed_schedule'] },
  { source: 'copy_overdue', scope: 'check', targets: ['missed_schedule'] },
  { source: 'missed_schedule', scope: 'check', targets: ['job_warning'] },
  // A check overdue says the device is quiet.
  { source: 'missed_schedule', scope: 'device', targets: ['device_silent'] },
  // Nothing can be purged: the full quota is the same story.
  { source: 'purge_blocked', scope: 'device', targets: ['storage_quota'] },
];

export interface Inhibition {
  /** The condition held back. */
  target: Condition;
  /** The condition that says it already. */
  source: Condition;
}

function covers(rule: InhibitRule, source: Condition, target: Condition): boolean {
  if (!rule.targets.includes(target.type) || source === target) return false;
  if (rule.targetMaxSeverity !== undefined && SEVERITY_RANK[target.severity] > SEVERITY_RANK[rule.targetMaxSeverity]) return false;
  switch (rule.scope) {
    case 'check':
      return source.checkId !== null && source.checkId === target.checkId;
    case 'covered':
      return target.checkId !== null && (source.fromChecks ?? []).includes(target.checkId);
    case 'device':
      return true;
  }
}

/**
 * Splits one device's conditions into those to raise and those inhibited (with their source).
 * Only a condition that can be shown inhibits: one held back by a maintenance window or a broken
 * integration does not speak for others. Sources are judged before inhibition, so the order of
 * the rules does not matter (the table has no cycles: `inhibit.test.ts`).
 */
export function inhibit(conditions: readonly Condition[], rules: readonly InhibitRule[] = INHIBIT_RULES): { raise: Condition[]; inhibited: Inhibition[] } {
  const sources = conditions.filter((c) => !c.suppressed && c.inhibitedBy === null);
  const raise: Condition[] = [];
  const inhibited: Inhibition[] = [];
  for (const target of conditions) {
    let by: Condition | undefined;
    for (const rule of rules) {
      by = sources.find((s) => s.type === rule.source && covers(rule, s, target));
      if (by) break;
    }
    if (by) inhibited.push({ target, source: by });
    else raise.push(target);
  }
  return { raise, inhibited };
}

/** The alert history note of an open alert resolved because a stronger one now says it. */
export function inhibitionNote(i: Inhibition): string {
  return `inhibited by ${i.source.type}: ${i.source.title}`;
}
