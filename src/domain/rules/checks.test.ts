import { describe, expect, it } from 'vitest';
import type { HistoryJob } from '../history.js';
import { mergeConfig } from '../settings.js';
import { check, checkEval, conditionOf, DAY, evaluate, HOUR, job, MB, MINUTE, series, snapshot, T0, typesOf } from '../test-factories.js';

describe('job_failed', () => {
  const failures = (n: number, from = T0 + HOUR, status: HistoryJob['status'] = 'failed') =>
    Array.from({ length: n }, (_, i) => job({ at: from + i * HOUR, status }));

  it('raises job_failed as warning on the first failure and critical from the third', () => {
    const one = evaluate(snapshot({ jobs: failures(1) }), T0 + 2 * HOUR);
    expect(conditionOf(one, 'job_failed')).toMatchObject({ scope: 'check', scopeId: 'chk-backup', severity: 'warning', since: T0 + HOUR });
    const two = evaluate(snapshot({ jobs: failures(2) }), T0 + 3 * HOUR);
    expect(conditionOf(two, 'job_failed')).toMatchObject({ severity: 'warning', since: T0 + HOUR, detail: { consecutive_failures: 2 } });
    const three = evaluate(snapshot({ jobs: failures(3) }), T0 + 4 * HOUR);
    expect(conditionOf(three, 'job_failed')).toMatchObject({ severity: 'critical', since: T0 + HOUR, detail: { consecutive_failures: 3 } });
    expect(checkEval(three).consecutiveFailures).toBe(3);
  });

  it('counts a partial run as a failure', () => {
    const e = evaluate(snapshot({ jobs: failures(3, T0 + HOUR, 'partial') }), T0 + 4 * HOUR);
    expect(conditionOf(e, 'job_failed')).toMatchObject({ severity: 'critical' });
    expect(conditionOf(e, 'job_failed')?.title).toContain('partly failed');
  });

  it('counts a run cancelled without a user reason as a failure', () => {
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR, status: 'cancelled' })] }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'job_failed')).toMatchObject({ severity: 'warning' });
  });

  it('ignores runs cancelled by a user and runs skipped for a concurrent job: they neither count nor break the run of failures', () => {
    const jobs = [
      job({ at: T0 + 1 * HOUR, status: 'failed' }),
      job({ at: T0 + 2 * HOUR, status: 'cancelled', reason: 'cancelled_by_user' }),
      job({ at: T0 + 3 * HOUR, status: 'failed' }),
      job({ at: T0 + 4 * HOUR, status: 'skipped', reason: 'concurrent_job' }),
      job({ at: T0 + 5 * HOUR, status: 'failed' }),
      job({ at: T0 + 6 * HOUR, status: 'cancelled', reason: 'cancelled_by_user' }),
    ];
    const e = evaluate(snapshot({ jobs }), T0 + 7 * HOUR);
    expect(conditionOf(e, 'job_failed')).toMatchObject({ severity: 'critical', since: T0 + HOUR, detail: { consecutive_failures: 3 } });
  });

  it('raises nothing when the only recent runs were cancelled by a user or skipped for a concurrent job', () => {
    const jobs = [
      job({ at: T0 + 1 * HOUR }),
      job({ at: T0 + 2 * HOUR, status: 'cancelled', reason: 'cancelled_by_user' }),
      job({ at: T0 + 3 * HOUR, status: 'skipped', reason: 'concurrent_job' }),
    ];
    expect(typesOf(evaluate(snapshot({ jobs }), T0 + 4 * HOUR))).toEqual([]);
  });

  it('clears on the next good run', () => {
    const e = evaluate(snapshot({ jobs: [...failures(3), job({ at: T0 + 5 * HOUR })] }), T0 + 6 * HOUR);
    expect(conditionOf(e, 'job_failed')).toBeUndefined();
    expect(checkEval(e).consecutiveFailures).toBe(0);
  });

  it('is not cleared by a run that is still going, nor by a plain skipped run', () => {
    const jobs = [...failures(1), job({ at: T0 + 2 * HOUR, status: 'skipped' }), job({ at: T0 + 3 * HOUR, status: 'running' })];
    expect(conditionOf(evaluate(snapshot({ jobs }), T0 + 3 * HOUR + 1), 'job_failed')).toMatchObject({ severity: 'warning' });
  });

  it('becomes critical at the configured failure count', () => {
    const config = mergeConfig({ thresholds: { failure_critical_after: 2 } });
    expect(conditionOf(evaluate(snapshot({ jobs: failures(2) }), T0 + 3 * HOUR, config), 'job_failed')?.severity).toBe('critical');
  });

  it('starts from a configured base severity', () => {
    const config = mergeConfig({ severities: { job_failed: 'info' } });
    expect(conditionOf(evaluate(snapshot({ jobs: failures(1) }), T0 + 2 * HOUR, config), 'job_failed')?.severity).toBe('info');
    expect(conditionOf(evaluate(snapshot({ jobs: failures(3) }), T0 + 4 * HOUR, config), 'job_failed')?.severity).toBe('critical');
  });

  it('applies to copy and replication checks', () => {
    const copy = check({ id: 'chk-copy', kind: 'copy' });
    const repl = check({ id: 'chk-repl', kind: 'replication' });
    const jobs = [job({ checkId: 'chk-copy', status: 'failed', at: T0 + HOUR }), job({ checkId: 'chk-repl', status: 'failed', at: T0 + HOUR })];
    const e = evaluate(snapshot({ checks: [copy, repl], jobs }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'job_failed', 'chk-copy')).toBeDefined();
    expect(conditionOf(e, 'job_failed', 'chk-repl')).toBeDefined();
  });

  it('does not apply to SaaS backups (saas_degraded judges them) nor to restore tests (verification_failed)', () => {
    const saas = check({ id: 'chk-saas', kind: 'saas_backup' });
    const saasEval = evaluate(snapshot({ device: { class: 'saas' }, checks: [saas], jobs: failures(3).map((j) => ({ ...j, checkId: 'chk-saas' })) }), T0 + 4 * HOUR);
    expect(conditionOf(saasEval, 'job_failed')).toBeUndefined();
    const restore = check({ id: 'chk-restore', kind: 'verification' });
    const restoreEval = evaluate(snapshot({ checks: [restore], jobs: failures(3).map((j) => ({ ...j, checkId: 'chk-restore' })) }), T0 + 4 * HOUR);
    expect(conditionOf(restoreEval, 'job_failed')).toBeUndefined();
    expect(conditionOf(restoreEval, 'verification_failed')).toBeDefined();
  });
});

