// The health score (0–100) and its band. See docs/health-score.md for the weights and caps.
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
  now: number;
}

export interface Score {
  score: number;
  status: DeviceStatus;
  parts: { recency: number | null; success: number | null; restore: number | null; headroom: number | null };
  caps: string[];
}

function recency(checks: CheckEvaluation[], slaBreached: boolean, now: number): number | null {
  if (checks.length === 0) return null;
  let worst = 100;
  for (const c of checks) {
    let r = 100;
    if (c.state === 'late') r = 85;
    else if (c.state === 'overdue' && c.nextDueAt !== null) {
      const pastDue = now - c.nextDueAt;
      r = pastDue > 48 * HOUR ? 20 : 60 - 30 * (pastDue / (48 * HOUR));
    } else if (c.schedule === null && c.lastGoodAt === null) r = 50;
    worst = Math.min(worst, r);
  }
  return slaBreached ? Math.min(worst, 50) : worst;
}

function successRate(jobs: HistoryJob[]): number | null {
  const judged = jobs.filter((j) => isGoodJob(j) || isFailureJob(j));
  if (judged.length === 0) return null;
  return (judged.filter(isGoodJob).length / judged.length) * 100;
}

function headroom(f: DeviceFactsInfo): number | null {
  if (f.storageUsedBytes !== null && f.storageQuotaBytes !== null && f.storageQuotaBytes > 0) {
    const used = (f.storageUsedBytes / f.storageQuotaBytes) * 100;
    return used <= 80 ? 100 : Math.max(0, 100 - ((used - 80) / 20) * 100);
  }
  if (f.freeSpacePercent !== null) {
    const free = f.freeSpacePercent;
    return free >= 20 ? 100 : free <= 5 ? 0 : ((free - 5) / 15) * 100;
  }
  return null;
}

export function bandOf(score: number): DeviceStatus {
  if (score === 0) return 'unknown';
  if (score >= 90) return 'healthy';
  if (score >= 70) return 'warning';
  return 'critical';
}

export function healthScore(input: ScoreInput): Score {
  const parts = {
    recency: recency(input.protecting, input.slaBreached, input.now),
    success: successRate(input.recentJobs),
    restore: input.lastRestoreTest === null ? null : isGoodJob(input.lastRestoreTest) ? 100 : 0,
    headroom: headroom(input.facts),
  };
  if (!input.hasReported) return { score: 0, status: 'unknown', parts, caps: ['never reported'] };
  // A part that cannot be known gives its weight to the others.
  let sum = 0;
  let weight = 0;
  for (const k of Object.keys(WEIGHTS) as Array<keyof typeof WEIGHTS>) {
    const v = parts[k];
    if (v === null) continue;
    sum += v * WEIGHTS[k];
    weight += WEIGHTS[k];
  }
  let score = weight === 0 ? 100 : Math.round(sum / weight);
  const caps: string[] = [];
  const cap = (max: number, why: string) => {
    if (score > max) {
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
  score = Math.max(1, score);
  return { score, status: bandOf(score), parts, caps };
}
