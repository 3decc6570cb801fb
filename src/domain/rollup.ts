// Client roll-up: devices per health band and the share that meet their SLA now.
import { getOrCreate } from '../lib/maps.js';

export const BANDS = ['healthy', 'warning', 'critical', 'unknown', 'retired'] as const;

export interface Rollup {
  bands: Record<(typeof BANDS)[number], number>;
  /** Devices an SLA applies to, and how many meet it now. */
  applicable: number;
  compliant: number;
  compliance_percent: number | null;
}

export function emptyRollup(): Rollup {
  return { bands: { healthy: 0, warning: 0, critical: 0, unknown: 0, retired: 0 }, applicable: 0, compliant: 0, compliance_percent: null };
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface RollupRow {
  client_id: string;
  status: string;
  compliant: number | null;
  n: number;
}

export function rollupOf(rows: RollupRow[]): Map<string, Rollup> {
  const out = new Map<string, Rollup>();
  for (const r of rows) {
    const roll = getOrCreate(out, r.client_id, emptyRollup);
    const band = (BANDS as readonly string[]).includes(r.status) ? (r.status as keyof Rollup['bands']) : 'unknown';
    roll.bands[band] += Number(r.n);
    if (r.compliant !== null && r.status !== 'retired') {
      roll.applicable += Number(r.n);
      if (r.compliant === 1) roll.compliant += Number(r.n);
    }
  }
  for (const roll of out.values()) roll.compliance_percent = roll.applicable === 0 ? null : round((roll.compliant / roll.applicable) * 100);
  return out;
}

