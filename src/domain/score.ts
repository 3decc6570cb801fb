// The health score (0–100), its band, and why: each point it lost, by factor. See
// docs/health-score.md for the weights, the caps and how the breakdown is apportioned.
import { type HistoryJob, isFailureJob, isGoodJob } from './history.js';
import type { DeviceFactsInfo } from './history.js';
import type { CheckEvaluation } from './rules/checks.js';

export type DeviceStatus = 'healthy' | 'warning' | 'critical' | 'unknown' | 'retired';

const HOUR = 3_600_000;
export const WEIGHTS = { recency: 40, success: 35, restore: 15, headroom: 10 } as const;

export interface ScoreInput {
  hasReported: boolean;
  /** Checks that protect data on a schedule (not restore tests), not paused. */
  protecting: CheckEvaluation[];
  /** Finished, alert-relevant jobs of those checks in the last 7 days. */
  recentJobs: HistoryJob[];
  /** The latest finished restore test, if the device has any. */
  lastRestoreTest: HistoryJob | null;
  facts: DeviceFactsInfo;
  /** No good backup within the SLA. */
  slaBreached: boolean;
  /** The storage warnings that hold now (quota nearly full, free space low): their titles. */
  storageWarnings?: string[];
  now: number;
}

export type ScoreFactor = 'recency' | 'success_rate' | 'restore_test' | 'storage' | 'cap' | 'never_reported';

/** Points a factor took off 100: impacts are negative integers and add up to `score - 100`. */
export interface ScoreImpact {
  factor: ScoreFactor;
  impact: number;
  detail: string;
}

export interface Score {
  score: number;
  status: DeviceStatus;
  parts: { recency: number | null; success: number | null; restore: number | null; headroom: number | null };
  caps: string[];
  breakdown: ScoreImpact[];
}

type PartKey = keyof typeof WEIGHTS;
const PART_FACTOR: Record<PartKey, ScoreFactor> = { recency: 'recency', success: 'success_rate', restore: 'restore_test', headroom: 'storage' };

function recencyOf(c: CheckEvaluation, now: number): number {
  if (c.state === 'late') return 85;
  if (c.state === 'overdue' && c.nextDueAt !== null) {
    const pastDue = now - c.nextDueAt;
    return pastDue > 48 * HOUR ? 20 : 60 - 30 * (pastDue / (48 * HOUR));
  }
  if (c.schedule === null && c.lastGoodAt === null) return 50;
  return 100;
}

function recency(checks: CheckEvaluation[], slaBreached: boolean, now: number): number | null {
  if (checks.length === 0) return null;
  const worst = Math.min(100, ...checks.map((c) => recencyOf(c, now)));
  return slaBreached ? Math.min(worst, 50) : worst;
}

function recencyDetail(checks: CheckEvaluation[], slaBreached: boolean, now: number): string {
  const worst = [...checks].sort((a, b) => recencyOf(a, now) - recencyOf(b, now))[0];
  const reasons: string[] = [];
  if (worst && recencyOf(worst, now) < 100) {
    if (worst.state === 'late') reasons.push('a check is late');
    else if (worst.state === 'overdue' && worst.nextDueAt !== null) reasons.push(`a check is ${hours(now - worst.nextDueAt)} h past due`);
    else reasons.push('a check without a schedule has no good run yet');
  }
  if (slaBreached) reasons.push('no good backup within the SLA');
  return reasons.join('; ') || 'backups are not on time';
}

function successRate(jobs: HistoryJob[]): number | null {
  const judged = jobs.filter((j) => isGoodJob(j) || isFailureJob(j));
  if (judged.length === 0) return null;
  return (judged.filter(isGoodJob).length / judged.length) * 100;
}

function successDetail(jobs: HistoryJob[]): string {
  const judged = jobs.filter((j) => isGoodJob(j) || isFailureJob(j));
  return `${judged.filter(isGoodJob).length} of ${judged.length} jobs succeeded in 7 days`;
}

function quotaUsed(f: DeviceFactsInfo): number | null {
  return f.storageUsedBytes !== null && f.storageQuotaBytes !== null && f.storageQuotaBytes > 0 ? (f.storageUsedBytes / f.storageQuotaBytes) * 100 : null;
}

