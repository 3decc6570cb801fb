// Alert lifecycle: given the alerts that are active for a scope and the conditions that hold now,
// decide what to raise, update, resolve or raise again. One active alert per (scope, type).
import type { Condition } from './history.js';
import { type AlertType, SEVERITY_RANK, type Severity } from './settings.js';

export type AlertState = 'open' | 'acknowledged' | 'dismissed' | 'resolved';

export interface ActiveAlert {
  id: string;
  type: AlertType;
  scopeId: string;
  severity: Severity;
  state: Exclude<AlertState, 'resolved'>;
  title: string;
  detail: string;
  dismissedUntil: number | null;
}

export type AlertAction =
  | { kind: 'raise'; condition: Condition; replaces: string | null }
  | { kind: 'update'; alertId: string; condition: Condition; severityChange: 'up' | 'down' | null; notify: boolean }
  | { kind: 'resolve'; alertId: string; notify: boolean }
  /** A dismissed alert whose snooze ran out while its condition held: closed, and raised again. */
  | { kind: 'close'; alertId: string };

/** Alerts that only a person ends: they never resolve by themselves. */
const RESOLVED_BY_PEOPLE: ReadonlySet<AlertType> = new Set(['destructive_operation']);

export const keyOf = (scopeId: string, type: AlertType) => `${scopeId}\u0000${type}`;

/**
 * `active` must hold exactly the alerts this evaluation owns (a device evaluation owns its device's
 * and its checks' alerts): an owned alert whose condition is gone is resolved.
 */
export function reconcile(active: ActiveAlert[], conditions: Condition[], now: number): AlertAction[] {
  const actions: AlertAction[] = [];
  const byKey = new Map(active.map((a) => [keyOf(a.scopeId, a.type), a]));
  const held = new Set<string>();
  for (const c of conditions) {
    const key = keyOf(c.scopeId, c.type);
    held.add(key);
    const a = byKey.get(key);
    if (c.inhibitedBy !== null) continue; // the broken integration's alert speaks for it
    if (!a) {
      if (!c.suppressed) actions.push({ kind: 'raise', condition: c, replaces: null });
      continue;
    }
    if (a.state === 'dismissed') {
      if (a.dismissedUntil !== null && a.dismissedUntil <= now && !c.suppressed) {
        actions.push({ kind: 'close', alertId: a.id }, { kind: 'raise', condition: c, replaces: a.id });
      }
      continue;
    }
    const change = SEVERITY_RANK[c.severity] > SEVERITY_RANK[a.severity] ? 'up' : SEVERITY_RANK[c.severity] < SEVERITY_RANK[a.severity] ? 'down' : null;
    const detail = JSON.stringify(c.detail);
    if (change !== null || c.title !== a.title || detail !== a.detail) {
      actions.push({ kind: 'update', alertId: a.id, condition: c, severityChange: change, notify: change !== null && !c.suppressed });
    }
  }
  for (const a of active) {
    if (held.has(keyOf(a.scopeId, a.type)) || RESOLVED_BY_PEOPLE.has(a.type)) continue;
    actions.push({ kind: 'resolve', alertId: a.id, notify: a.state !== 'dismissed' });
  }
  return actions;
}
