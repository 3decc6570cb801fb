// Integration alerts: a connector's credentials or consent rejected (integration_auth), or its
// source's API quota blocking syncs (integration_quota). Connectors report the facts; both clear
// on the next good sync. While one is open, the schedule alerts of the devices the integration
// feeds are held back (evaluate.ts) and counted here instead.
import type { Condition } from './history.js';
import { baseSeverity, type EngineConfig } from './settings.js';

export interface IntegrationHealth {
  id: string;
  name: string;
  type: string;
  /** The `source` of the jobs it reports: how devices are tied to it. */
  source: string;
  authError: string | null;
  authSince: number | null;
  quotaError: string | null;
  quotaSince: number | null;
  lastSuccessAt: number | null;
}

export function isBroken(h: IntegrationHealth): boolean {
  return h.authError !== null || h.quotaError !== null;
}

/** `heldBack`: devices whose schedule alerts wait on this integration. */
export function evaluateIntegration(h: IntegrationHealth, config: EngineConfig, now: number, heldBack: number): Condition[] {
  const base = { scope: 'integration' as const, scopeId: h.id, checkId: null, suppressed: false, inhibitedBy: null };
  const detail = (error: string) => ({
    error,
    source: h.source,
    last_success_at: h.lastSuccessAt === null ? null : new Date(h.lastSuccessAt).toISOString(),
    devices_held_back: heldBack,
  });
  const out: Condition[] = [];
  if (h.authError !== null && config.categories.integration_auth) {
    out.push({
      ...base,
      type: 'integration_auth',
      severity: baseSeverity(config, 'integration_auth', 'critical'),
      title: `${h.name}: credentials or consent rejected${heldBack > 0 ? ` (${heldBack} devices waiting)` : ''}`,
      detail: detail(h.authError),
      since: h.authSince ?? now,
    });
  }
  if (h.quotaError !== null && config.categories.integration_quota) {
    out.push({
      ...base,
      type: 'integration_quota',
      severity: baseSeverity(config, 'integration_quota', 'warning'),
      title: `${h.name}: API quota or throttling is blocking syncs${heldBack > 0 ? ` (${heldBack} devices waiting)` : ''}`,
      detail: detail(h.quotaError),
      since: h.quotaSince ?? now,
    });
  }
  return out;
}
