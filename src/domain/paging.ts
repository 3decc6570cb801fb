// Escalation policies, pure: which open alerts page on-call, and when. A paging channel has rules;
// an alert pages when any rule holds: its type and device class are among the rule's, it is at
// least the rule's severity, its condition has held for the rule's minutes, and the moment is
// inside or outside business hours as the rule asks. "A server's backup overdue by more than 6 h
// outside business hours pages on-call" is
// `{ types: ['backup_overdue'], classes: ['server'], open_minutes: 360, hours: 'outside' }`.
import type { FieldProblem } from './errors.js';
import { ALERT_TYPES, SEVERITY_RANK, type Severity } from './settings.js';

export const DEVICE_CLASSES = ['server', 'workstation', 'saas'] as const;
export const HOURS_CHOICES = ['any', 'inside', 'outside'] as const;

export interface PageRule {
  types?: string[] | null;
  classes?: string[] | null;
  min_severity?: 'warning' | 'critical';
  open_minutes?: number;
  hours?: (typeof HOURS_CHOICES)[number];
}

/** Without rules a pager pages every critical alert at once. */
export const DEFAULT_RULES: PageRule[] = [{ min_severity: 'critical' }];

export interface PageCandidate {
  type: string;
  severity: Severity;
  device_class: string | null;
  /** When the condition began (epoch ms). */
  condition_since: number;
}

/** The rule that pages the alert now, or null. `business` says whether now is inside business hours (asked lazily: it needs the client's settings). */
export function pagingRule(rules: readonly PageRule[], a: PageCandidate, now: number, business: () => boolean): PageRule | null {
  for (const r of rules) {
    if (r.types && r.types.length > 0 && !r.types.includes(a.type)) continue;
    if (r.classes && r.classes.length > 0 && (a.device_class === null || !r.classes.includes(a.device_class))) continue;
    if (SEVERITY_RANK[a.severity] < SEVERITY_RANK[r.min_severity ?? 'critical']) continue;
    if (now - a.condition_since < (r.open_minutes ?? 0) * 60_000) continue;
    const hours = r.hours ?? 'any';
    if (hours !== 'any' && business() !== (hours === 'inside')) continue;
    return r;
  }
  return null;
}

export function ruleProblems(rules: unknown): FieldProblem[] {
  if (!Array.isArray(rules)) return [{ field: 'config.rules', message: 'must be a list of rules' }];
  const out: FieldProblem[] = [];
  rules.forEach((r: PageRule, i) => {
    const f = `config.rules.${i}`;
    for (const t of r.types ?? []) if (!(ALERT_TYPES as readonly string[]).includes(t)) out.push({ field: `${f}.types`, message: `"${t}" is not an alert type` });
    for (const c of r.classes ?? []) if (!(DEVICE_CLASSES as readonly string[]).includes(c)) out.push({ field: `${f}.classes`, message: `"${c}" is not a device class` });
  });
  return out;
}
