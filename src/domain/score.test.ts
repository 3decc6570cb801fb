import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceFactsInfo, HistoryJob } from './history.js';
import type { CheckEvaluation } from './rules/checks.js';
import { bandOf, healthScore, type ScoreInput } from './score.js';
import { check, DAY, evaluate, every, HOUR, job, series, snapshot, T0 } from './test-factories.js';

const noFacts: DeviceFactsInfo = { storageUsedBytes: null, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null, updatedAt: null };

function checkEvaluation(overrides: Partial<CheckEvaluation> = {}): CheckEvaluation {
  return {
    id: 'chk-backup',
    state: 'up',
    lastJobAt: T0,
    lastGoodAt: T0,
    lastStatus: 'succeeded',
    consecutiveFailures: 0,
    nextDueAt: T0 + DAY,
    overdueSince: null,
    lastSource: 'veeam',
    schedule: every(24),
    scheduleInferred: false,
    ...overrides,
  };
}

function input(overrides: Partial<ScoreInput> = {}): ScoreInput {
  return { hasReported: true, protecting: [checkEvaluation()], recentJobs: [], lastRestoreTest: null, facts: noFacts, slaBreached: false, now: T0 + HOUR, ...overrides };
}

const nightly = (statuses: HistoryJob['status'][]) => statuses.map((status, i) => job({ at: T0 - (statuses.length - 1 - i) * DAY, status }));
const restore = (status: HistoryJob['status']) => job({ checkId: 'chk-restore', operation: 'verification', status, at: T0 });

describe('health score bands', () => {
  it('maps scores to bands: 0 unknown, 1–69 critical, 70–89 warning, 90–100 healthy', () => {
    expect([0, 1, 69, 70, 89, 90, 100].map(bandOf)).toEqual(['unknown', 'critical', 'critical', 'warning', 'warning', 'healthy', 'healthy']);
  });

  it('scores a device that never reported 0, unknown', () => {
    const e = evaluate(snapshot({ checks: [check({ schedule: every(24) })] }), T0 + 3 * DAY);
    expect(e.score).toMatchObject({ score: 0, status: 'unknown' });
    expect(e.status).toBe('unknown');
  });
});

describe('through the evaluation', () => {
  const daily = check({ schedule: every(24) });

  it('scores a device whose backups are all good and on time at least 90 (healthy)', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: series(7, T0, DAY) }), T0 + 6 * DAY + HOUR);
    expect(e.score.score).toBeGreaterThanOrEqual(90);
    expect(e.status).toBe('healthy');
  });

  it('scores 100 when everything it reports is good, whatever it does not report', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: series(7, T0, DAY) }), T0 + 6 * DAY + HOUR);
    expect(e.score).toMatchObject({ score: 100, parts: { recency: 100, success: 100, restore: null, headroom: null } });
  });

  it('keeps a device with a failure at 89 or less (warning)', () => {
    const e = evaluate(snapshot({ checks: [daily], jobs: [...series(7, T0, DAY), job({ at: T0 + 6 * DAY + HOUR, status: 'failed' })] }), T0 + 6 * DAY + 2 * HOUR);
    expect(e.score.score).toBeLessThanOrEqual(89);
    expect(e.score.score).toBeGreaterThanOrEqual(70);
    expect(e.status).toBe('warning');
  });

  it('keeps a device with 3 consecutive failures at 69 or less (critical)', () => {
    const fails = [1, 2, 3].map((h) => job({ at: T0 + 6 * DAY + h * HOUR, status: 'failed' }));
    const e = evaluate(snapshot({ checks: [daily], jobs: [...series(7, T0, DAY), ...fails] }), T0 + 6 * DAY + 4 * HOUR);
    expect(e.score.score).toBeLessThanOrEqual(69);
    expect(e.status).toBe('critical');
    expect(e.score.caps).toContain('3 or more consecutive failures');
  });

  it('keeps a device whose last restore test failed at 69 or less', () => {
    const restoreCheck = check({ id: 'chk-restore', kind: 'verification' });
    const jobs = [...series(7, T0, DAY), job({ checkId: 'chk-restore', operation: 'verification', status: 'failed', at: T0 + 6 * DAY })];
    const e = evaluate(snapshot({ checks: [daily, restoreCheck], jobs }), T0 + 6 * DAY + HOUR);
    expect(e.score.score).toBeLessThanOrEqual(69);
    expect(e.score.parts.restore).toBe(0);
  });

  it('keeps a device more than 48 h past due at 69 or less', () => {
    const e = evaluate(snapshot({ device: { class: 'workstation' }, checks: [daily], jobs: [job({ at: T0 })] }), T0 + 3 * DAY + 1);
    expect(e.score.score).toBeLessThanOrEqual(69);
    expect(e.score.parts.recency).toBe(20);
    expect(e.status).toBe('critical');
  });

  it('ignores paused checks and restore tests when judging recency', () => {
    const paused = check({ id: 'chk-old', schedule: every(1), paused: true });
    const e = evaluate(snapshot({ checks: [daily, paused], jobs: [...series(3, T0, DAY), job({ checkId: 'chk-old', at: T0 })] }), T0 + 2 * DAY + HOUR);
    expect(e.score.parts.recency).toBe(100);
  });

  it('scores at least 1 once the device has reported', () => {
    const restoreOnly = check({ id: 'chk-restore', kind: 'verification' });
    const e = evaluate(snapshot({ checks: [restoreOnly], jobs: [job({ checkId: 'chk-restore', status: 'failed', at: T0 })] }), T0 + HOUR);
    expect(e.score.score).toBe(1);
    expect(e.status).toBe('critical');
  });
});