describe('job_warning', () => {
  it('raises a warning when the latest relevant run finished with warnings', () => {
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR, status: 'failed' }), job({ at: T0 + 2 * HOUR, status: 'warning' })] }), T0 + 3 * HOUR);
    expect(typesOf(e)).toEqual(['job_warning']);
    expect(conditionOf(e, 'job_warning')).toMatchObject({ severity: 'warning', since: T0 + 2 * HOUR });
  });

  it('clears when a clean run follows, and is replaced by job_failed when a failure follows', () => {
    const warned = job({ at: T0 + HOUR, status: 'warning' });
    expect(typesOf(evaluate(snapshot({ jobs: [warned, job({ at: T0 + 2 * HOUR })] }), T0 + 3 * HOUR))).toEqual([]);
    expect(typesOf(evaluate(snapshot({ jobs: [warned, job({ at: T0 + 2 * HOUR, status: 'failed' })] }), T0 + 3 * HOUR))).toEqual(['job_failed']);
  });

  it('is not raised for a SaaS check', () => {
    const saas = check({ id: 'chk-saas', kind: 'saas_backup' });
    const e = evaluate(snapshot({ device: { class: 'saas' }, checks: [saas], jobs: [job({ checkId: 'chk-saas', status: 'warning' })] }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'job_warning')).toBeUndefined();
  });
});

describe('verification_failed', () => {
  const restore = check({ id: 'chk-restore', kind: 'verification', name: 'Restore test' });
  const rt = (status: HistoryJob['status'], h: number) => job({ checkId: 'chk-restore', operation: 'verification', status, at: T0 + h * HOUR });

  it('raises a critical alert when the latest restore test failed', () => {
    const e = evaluate(snapshot({ checks: [restore], jobs: [rt('succeeded', 1), rt('failed', 2)] }), T0 + 3 * HOUR);
    expect(typesOf(e)).toEqual(['verification_failed']);
    expect(conditionOf(e, 'verification_failed')).toMatchObject({ scopeId: 'chk-restore', severity: 'critical', since: T0 + 2 * HOUR });
  });

  it('clears when the next restore test passes', () => {
    expect(typesOf(evaluate(snapshot({ checks: [restore], jobs: [rt('failed', 1), rt('succeeded', 2)] }), T0 + 3 * HOUR))).toEqual([]);
  });
});