function headroom(f: DeviceFactsInfo): number | null {
  const used = quotaUsed(f);
  if (used !== null) return used <= 80 ? 100 : Math.max(0, 100 - ((used - 80) / 20) * 100);
  if (f.freeSpacePercent !== null) {
    const free = f.freeSpacePercent;
    return free >= 20 ? 100 : free <= 5 ? 0 : ((free - 5) / 15) * 100;
  }
  return null;
}

function headroomDetail(f: DeviceFactsInfo): string {
  const used = quotaUsed(f);
  return used !== null ? `${oneDecimal(used)} % of the storage quota used` : `${oneDecimal(f.freeSpacePercent ?? 0)} % free space`;
}

const oneDecimal = (n: number) => String(Math.round(n * 10) / 10);
const hours = (ms: number) => oneDecimal(ms / HOUR);

export function bandOf(score: number): DeviceStatus {
  if (score === 0) return 'unknown';
  if (score >= 90) return 'healthy';
  if (score >= 70) return 'warning';
  return 'critical';
}

/**
 * Whole points lost, apportioned by largest remainder so that they add up to exactly `total`
 * (the points the rounded mean lost): each gets the floor of its exact loss, and the points
 * left go to the largest fractions.
 */
function apportion(losses: number[], total: number): number[] {
  const floors = losses.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = losses.map((l, i) => ({ i, frac: l - floors[i]! })).sort((a, b) => b.frac - a.frac);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) floors[order[k]!.i]!++;
  return floors;
}

export function healthScore(input: ScoreInput): Score {
  const parts = {
    recency: recency(input.protecting, input.slaBreached, input.now),
    success: successRate(input.recentJobs),
    restore: input.lastRestoreTest === null ? null : isGoodJob(input.lastRestoreTest) ? 100 : 0,
    headroom: headroom(input.facts),
  };
  if (!input.hasReported) {
    return { score: 0, status: 'unknown', parts, caps: ['never reported'], breakdown: [{ factor: 'never_reported', impact: -100, detail: 'no job has ever been reported' }] };
  }
  // A part that cannot be known gives its weight to the others.
  let sum = 0;
  let weight = 0;
  const known: PartKey[] = [];
  for (const k of Object.keys(WEIGHTS) as PartKey[]) {
    const v = parts[k];
    if (v === null) continue;
    sum += v * WEIGHTS[k];
    weight += WEIGHTS[k];
    known.push(k);
  }
  let score = weight === 0 ? 100 : Math.round(sum / weight);
  const details: Record<PartKey, () => string> = {
    recency: () => recencyDetail(input.protecting, input.slaBreached, input.now),
    success: () => successDetail(input.recentJobs),
    restore: () => 'the last restore test failed',
    headroom: () => headroomDetail(input.facts),
  };
  const lost = apportion(known.map((k) => ((100 - parts[k]!) * WEIGHTS[k]) / weight), 100 - score);
  const breakdown: ScoreImpact[] = known.map((k, i) => ({ factor: PART_FACTOR[k], impact: -lost[i]!, detail: details[k]() }));

  const caps: string[] = [];
  const cap = (max: number, why: string) => {
    if (score > max) {
      breakdown.push({ factor: 'cap', impact: max - score, detail: `${why}: capped at ${max}` });
      score = max;
      caps.push(why);
    }
  };
  const checks = input.protecting;
  if (checks.some((c) => c.consecutiveFailures >= 3)) cap(69, '3 or more consecutive failures');
  if (checks.some((c) => c.state === 'overdue' && c.nextDueAt !== null && input.now - c.nextDueAt > 48 * HOUR)) cap(69, 'more than 48 h past due');
  if (input.lastRestoreTest && isFailureJob(input.lastRestoreTest)) cap(69, 'the last restore test failed');
  if (checks.some((c) => c.consecutiveFailures > 0)) cap(89, 'recent failures');
  if (checks.some((c) => c.state === 'late' || c.state === 'overdue')) cap(89, 'late');
  if (input.slaBreached) cap(89, 'no good backup within the SLA');
  const storage = input.storageWarnings ?? [];
  if (storage.length > 0) cap(89, `storage warning (${storage.join('; ')})`);
  if (score < 1) {
    // A device that has reported scores at least 1: the point goes back to the largest loss.
    const largest = breakdown.reduce((a, b) => (b.impact < a.impact ? b : a));
    largest.impact += 1 - score;
    score = 1;
  }
  return { score, status: bandOf(score), parts, caps, breakdown: breakdown.filter((b) => b.impact < 0) };
}