describe('parts', () => {
  it('rates recency up 100, late 85, overdue from 60 falling to 30 over 48 h past due, then 20', () => {
    const rec = (c: Partial<CheckEvaluation>, now = T0 + DAY) => healthScore(input({ protecting: [checkEvaluation(c)], now })).parts.recency;
    expect(rec({ state: 'up' })).toBe(100);
    expect(rec({ state: 'late' })).toBe(85);
    expect(rec({ state: 'overdue', nextDueAt: T0 + DAY })).toBe(60);
    expect(rec({ state: 'overdue', nextDueAt: T0 }, T0 + DAY)).toBe(45);
    expect(rec({ state: 'overdue', nextDueAt: T0 }, T0 + 2 * DAY)).toBe(30);
    expect(rec({ state: 'overdue', nextDueAt: T0 }, T0 + 2 * DAY + 1)).toBe(20);
  });

  it('rates an unscheduled check 100 once it ran well, else 50, and takes the worst check', () => {
    const unscheduled = (lastGoodAt: number | null) => checkEvaluation({ schedule: null, nextDueAt: null, lastGoodAt });
    expect(healthScore(input({ protecting: [unscheduled(T0)] })).parts.recency).toBe(100);
    expect(healthScore(input({ protecting: [unscheduled(null)] })).parts.recency).toBe(50);
    expect(healthScore(input({ protecting: [checkEvaluation(), checkEvaluation({ state: 'late' })] })).parts.recency).toBe(85);
  });

  it('caps recency at 50 while the SLA is broken', () => {
    expect(healthScore(input({ slaBreached: true })).parts.recency).toBe(50);
  });

  it('rates success as good ÷ (good + failed)', () => {
    const jobs = nightly(['succeeded', 'failed', 'warning', 'partial']);
    expect(healthScore(input({ recentJobs: jobs })).parts.success).toBe(50);
  });

  it('rates the restore test 100 when it passed, 0 when it failed', () => {
    expect(healthScore(input({ lastRestoreTest: restore('succeeded') })).parts.restore).toBe(100);
    expect(healthScore(input({ lastRestoreTest: restore('failed') })).parts.restore).toBe(0);
  });

  it('rates headroom by quota (100 up to 80 % used, 0 at 100 %) or else by free space (100 from 20 %, 0 at 5 %)', () => {
    const head = (f: Partial<DeviceFactsInfo>) => healthScore(input({ facts: { ...noFacts, ...f } })).parts.headroom;
    expect(head({ storageUsedBytes: 80, storageQuotaBytes: 100 })).toBe(100);
    expect(head({ storageUsedBytes: 90, storageQuotaBytes: 100 })).toBe(50);
    expect(head({ storageUsedBytes: 100, storageQuotaBytes: 100 })).toBe(0);
    expect(head({ freeSpacePercent: 25 })).toBe(100);
    expect(head({ freeSpacePercent: 12.5 })).toBe(50);
    expect(head({ freeSpacePercent: 5 })).toBe(0);
    expect(head({ storageUsedBytes: 50, storageQuotaBytes: 100, freeSpacePercent: 1 })).toBe(100);
    expect(head({})).toBeNull();
  });
});

