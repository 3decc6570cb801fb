// SLA compliance over a period: how much of the time a device had a good backup within its SLA,
// and the breaches (stretches without one) with their durations.
import type { Interval } from './windows.js';

/**
 * A stretch out of SLA shorter than this is not a breach: a backup that ends a few seconds or
 * minutes after its deadline would otherwise list as a "0.0 h" breach. Such stretches are left out
 * of the breaches, their count and the time out of SLA. 6 minutes is the 0.1 h the reports round
 * hours to, so every breach listed reads at least 0.1 h.
 */
export const MIN_BREACH_MS = 6 * 60_000;

/** Hours rounded to 0.1 h, as reports print them. */
export const breachHours = (ms: number): number => Math.round(ms / 360_000) / 10;

export interface ComplianceInput {
  slaMs: number;
  /** When the device was first seen; it owes nothing before. */
  createdAt: number;
  /** Ends of good backups, ascending; include the last one before `from`. */
  goodEnds: number[];
  /** Maintenance windows in the period: excused time, and the SLA clock restarts at their end. */
  windows: Interval[];
  from: number;
  to: number;
}

export interface ComplianceResult {
  /** Time in the period the device was accountable for (after it was first seen). */
  accountableMs: number;
  breachedMs: number;
  /** Share of accountable time within the SLA, 0–100; null when it was never accountable. */
  percent: number | null;
  breaches: Interval[];
}

export function complianceOverPeriod(input: ComplianceInput): ComplianceResult {
  const start = Math.max(input.from, input.createdAt);
  const end = input.to;
  if (end <= start) return { accountableMs: 0, breachedMs: 0, percent: null, breaches: [] };
  // Moments the SLA clock restarts: good backups, window ends, first seen.
  const resets = [input.createdAt, ...input.goodEnds, ...input.windows.map((w) => w.end)].filter((t) => t <= end).sort((a, b) => a - b);
  const breaches: Interval[] = [];
  for (let i = 0; i < resets.length; i++) {
    const due = resets[i]! + input.slaMs;
    const next = resets[i + 1] ?? end;
    const b = { start: Math.max(due, start), end: Math.min(next, end) };
    if (b.end > b.start) breaches.push(b);
  }
  // Time inside a maintenance window is excused.
  const excused = breaches.flatMap((b) => subtract(b, input.windows));
  const merged = mergeIntervals(excused).filter((b) => b.end - b.start >= MIN_BREACH_MS);
  const breachedMs = merged.reduce((s, b) => s + (b.end - b.start), 0);
  const accountableMs = end - start;
  return { accountableMs, breachedMs, percent: (1 - breachedMs / accountableMs) * 100, breaches: merged };
}

function subtract(b: Interval, windows: Interval[]): Interval[] {
  let parts = [b];
  for (const w of windows) {
    parts = parts.flatMap((p) => {
      if (w.end <= p.start || w.start >= p.end) return [p];
      const out: Interval[] = [];
      if (w.start > p.start) out.push({ start: p.start, end: w.start });
      if (w.end < p.end) out.push({ start: w.end, end: p.end });
      return out;
    });
  }
  return parts;
}

function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}