describe('replication_unhealthy', () => {
  const repl = check({ id: 'chk-repl', kind: 'replication', name: 'Replica' });
  const report = (h: number, replication: HistoryJob['healthReplication'], failover: HistoryJob['healthFailover']) =>
    job({ checkId: 'chk-repl', operation: 'replication', at: T0 + h * HOUR, healthReplication: replication, healthFailover: failover });

  it('raises a warning when replication or failover health is warning', () => {
    const e = evaluate(snapshot({ checks: [repl], jobs: [report(1, 'normal', 'warning')] }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'replication_unhealthy')).toMatchObject({ scopeId: 'chk-repl', severity: 'warning' });
  });

  it('is critical when either health is critical', () => {
    const e = evaluate(snapshot({ checks: [repl], jobs: [report(1, 'critical', 'warning')] }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'replication_unhealthy')?.severity).toBe('critical');
  });

  it('judges the newest job that reports health, skipping jobs that report none', () => {
    const healthy = evaluate(snapshot({ checks: [repl], jobs: [report(1, 'critical', 'critical'), report(2, 'normal', 'normal'), report(3, null, null)] }), T0 + 4 * HOUR);
    expect(conditionOf(healthy, 'replication_unhealthy')).toBeUndefined();
    const sick = evaluate(snapshot({ checks: [repl], jobs: [report(1, 'normal', 'normal'), report(2, 'warning', 'normal'), report(3, null, null)] }), T0 + 4 * HOUR);
    expect(conditionOf(sick, 'replication_unhealthy')).toMatchObject({ severity: 'warning' });
  });
});

describe('size_anomaly', () => {
  // Five earlier good runs of 100 MB taking 30 minutes each, then the latest.
  const history = (latest: Partial<HistoryJob>, earlier = 5) => [
    ...series(earlier, T0 + HOUR, DAY, { bytes: 100 * MB, durationMs: 30 * MINUTE }),
    job({ at: T0 + HOUR + earlier * DAY, bytes: 100 * MB, durationMs: 30 * MINUTE, ...latest }),
  ];
  const anomalyAfter = (latest: Partial<HistoryJob>, earlier = 5, kind: 'backup' | 'copy' | 'saas_backup' | 'verification' | 'replication' = 'backup') => {
    const c = check({ kind });
    const jobs = history(latest, earlier);
    return conditionOf(evaluate(snapshot({ device: { class: kind === 'saas_backup' ? 'saas' : 'server' }, checks: [c], jobs }), jobs[jobs.length - 1]!.occurredAt + MINUTE), 'size_anomaly');
  };

  it('flags a run 80 % smaller than usual', () => {
    expect(anomalyAfter({ bytes: 20 * MB })).toMatchObject({ scope: 'check', scopeId: 'chk-backup', severity: 'warning' });
    expect(anomalyAfter({ bytes: 21 * MB })).toBeUndefined();
  });

  it('flags a run 5 times bigger than usual', () => {
    expect(anomalyAfter({ bytes: 500 * MB })).toMatchObject({ severity: 'warning' });
    expect(anomalyAfter({ bytes: 499 * MB })).toBeUndefined();
  });

  it('flags a run that took a tenth of the usual time', () => {
    expect(anomalyAfter({ durationMs: 3 * MINUTE })).toMatchObject({ severity: 'warning' });
    expect(anomalyAfter({ durationMs: 4 * MINUTE })).toBeUndefined();
  });

  it('does not judge durations when the usual run is shorter than a minute', () => {
    const jobs = [...series(5, T0 + HOUR, DAY, { durationMs: 50_000 }), job({ at: T0 + HOUR + 5 * DAY, durationMs: 1_000 })];
    expect(conditionOf(evaluate(snapshot({ jobs }), T0 + 6 * DAY), 'size_anomaly')).toBeUndefined();
  });

  it('needs 5 earlier good runs to compare with', () => {
    expect(anomalyAfter({ bytes: 1 * MB }, 4)).toBeUndefined();
    expect(anomalyAfter({ bytes: 1 * MB }, 5)).toBeDefined();
  });

  it('compares with the median of at most the 10 previous good runs', () => {
    // Old runs of 1 MB followed by ten of 100 MB: a 100 MB run is normal.
    const jobs = [
      ...series(10, T0 + HOUR, HOUR, { bytes: 1 * MB }),
      ...series(10, T0 + 11 * HOUR, HOUR, { bytes: 100 * MB }),
      job({ at: T0 + 21 * HOUR, bytes: 100 * MB }),
    ];
    expect(conditionOf(evaluate(snapshot({ jobs }), T0 + 22 * HOUR), 'size_anomaly')).toBeUndefined();
  });

  it('applies to copy and SaaS checks, not to restore tests or replication', () => {
    expect(anomalyAfter({ bytes: 1 * MB }, 5, 'copy')).toBeDefined();
    expect(anomalyAfter({ bytes: 1 * MB }, 5, 'saas_backup')).toBeDefined();
    expect(anomalyAfter({ bytes: 1 * MB }, 5, 'verification')).toBeUndefined();
    expect(anomalyAfter({ bytes: 1 * MB }, 5, 'replication')).toBeUndefined();
  });

  it('clears when the next good run is normal again', () => {
    const jobs = [...history({ bytes: 1 * MB }), job({ at: T0 + HOUR + 6 * DAY, bytes: 100 * MB, durationMs: 30 * MINUTE })];
    expect(conditionOf(evaluate(snapshot({ jobs }), T0 + 7 * DAY), 'size_anomaly')).toBeUndefined();
  });
});