describe('weights and caps', () => {
  it('scores 100 when all good, on time, restore test passed and half the quota used', () => {
    const s = healthScore(input({ recentJobs: nightly(['succeeded', 'succeeded']), lastRestoreTest: restore('succeeded'), facts: { ...noFacts, storageUsedBytes: 50, storageQuotaBytes: 100 } }));
    expect(s).toMatchObject({ score: 100, status: 'healthy', caps: [] });
  });

  it('gives the weight of missing parts to the others (docs example: 5 of 7 nightly backups good → 87, warning)', () => {
    const jobs = nightly(['succeeded', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed']);
    const s = healthScore(input({ protecting: [checkEvaluation({ consecutiveFailures: 1 })], recentJobs: jobs }));
    // recency 100 × 40 + success 71.4 × 35, over 75.
    expect(s).toMatchObject({ score: 87, status: 'warning' });
  });

  it('weighs recency 40, success 35, restore 15 and headroom 10', () => {
    const s = healthScore(input({
      protecting: [checkEvaluation({ state: 'late' })],
      recentJobs: nightly(['succeeded', 'failed']),
      lastRestoreTest: restore('succeeded'),
      facts: { ...noFacts, freeSpacePercent: 5 },
    }));
    // (85 × 40 + 50 × 35 + 100 × 15 + 0 × 10) / 100 = 66.5 → 67
    expect(s.score).toBe(67);
  });

  it('caps one or two recent failures at 89', () => {
    const s = healthScore(input({ protecting: [checkEvaluation({ consecutiveFailures: 1 })], recentJobs: nightly(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed']) }));
    expect(s.score).toBe(89);
    expect(s.caps).toEqual(['recent failures']);
  });

  it('caps 3 consecutive failures at 69', () => {
    expect(healthScore(input({ protecting: [checkEvaluation({ consecutiveFailures: 3 })] })).score).toBe(69);
  });

  it('caps a late check at 89 and an SLA breach at 89', () => {
    expect(healthScore(input({ protecting: [checkEvaluation({ state: 'late' })] })).score).toBeLessThanOrEqual(89);
    expect(healthScore(input({ slaBreached: true, recentJobs: nightly(['succeeded']) })).score).toBeLessThanOrEqual(89);
  });

  it('caps a failed restore test at 69 even when everything else is perfect', () => {
    const s = healthScore(input({ recentJobs: nightly(['succeeded', 'succeeded']), lastRestoreTest: restore('failed'), facts: { ...noFacts, freeSpacePercent: 50 } }));
    expect(s.score).toBeLessThanOrEqual(69);
    expect(s.status).toBe('critical');
  });

  it('answers 0 and unknown for a device that never reported, whatever else it knows', () => {
    expect(healthScore(input({ hasReported: false }))).toMatchObject({ score: 0, status: 'unknown' });
  });
});


describe('the breakdown: why the score is what it is', () => {
  const statuses: HistoryJob['status'][] = ['succeeded', 'failed', 'warning', 'partial', 'cancelled'];
  const arbCheck = fc.record({
    state: fc.constantFrom('up', 'late', 'overdue' as const),
    pastDueMs: fc.integer({ min: 0, max: 5 * DAY }),
    consecutiveFailures: fc.integer({ min: 0, max: 5 }),
    scheduled: fc.boolean(),
    everGood: fc.boolean(),
  });
  const arbInput = fc.record({
    hasReported: fc.boolean(),
    checks: fc.array(arbCheck, { maxLength: 3 }),
    jobs: fc.array(fc.constantFrom(...statuses), { maxLength: 20 }),
    restore: fc.constantFrom(null, 'succeeded', 'failed' as const),
    used: fc.option(fc.double({ min: 0, max: 1.2, noNaN: true })),
    free: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    slaBreached: fc.boolean(),
    storageWarnings: fc.array(fc.constantFrom('storage 97.5 % of quota used', '2 % free and nothing can be purged under retention'), { maxLength: 2 }),
  });

  it('has negative whole-point impacts that add up to exactly score − 100, for any input', () => {
    fc.assert(
      fc.property(arbInput, (a) => {
        const now = T0 + 10 * DAY;
        const s = healthScore({
          hasReported: a.hasReported,
          protecting: a.checks.map((c, i) =>
            checkEvaluation({
              id: `chk-${i}`,
              state: c.state,
              nextDueAt: now - c.pastDueMs,
              consecutiveFailures: c.consecutiveFailures,
              schedule: c.scheduled ? every(24) : null,
              lastGoodAt: c.everGood ? T0 : null,
            }),
          ),
          recentJobs: nightly(a.jobs),
          lastRestoreTest: a.restore === null ? null : restore(a.restore),
          facts: { ...noFacts, storageUsedBytes: a.used === null ? null : Math.round(a.used * 1000), storageQuotaBytes: a.used === null ? null : 1000, freeSpacePercent: a.free },
          slaBreached: a.slaBreached,
          storageWarnings: a.storageWarnings,
          now,
        });
        expect(s.breakdown.reduce((sum, b) => sum + b.impact, 0)).toBe(s.score - 100);
        for (const b of s.breakdown) {
          expect(Number.isInteger(b.impact)).toBe(true);
          expect(b.impact).toBeLessThan(0);
          expect(b.detail).not.toBe('');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is empty at 100', () => {
    expect(healthScore(input({ recentJobs: nightly(['succeeded']) })).breakdown).toEqual([]);
  });

  it('says how many jobs succeeded, and names a cap that lowered the score', () => {
    const s = healthScore(input({ protecting: [checkEvaluation({ consecutiveFailures: 1 })], recentJobs: nightly(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed']) }));
    // (100 × 40 + 80 × 35) / 75 = 90.7 → 91, capped at 89.
    expect(s.breakdown).toEqual([
      { factor: 'success_rate', impact: -9, detail: '4 of 5 jobs succeeded in 7 days' },
      { factor: 'cap', impact: -2, detail: 'recent failures: capped at 89' },
    ]);
  });

  it('explains a device that never reported with one factor of −100', () => {
    expect(healthScore(input({ hasReported: false })).breakdown).toEqual([{ factor: 'never_reported', impact: -100, detail: 'no job has ever been reported' }]);
  });

  it('keeps the floor of 1 inside the breakdown', () => {
    const s = healthScore(input({ protecting: [], lastRestoreTest: restore('failed') }));
    expect(s.score).toBe(1);
    expect(s.breakdown).toEqual([{ factor: 'restore_test', impact: -99, detail: 'the last restore test failed' }]);
  });
});

describe('storage warnings', () => {
  it('lower a device that is otherwise healthy to warning (capped at 89)', () => {
    const facts = { ...noFacts, storageUsedBytes: 975, storageQuotaBytes: 1000 };
    const without = healthScore(input({ recentJobs: nightly(['succeeded']), facts }));
    const withWarning = healthScore(input({ recentJobs: nightly(['succeeded']), facts, storageWarnings: ['storage 97.5 % of quota used'] }));
    expect(without.score).toBe(90);
    expect(withWarning).toMatchObject({ score: 89, status: 'warning' });
    expect(withWarning.breakdown).toContainEqual({ factor: 'cap', impact: -1, detail: 'storage warning (storage 97.5 % of quota used): capped at 89' });
  });

  it('come from the storage alerts of the evaluation', () => {
    const daily = check({ schedule: every(24) });
    const snap = snapshot({ checks: [daily], jobs: series(7, T0, DAY) });
    snap.device.facts = { ...noFacts, storageUsedBytes: 975, storageQuotaBytes: 1000 };
    const e = evaluate(snap, T0 + 6 * DAY + HOUR);
    expect(e.score.score).toBe(89);
    expect(e.status).toBe('warning');
  });
});
