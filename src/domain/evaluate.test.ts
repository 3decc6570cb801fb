import { describe, expect, it } from 'vitest';
import type { DeviceEvaluation } from './evaluate.js';
import type { DeviceSnapshot, HistoryJob } from './history.js';
import { type AlertType, mergeConfig } from './settings.js';
import { check, checkEval, conditionOf, cron, DAY, evaluate, every, HOUR, job, MB, MINUTE, oneOffWindow, series, snapshot, T0, typesOf } from './test-factories.js';

const backup = check({ id: 'chk-backup', kind: 'backup', name: 'Nightly' });
const hotCopy = check({ id: 'chk-copy', kind: 'copy', tier: 'hot', name: 'Offsite copy' });
const coldCopy = check({ id: 'chk-tape', kind: 'copy', tier: 'cold', name: 'Tape' });
const restoreTest = check({ id: 'chk-restore', kind: 'verification', name: 'Restore test' });
const replica = check({ id: 'chk-repl', kind: 'replication', name: 'Replica' });
const saasCheck = check({ id: 'chk-saas', kind: 'saas_backup', name: 'Mailboxes' });

const saasJob = (spec: Partial<HistoryJob> & { at: number }) => job({ checkId: 'chk-saas', source: 'm365', operation: 'backup', ...spec });
const saasSnap = (jobs: HistoryJob[], checks = [saasCheck]) => snapshot({ device: { class: 'saas', name: 'Contoso M365', type: 'm365_tenant' }, checks, jobs });

describe('retirement (source_deleted)', () => {
  const deleted = job({ at: T0 + 3 * HOUR, status: 'failed', reason: 'source_deleted' });
  const before = [job({ at: T0 + HOUR, status: 'failed' }), job({ at: T0 + 2 * HOUR, status: 'failed' })];

  it('retires the device when its latest finished job failed with source_deleted, and drops all conditions', () => {
    const e = evaluate(snapshot({ checks: [check({ schedule: every(24) })], jobs: [...before, deleted] }), T0 + 20 * DAY);
    expect(e.status).toBe('retired');
    expect(e.retiredAt).toBe(T0 + 3 * HOUR);
    expect(e.conditions).toEqual([]);
    expect(e.compliant).toBeNull();
  });

  it('stays retired while a later job is still running', () => {
    const e = evaluate(snapshot({ jobs: [...before, deleted, job({ at: T0 + 4 * HOUR, status: 'running' })] }), T0 + 5 * HOUR);
    expect(e.status).toBe('retired');
  });

  it('comes back with a later finished job', () => {
    const e = evaluate(snapshot({ jobs: [...before, deleted, job({ at: T0 + 4 * HOUR, status: 'failed' })] }), T0 + 5 * HOUR);
    expect(e.status).not.toBe('retired');
    expect(e.retiredAt).toBeNull();
    expect(conditionOf(e, 'job_failed')?.severity).toBe('critical');
  });

  it('does not count the source_deleted job as a failure of the check', () => {
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR);
    expect(checkEval(e).consecutiveFailures).toBe(0);
    const back = evaluate(snapshot({ jobs: [deleted, job({ at: T0 + 4 * HOUR, status: 'failed' })] }), T0 + 5 * HOUR);
    expect(checkEval(back).consecutiveFailures).toBe(1);
  });
});

describe('backup_overdue', () => {
  const good = job({ at: T0 + HOUR });

  it('is raised as critical for a server without a good backup for more than 12 h', () => {
    expect(conditionOf(evaluate(snapshot({ jobs: [good] }), T0 + 13 * HOUR - 1), 'backup_overdue')).toBeUndefined();
    const e = evaluate(snapshot({ jobs: [good] }), T0 + 13 * HOUR + 1);
    expect(conditionOf(e, 'backup_overdue')).toMatchObject({ scope: 'device', scopeId: 'dev-1', checkId: null, severity: 'critical', since: T0 + 13 * HOUR });
  });

  it('clears with the next good backup', () => {
    const e = evaluate(snapshot({ jobs: [good, job({ at: T0 + 20 * HOUR })] }), T0 + 21 * HOUR);
    expect(conditionOf(e, 'backup_overdue')).toBeUndefined();
  });

  it('gives a workstation 24 h', () => {
    const snap = snapshot({ device: { class: 'workstation', name: 'LAPTOP-7' }, jobs: [good] });
    expect(conditionOf(evaluate(snap, T0 + 25 * HOUR - 1), 'backup_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 25 * HOUR), 'backup_overdue')).toMatchObject({ severity: 'critical', since: T0 + 25 * HOUR });
  });

  it('is never raised for a device that has not reported yet', () => {
    const e = evaluate(snapshot({ checks: [check({ schedule: every(24) })] }), T0 + 30 * DAY);
    expect(e.conditions).toEqual([]);
  });

  it('counts from first seen when the device reported but never backed up well', () => {
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR, status: 'failed' })] }), T0 + 12 * HOUR + 1);
    expect(conditionOf(e, 'backup_overdue')).toMatchObject({ since: T0 + 12 * HOUR, detail: { last_good_at: null } });
  });

  it('counts a device that reported only before the history window as having reported', () => {
    const e = evaluate(snapshot({ lastBefore: T0 - 50 * DAY, device: { createdAt: T0 - 60 * DAY } }), T0);
    expect(conditionOf(e, 'backup_overdue')).toBeDefined();
  });

  it('is not satisfied by a good copy', () => {
    const e = evaluate(snapshot({ checks: [backup, hotCopy], jobs: [good, job({ checkId: 'chk-copy', operation: 'copy', at: T0 + 10 * HOUR })] }), T0 + 14 * HOUR);
    expect(conditionOf(e, 'backup_overdue')).toBeDefined();
  });

  it('ignores paused backup checks', () => {
    const e = evaluate(snapshot({ checks: [check({ paused: true })], jobs: [good] }), T0 + 5 * DAY);
    expect(conditionOf(e, 'backup_overdue')).toBeUndefined();
  });

  it('follows the configured SLA', () => {
    const config = mergeConfig({ thresholds: { sla_hours: { server: 30 } } });
    expect(conditionOf(evaluate(snapshot({ jobs: [good] }), T0 + 20 * HOUR, config), 'backup_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snapshot({ jobs: [good] }), T0 + 31 * HOUR + 1, config), 'backup_overdue')).toBeDefined();
  });

  it('is not raised for SaaS devices (saas_overdue is)', () => {
    const e = evaluate(saasSnap([saasJob({ at: T0 + HOUR })]), T0 + 3 * DAY);
    expect(conditionOf(e, 'backup_overdue')).toBeUndefined();
  });
});

describe('copy_overdue', () => {
  const good = job({ at: T0 + HOUR });

  it('is raised as a warning when a hot copy has not followed a backup within 4 h', () => {
    const snap = snapshot({ checks: [backup, hotCopy], jobs: [good] });
    expect(conditionOf(evaluate(snap, T0 + 5 * HOUR - 1), 'copy_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 5 * HOUR), 'copy_overdue')).toMatchObject({ scope: 'check', scopeId: 'chk-copy', checkId: 'chk-copy', severity: 'warning', since: T0 + 5 * HOUR });
  });

  it('is satisfied by a good copy ending after the backup', () => {
    const copy = job({ checkId: 'chk-copy', operation: 'copy', at: T0 + 3 * HOUR });
    expect(conditionOf(evaluate(snapshot({ checks: [backup, hotCopy], jobs: [good, copy] }), T0 + 10 * HOUR), 'copy_overdue')).toBeUndefined();
  });

  it('is not satisfied by a copy that ended before the backup, or a failed one after it', () => {
    const early = job({ checkId: 'chk-copy', operation: 'copy', at: T0 + HOUR - 1 });
    const failed = job({ checkId: 'chk-copy', operation: 'copy', at: T0 + 2 * HOUR, status: 'failed' });
    expect(conditionOf(evaluate(snapshot({ checks: [backup, hotCopy], jobs: [early, good, failed] }), T0 + 6 * HOUR), 'copy_overdue')).toBeDefined();
  });

  it('judges the latest backup whose window has passed', () => {
    const copy = job({ checkId: 'chk-copy', operation: 'copy', at: T0 + 2 * HOUR });
    const second = job({ at: T0 + 8 * HOUR });
    const snap = snapshot({ checks: [backup, hotCopy], jobs: [good, copy, second] });
    expect(conditionOf(evaluate(snap, T0 + 11 * HOUR), 'copy_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 12 * HOUR), 'copy_overdue')).toMatchObject({ since: T0 + 12 * HOUR });
  });

  it('is never raised for a cold copy', () => {
    expect(conditionOf(evaluate(snapshot({ checks: [backup, coldCopy], jobs: [good] }), T0 + 11 * HOUR), 'copy_overdue')).toBeUndefined();
  });

  it('judges a cold copy by its own schedule only (missed_schedule)', () => {
    const weeklyTape = check({ ...coldCopy, schedule: every(7 * 24) });
    const jobs = [job({ checkId: 'chk-tape', operation: 'copy', at: T0 + HOUR }), ...series(12, T0 + 2 * HOUR, DAY)];
    const e = evaluate(snapshot({ checks: [backup, weeklyTape], jobs }), T0 + 11 * DAY);
    expect(conditionOf(e, 'copy_overdue', 'chk-tape')).toBeUndefined();
    expect(conditionOf(e, 'missed_schedule', 'chk-tape')).toMatchObject({ severity: 'warning' });
  });

  it('is held back when the copy\'s latest job came from a broken integration', () => {
    const copyJob = job({ checkId: 'chk-copy', operation: 'copy', source: 'wasabi', at: T0 + HOUR - MINUTE });
    const e = evaluate(snapshot({ checks: [backup, hotCopy], jobs: [copyJob, good], brokenSources: new Map([['wasabi', 'int-3']]) }), T0 + 6 * HOUR);
    expect(conditionOf(e, 'copy_overdue')?.inhibitedBy).toBe('int-3');
  });

  it('does not hold backups older than the copy check against it', () => {
    const newCopy = check({ ...hotCopy, createdAt: T0 + 2 * HOUR });
    expect(conditionOf(evaluate(snapshot({ checks: [backup, newCopy], jobs: [good] }), T0 + 11 * HOUR), 'copy_overdue')).toBeUndefined();
  });
});

describe('saas_overdue', () => {
  it('is raised as a warning 36 h after the scheduled time, daily when the schedule is unknown', () => {
    const snap = saasSnap([saasJob({ at: T0 + HOUR })]);
    expect(conditionOf(evaluate(snap, T0 + 61 * HOUR - 1), 'saas_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 61 * HOUR), 'saas_overdue')).toMatchObject({ scope: 'device', scopeId: 'dev-1', severity: 'warning', since: T0 + 61 * HOUR });
  });

  it('clears with the next good SaaS run', () => {
    expect(conditionOf(evaluate(saasSnap([saasJob({ at: T0 + HOUR }), saasJob({ at: T0 + 70 * HOUR })]), T0 + 71 * HOUR), 'saas_overdue')).toBeUndefined();
  });

  it('counts from the check\'s own schedule when it has one', () => {
    const snap = saasSnap([saasJob({ at: T0 + HOUR })], [check({ ...saasCheck, schedule: every(12) })]);
    expect(conditionOf(evaluate(snap, T0 + 49 * HOUR - 1), 'saas_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 49 * HOUR + 1), 'saas_overdue')).toBeDefined();
  });

  it('is not satisfied by a failed or partial run', () => {
    const snap = saasSnap([saasJob({ at: T0 + HOUR }), saasJob({ at: T0 + 30 * HOUR, status: 'partial' }), saasJob({ at: T0 + 55 * HOUR, status: 'failed' })]);
    expect(conditionOf(evaluate(snap, T0 + 62 * HOUR), 'saas_overdue')).toBeDefined();
  });

  it('is never raised before the tenant has reported', () => {
    expect(evaluate(saasSnap([]), T0 + 20 * DAY).conditions).toEqual([]);
  });
});

describe('saas_degraded', () => {
  // Daily good runs, so only degradation is in question.
  const daily = (days: number) => Array.from({ length: days }, (_, i) => saasJob({ at: T0 + i * DAY + 30 * MINUTE }));
  const partialAt = T0 + HOUR;

  it('needs the bad runs to hold for 48 h before raising a warning', () => {
    const snap = saasSnap([...daily(15), saasJob({ at: partialAt, status: 'partial' })]);
    expect(conditionOf(evaluate(snap, partialAt + 48 * HOUR - 1), 'saas_degraded')).toBeUndefined();
    expect(conditionOf(evaluate(snap, partialAt + 48 * HOUR), 'saas_degraded')).toMatchObject({ scope: 'device', severity: 'warning', since: partialAt + 48 * HOUR });
  });

  it('becomes critical when a failed run joins the partial ones, on the same device alert', () => {
    const failedAt = T0 + 3 * DAY + HOUR;
    const snap = saasSnap([...daily(15), saasJob({ at: partialAt, status: 'partial' }), saasJob({ at: failedAt, status: 'failed' })]);
    const e = evaluate(snap, failedAt + HOUR);
    expect(conditionOf(e, 'saas_degraded')).toMatchObject({ scopeId: 'dev-1', severity: 'critical', since: partialAt + 48 * HOUR });
    expect(e.conditions.filter((c) => c.type === 'saas_degraded')).toHaveLength(1);
  });

  it('clears once 7 days have passed without a failed or partial run', () => {
    const lastBad = T0 + 3 * DAY + HOUR;
    const snap = saasSnap([...daily(15), saasJob({ at: partialAt, status: 'partial' }), saasJob({ at: lastBad, status: 'failed' })]);
    expect(conditionOf(evaluate(snap, lastBad + 7 * DAY - 1), 'saas_degraded')).toBeDefined();
    expect(conditionOf(evaluate(snap, lastBad + 7 * DAY), 'saas_degraded')).toBeUndefined();
  });

  it('is critical only while a failed run is among the last 7 days\' bad runs', () => {
    const snap = saasSnap([...daily(15), saasJob({ at: T0 + HOUR, status: 'failed' }), saasJob({ at: T0 + 6 * DAY, status: 'partial' })]);
    expect(conditionOf(evaluate(snap, T0 + 6 * DAY + HOUR), 'saas_degraded')?.severity).toBe('critical');
    expect(conditionOf(evaluate(snap, T0 + 8 * DAY), 'saas_degraded')).toMatchObject({ severity: 'warning', since: T0 + HOUR + 48 * HOUR });
  });

  it('starts the 48 h over when the bad runs were more than 7 days apart', () => {
    const snap = saasSnap([...daily(15), saasJob({ at: T0 + HOUR, status: 'partial' }), saasJob({ at: T0 + 9 * DAY, status: 'partial' })]);
    expect(conditionOf(evaluate(snap, T0 + 10 * DAY), 'saas_degraded')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 11 * DAY), 'saas_degraded')).toMatchObject({ since: T0 + 11 * DAY });
  });
});

describe('storage_quota and purge_blocked', () => {
  const facts = (f: Partial<DeviceSnapshot['device']['facts']>) => ({ storageUsedBytes: null, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null, updatedAt: T0, ...f });
  const withFacts = (f: Partial<DeviceSnapshot['device']['facts']>) => evaluate(snapshot({ device: { facts: facts(f) }, jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR);

  it('raises storage_quota as a warning above 95 % of the quota', () => {
    expect(conditionOf(withFacts({ storageUsedBytes: 96, storageQuotaBytes: 100 }), 'storage_quota')).toMatchObject({ scope: 'device', severity: 'warning', since: T0 });
    expect(conditionOf(withFacts({ storageUsedBytes: 95, storageQuotaBytes: 100 }), 'storage_quota')).toBeUndefined();
  });

  it('raises purge_blocked as a warning below 5 % free when nothing can be purged', () => {
    expect(conditionOf(withFacts({ freeSpacePercent: 4, purgeable: false }), 'purge_blocked')).toMatchObject({ scope: 'device', severity: 'warning' });
    expect(conditionOf(withFacts({ freeSpacePercent: 4, purgeable: true }), 'purge_blocked')).toBeUndefined();
    expect(conditionOf(withFacts({ freeSpacePercent: 4, purgeable: null }), 'purge_blocked')).toBeUndefined();
    expect(conditionOf(withFacts({ freeSpacePercent: 5, purgeable: false }), 'purge_blocked')).toBeUndefined();
  });
});

describe('destructive_operation', () => {
  const op = (operation: HistoryJob['operation'], t: number, status: HistoryJob['status'] = 'succeeded') => job({ checkId: null, operation, status, at: t });

  it('is raised as critical for a delete, whatever its status', () => {
    for (const status of ['succeeded', 'failed', 'running'] as const) {
      const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR }), op('delete_backup_data', T0 + 2 * HOUR, status)] }), T0 + 3 * HOUR);
      expect(conditionOf(e, 'destructive_operation')).toMatchObject({ scope: 'device', severity: 'critical', since: T0 + 2 * HOUR, coversUntil: T0 + 2 * HOUR });
    }
  });

  it('is raised for stop_protection_delete, not for stop_protection', () => {
    expect(conditionOf(evaluate(snapshot({ jobs: [op('stop_protection_delete', T0 + HOUR)] }), T0 + 2 * HOUR), 'destructive_operation')).toBeDefined();
    expect(conditionOf(evaluate(snapshot({ jobs: [op('stop_protection', T0 + HOUR)] }), T0 + 2 * HOUR), 'destructive_operation')).toBeUndefined();
  });

  it('covers only operations newer than the acknowledged one', () => {
    const jobs = [op('delete_backup_data', T0 + HOUR), op('delete_backup_data', T0 + 2 * HOUR)];
    expect(conditionOf(evaluate(snapshot({ jobs, destructiveAckedThrough: T0 + 2 * HOUR }), T0 + 3 * HOUR), 'destructive_operation')).toBeUndefined();
    const later = [...jobs, op('stop_protection_delete', T0 + 4 * HOUR)];
    const e = evaluate(snapshot({ jobs: later, destructiveAckedThrough: T0 + 2 * HOUR }), T0 + 5 * HOUR);
    expect(conditionOf(e, 'destructive_operation')).toMatchObject({ since: T0 + 4 * HOUR, coversUntil: T0 + 4 * HOUR });
    expect(conditionOf(e, 'destructive_operation')?.detail.operations).toHaveLength(1);
  });
});

describe('device_silent', () => {
  it('is raised as a warning after 7 days without a job or facts', () => {
    const snap = snapshot({ checks: [restoreTest], jobs: [job({ checkId: 'chk-restore', at: T0 + HOUR })] });
    expect(conditionOf(evaluate(snap, T0 + 7 * DAY + HOUR - 1), 'device_silent')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 7 * DAY + HOUR), 'device_silent')).toMatchObject({ scope: 'device', severity: 'warning', since: T0 + 7 * DAY + HOUR });
  });

  it('counts a facts update as a sign of life', () => {
    const snap = snapshot({
      checks: [restoreTest],
      jobs: [job({ checkId: 'chk-restore', at: T0 + HOUR })],
      device: { facts: { storageUsedBytes: 1, storageQuotaBytes: 100, freeSpacePercent: null, purgeable: null, updatedAt: T0 + 5 * DAY } },
    });
    expect(conditionOf(evaluate(snap, T0 + 10 * DAY), 'device_silent')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 12 * DAY + 1), 'device_silent')).toBeDefined();
  });

  it('is never raised for a device that never reported', () => {
    expect(conditionOf(evaluate(snapshot(), T0 + 60 * DAY), 'device_silent')).toBeUndefined();
  });
});

describe('alert categories', () => {
  // One server that breaks almost every rule at once.
  const kitchenSink = () => {
    const jobs = [
      ...series(6, T0 + HOUR, DAY, { bytes: 100 * MB }),
      job({ at: T0 + 6 * DAY + HOUR, bytes: 1 * MB }),
      job({ at: T0 + 6 * DAY + 2 * HOUR, status: 'failed' }),
      job({ checkId: 'chk-restore', operation: 'verification', at: T0 + 6 * DAY, status: 'failed' }),
      job({ checkId: 'chk-repl', operation: 'replication', at: T0 + 6 * DAY, status: 'warning', healthReplication: 'warning', healthFailover: 'normal' }),
      job({ checkId: null, operation: 'delete_backup_data', at: T0 + 6 * DAY + 3 * HOUR }),
    ];
    return snapshot({
      checks: [check({ schedule: every(24) }), hotCopy, restoreTest, replica],
      jobs,
      device: { facts: { storageUsedBytes: 99, storageQuotaBytes: 100, freeSpacePercent: 1, purgeable: false, updatedAt: null } },
    });
  };
  const now = T0 + 14 * DAY;
  const saasTrouble = () => saasSnap([saasJob({ at: T0 + HOUR }), saasJob({ at: T0 + 2 * DAY, status: 'failed' })]);

  it('has a scenario for every device and check alert type', () => {
    expect(typesOf(evaluate(kitchenSink(), now))).toEqual([
      'backup_overdue',
      'copy_overdue',
      'destructive_operation',
      'device_silent',
      'job_failed',
      'job_warning',
      'missed_schedule',
      'purge_blocked',
      'replication_unhealthy',
      'size_anomaly',
      'storage_quota',
      'verification_failed',
    ]);
    expect(typesOf(evaluate(saasTrouble(), T0 + 5 * DAY))).toEqual(['saas_degraded', 'saas_overdue']);
  });

  it('drops exactly the type whose category is switched off', () => {
    for (const [snap, at] of [
      [kitchenSink(), now],
      [saasTrouble(), T0 + 5 * DAY],
    ] as const) {
      const all = typesOf(evaluate(snap, at));
      for (const type of all) {
        const config = mergeConfig({ categories: { [type]: false } as Partial<Record<AlertType, boolean>> });
        expect(typesOf(evaluate(snap, at, config))).toEqual(all.filter((t) => t !== type));
      }
    }
  });

  it('keeps the rule\'s other effects (status, score) when its alerts are switched off', () => {
    const config = mergeConfig({ categories: { backup_overdue: false } });
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR })] }), T0 + 20 * HOUR, config);
    expect(e.conditions).toEqual([]);
    expect(e.compliant).toBe(false);
  });
});

describe('inhibition by a broken integration', () => {
  const broken = new Map([['m365', 'int-1']]);

  it('holds back only the schedule-type conditions of checks whose latest job came from the broken source', () => {
    const snap = { ...saasTrouble(), brokenSources: broken };
    const e = evaluate(snap, T0 + 5 * DAY);
    expect(conditionOf(e, 'saas_overdue')?.inhibitedBy).toBe('int-1');
    expect(conditionOf(e, 'saas_degraded')?.inhibitedBy).toBeNull();
  });

  it('marks missed_schedule, backup_overdue and device_silent, never job_failed', () => {
    const snap = snapshot({
      checks: [check({ schedule: every(24) })],
      jobs: [job({ at: T0 + HOUR }), job({ at: T0 + 2 * HOUR, status: 'failed' })],
      brokenSources: new Map([['veeam', 'int-9']]),
    });
    const e = evaluate(snap, T0 + 10 * DAY);
    expect(typesOf(e)).toEqual(['backup_overdue', 'device_silent', 'job_failed', 'missed_schedule']);
    for (const c of e.conditions) expect(c.inhibitedBy).toBe(c.type === 'job_failed' ? null : 'int-9');
  });

  it('does nothing when the latest job came from a healthy source', () => {
    const snap = snapshot({ jobs: [job({ at: T0 + HOUR, source: 'veeam' })], brokenSources: new Map([['datto', 'int-2']]) });
    expect(evaluate(snap, T0 + 3 * DAY).conditions.every((c) => c.inhibitedBy === null)).toBe(true);
  });

  function saasTrouble() {
    return saasSnap([saasJob({ at: T0 + HOUR }), saasJob({ at: T0 + 2 * DAY, status: 'failed' })]);
  }
});

describe('maintenance windows', () => {
  const daily = check({ schedule: every(24) });
  const good = job({ at: T0 + HOUR });

  it('suppresses conditions while a device window is open', () => {
    const w = oneOffWindow({ startsAt: T0 + 30 * HOUR, endsAt: T0 + 50 * HOUR });
    const e = evaluate(snapshot({ checks: [daily], jobs: [good, job({ at: T0 + 2 * HOUR, status: 'failed' })], windows: [w] }), T0 + 40 * HOUR);
    expect(typesOf(e)).toEqual(['backup_overdue', 'job_failed', 'missed_schedule']);
    expect(e.conditions.every((c) => c.suppressed)).toBe(true);
    const after = evaluate(snapshot({ checks: [daily], jobs: [good, job({ at: T0 + 2 * HOUR, status: 'failed' })], windows: [w] }), T0 + 50 * HOUR);
    expect(after.conditions.every((c) => !c.suppressed)).toBe(true);
  });

  it('applies a client window to the device', () => {
    const w = oneOffWindow({ scope: 'client', scopeId: 'client-1', startsAt: T0, endsAt: T0 + 50 * HOUR });
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR, status: 'failed' })], windows: [w] }), T0 + 2 * HOUR);
    expect(conditionOf(e, 'job_failed')?.suppressed).toBe(true);
  });

  it('suppresses only the conditions of the check a check window is on', () => {
    const w = oneOffWindow({ scope: 'check', scopeId: 'chk-copy', startsAt: T0, endsAt: T0 + 50 * HOUR });
    const jobs = [job({ at: T0 + HOUR }), job({ checkId: 'chk-copy', operation: 'copy', at: T0 + 2 * HOUR, status: 'failed' })];
    const e = evaluate(snapshot({ checks: [backup, hotCopy], jobs, windows: [w] }), T0 + 14 * HOUR);
    expect(conditionOf(e, 'job_failed', 'chk-copy')?.suppressed).toBe(true);
    expect(conditionOf(e, 'copy_overdue', 'chk-copy')?.suppressed).toBe(true);
    expect(conditionOf(e, 'backup_overdue')?.suppressed).toBe(false);
  });

  it('holds back a device alert drawn from checks when every one of those checks is snoozed', () => {
    const second = check({ id: 'chk-backup-2', name: 'System state' });
    const snooze = (checkId: string) => oneOffWindow({ id: `snooze-${checkId}`, kind: 'snooze', scope: 'check', scopeId: checkId, startsAt: T0, endsAt: T0 + 5 * DAY });
    const jobs = [job({ at: T0 + HOUR }), job({ checkId: 'chk-backup-2', at: T0 + HOUR })];
    const both = evaluate(snapshot({ checks: [backup, second], jobs, windows: [snooze('chk-backup'), snooze('chk-backup-2')] }), T0 + 2 * DAY);
    expect(conditionOf(both, 'backup_overdue')?.suppressed).toBe(true);
    const one = evaluate(snapshot({ checks: [backup, second], jobs, windows: [snooze('chk-backup')] }), T0 + 2 * DAY);
    expect(conditionOf(one, 'backup_overdue')?.suppressed).toBe(false);
  });

  it('restarts an interval schedule at the window\'s end', () => {
    const w = oneOffWindow({ startsAt: T0 + 20 * HOUR, endsAt: T0 + 40 * HOUR });
    const snap = snapshot({ device: { class: 'workstation' }, checks: [daily], jobs: [good], windows: [w] });
    // Without the window it would be overdue from T0 + 37 h.
    const after = evaluate(snap, T0 + 41 * HOUR);
    expect(checkEval(after)).toMatchObject({ state: 'up', nextDueAt: T0 + 64 * HOUR });
    expect(conditionOf(after, 'missed_schedule')).toBeUndefined();
    expect(checkEval(evaluate(snap, T0 + 76 * HOUR)).state).toBe('overdue');
  });

  it('restarts the backup SLA at the window\'s end', () => {
    const w = oneOffWindow({ startsAt: T0 + 10 * HOUR, endsAt: T0 + 20 * HOUR });
    const snap = snapshot({ jobs: [good], windows: [w] });
    expect(conditionOf(evaluate(snap, T0 + 21 * HOUR - 1), 'backup_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 32 * HOUR - 1), 'backup_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 32 * HOUR), 'backup_overdue')).toMatchObject({ since: T0 + 32 * HOUR, suppressed: false });
  });

  it('restarts the copy window at the window\'s end', () => {
    const w = oneOffWindow({ startsAt: T0 + 2 * HOUR, endsAt: T0 + 6 * HOUR });
    const snap = snapshot({ checks: [backup, hotCopy], jobs: [good], windows: [w] });
    expect(conditionOf(evaluate(snap, T0 + 10 * HOUR - 1), 'copy_overdue')).toBeUndefined();
    expect(conditionOf(evaluate(snap, T0 + 10 * HOUR), 'copy_overdue')).toBeDefined();
  });

  it('expects a cron tick that comes 2 minutes after the window ends', () => {
    // Daily at 02:30; the window ends at 02:28 on 2 November, so the 02:30 run is expected that day.
    const nightly = check({ schedule: cron('30 2 * * *') });
    const ran = job({ at: T0 + 2 * HOUR + 40 * MINUTE, startedAt: T0 + 2 * HOUR + 30 * MINUTE });
    const w = oneOffWindow({ scope: 'check', scopeId: 'chk-backup', startsAt: T0 + DAY, endsAt: T0 + DAY + 2 * HOUR + 28 * MINUTE });
    const e = evaluate(snapshot({ device: { class: 'workstation' }, checks: [nightly], jobs: [ran], windows: [w] }), T0 + DAY + 3 * HOUR);
    expect(checkEval(e)).toMatchObject({ nextDueAt: T0 + DAY + 2 * HOUR + 30 * MINUTE, state: 'late' });
  });
});

describe('schedule learning', () => {
  const runs = series(4, T0 + HOUR, DAY);
  const last = T0 + HOUR + 3 * DAY;

  it('learns a 24 h interval from 4 daily good runs and reports missed_schedule 36 h after the last', () => {
    const snap = snapshot({ device: { class: 'workstation' }, jobs: runs });
    const e = evaluate(snap, last + HOUR);
    expect(checkEval(e)).toMatchObject({ schedule: { type: 'interval', intervalMs: DAY }, scheduleInferred: true, nextDueAt: last + DAY });
    expect(conditionOf(evaluate(snap, last + 36 * HOUR - 1), 'missed_schedule')).toBeUndefined();
    expect(conditionOf(evaluate(snap, last + 36 * HOUR), 'missed_schedule')).toMatchObject({ severity: 'warning', detail: { schedule_inferred: true } });
  });

  it('learns nothing from 3 runs, so the check never misses a schedule', () => {
    const e = evaluate(snapshot({ device: { class: 'workstation' }, jobs: runs.slice(0, 3) }), T0 + 20 * DAY);
    expect(checkEval(e)).toMatchObject({ schedule: null, scheduleInferred: false, state: 'up' });
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });

  it('learns nothing from irregular runs', () => {
    const irregular = [0, 2 * HOUR, 30 * HOUR, 33 * HOUR, 90 * HOUR].map((o) => job({ at: T0 + o }));
    const e = evaluate(snapshot({ jobs: irregular }), T0 + 20 * DAY);
    expect(checkEval(e).schedule).toBeNull();
    expect(conditionOf(e, 'missed_schedule')).toBeUndefined();
  });

  it('prefers the schedule a user set', () => {
    const e = evaluate(snapshot({ checks: [check({ schedule: every(6) })], jobs: runs }), last + HOUR);
    expect(checkEval(e)).toMatchObject({ schedule: { type: 'interval', intervalMs: 6 * HOUR }, scheduleInferred: false });
  });
});

describe('nextEvalAt', () => {
  /** Evaluates at `from`, then just before and at/after the nextEvalAt it names. */
  function around(snap: DeviceSnapshot, from: number) {
    const first = evaluate(snap, from);
    const next = first.nextEvalAt;
    if (next === null) throw new Error('no nextEvalAt');
    return { next, before: evaluate(snap, next - 1), at: evaluate(snap, next), after: evaluate(snap, next + 1) };
  }
  const ws = { class: 'workstation' as const };

  it('is the moment an interval check becomes late, then the moment it becomes overdue', () => {
    const snap = snapshot({ device: ws, checks: [check({ schedule: every(6) })], jobs: [job({ at: T0 + HOUR })] });
    const late = around(snap, T0 + 2 * HOUR);
    expect(late.next).toBe(T0 + 7 * HOUR);
    expect(checkEval(late.before).state).toBe('up');
    expect(checkEval(late.at).state).toBe('late');
    const overdue = around(snap, late.next);
    expect(overdue.next).toBe(T0 + 10 * HOUR);
    expect(conditionOf(overdue.before, 'missed_schedule')).toBeUndefined();
    expect(conditionOf(overdue.at, 'missed_schedule')).toBeDefined();
  });

  it('is the moment a cron check becomes late', () => {
    const snap = snapshot({ device: ws, checks: [check({ schedule: cron('0 2 * * *') })], jobs: [job({ at: T0 + 2 * HOUR + 10 * MINUTE })] });
    const r = around(snap, T0 + 3 * HOUR);
    expect(r.next).toBe(T0 + DAY + 2 * HOUR);
    expect(checkEval(r.before).state).toBe('up');
    expect(checkEval(r.at).state).toBe('late');
  });

  it('is the moment the backup SLA runs out', () => {
    const r = around(snapshot({ jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR);
    expect(r.next).toBe(T0 + 13 * HOUR);
    expect(conditionOf(r.before, 'backup_overdue')).toBeUndefined();
    expect(conditionOf(r.after, 'backup_overdue')).toBeDefined();
  });

  it('is the moment a hot copy becomes overdue', () => {
    const r = around(snapshot({ checks: [backup, hotCopy], jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR);
    expect(r.next).toBe(T0 + 5 * HOUR);
    expect(conditionOf(r.before, 'copy_overdue')).toBeUndefined();
    expect(conditionOf(r.at, 'copy_overdue')).toBeDefined();
  });

  it('is the moment saas_overdue comes due', () => {
    const r = around(saasSnap([saasJob({ at: T0 + HOUR })]), T0 + 2 * HOUR);
    expect(r.next).toBe(T0 + 61 * HOUR);
    expect(conditionOf(r.before, 'saas_overdue')).toBeUndefined();
    expect(conditionOf(r.after, 'saas_overdue')).toBeDefined();
  });

  it('is the moment saas_degraded has held for 48 h, and the moment it clears', () => {
    const good = Array.from({ length: 20 }, (_, i) => saasJob({ at: T0 + i * DAY + 30 * MINUTE }));
    const snap = saasSnap([...good, saasJob({ at: T0 + HOUR, status: 'partial' })]);
    const raise = around(snap, T0 + 2 * HOUR);
    expect(raise.next).toBe(T0 + 49 * HOUR);
    expect(conditionOf(raise.before, 'saas_degraded')).toBeUndefined();
    expect(conditionOf(raise.at, 'saas_degraded')).toBeDefined();
    // From just after the oldest good run left the 7-day window (T0 + 7 d + 30 min).
    const clear = around(snap, T0 + 7 * DAY + 31 * MINUTE);
    expect(clear.next).toBe(T0 + 7 * DAY + HOUR);
    expect(conditionOf(clear.before, 'saas_degraded')).toBeDefined();
    expect(conditionOf(clear.at, 'saas_degraded')).toBeUndefined();
  });

  it('is the moment the device has been silent for 7 days', () => {
    const r = around(snapshot({ checks: [restoreTest], jobs: [job({ checkId: 'chk-restore', at: T0 + HOUR })] }), T0 + 2 * HOUR);
    expect(r.next).toBe(T0 + 7 * DAY + HOUR);
    expect(conditionOf(r.before, 'device_silent')).toBeUndefined();
    expect(conditionOf(r.after, 'device_silent')).toBeDefined();
  });

  it('is the moment a maintenance window opens and the moment it closes', () => {
    const w = oneOffWindow({ startsAt: T0 + 3 * HOUR, endsAt: T0 + 5 * HOUR });
    const snap = snapshot({ jobs: [job({ at: T0 + HOUR, status: 'failed' })], windows: [w] });
    const open = around(snap, T0 + 2 * HOUR);
    expect(open.next).toBe(T0 + 3 * HOUR);
    expect(conditionOf(open.before, 'job_failed')?.suppressed).toBe(false);
    expect(conditionOf(open.at, 'job_failed')?.suppressed).toBe(true);
    const close = around(snap, open.next);
    expect(close.next).toBe(T0 + 5 * HOUR);
    expect(conditionOf(close.at, 'job_failed')?.suppressed).toBe(false);
  });

  it('is the moment a job leaves the 7-day window of the success rate', () => {
    // A failure at T0 + 1 h, then daily good runs; the last one at T0 + 6 d + 2 h keeps every schedule and SLA after T0 + 7 d + 1 h.
    const jobs = [job({ at: T0 + HOUR, status: 'failed' }), ...series(6, T0 + DAY, DAY), job({ at: T0 + 6 * DAY + 2 * HOUR })];
    const r = around(snapshot({ jobs, device: ws }), T0 + 6 * DAY + 3 * HOUR);
    expect(r.next).toBe(T0 + 7 * DAY + HOUR);
    expect(r.before.score.parts.success).toBe(87.5);
    expect(r.at.score.parts.success).toBe(100);
  });

  it('is when copy_overdue comes due after a maintenance window restarted the copy clock', () => {
    // Backup ends T0+1h; a device window from T0+2h to T0+6h; the copy is then due by T0+10h.
    const w = oneOffWindow({ startsAt: T0 + 2 * HOUR, endsAt: T0 + 6 * HOUR });
    const snap = snapshot({ checks: [backup, hotCopy], jobs: [job({ at: T0 + HOUR })], windows: [w] });
    expect(conditionOf(evaluate(snap, T0 + 10 * HOUR), 'copy_overdue')).toBeDefined();
    expect(evaluate(snap, T0 + 6 * HOUR + 1).nextEvalAt).toBe(T0 + 10 * HOUR);
  });

  describe('an evaluator that evaluates exactly at each nextEvalAt', () => {
    /** Follows nextEvalAt from `from`; answers when `type` was first raised, or null if never (within 60 days). */
    function firstRaised(snap: DeviceSnapshot, from: number, type: AlertType): number | null {
      let now = from;
      for (let i = 0; i < 100; i++) {
        const e: DeviceEvaluation = evaluate(snap, now);
        if (conditionOf(e, type)) return now;
        if (e.nextEvalAt === null || e.nextEvalAt > from + 60 * DAY) return null;
        now = e.nextEvalAt;
      }
      return null;
    }

    it('raises missed_schedule when the check becomes overdue', () => {
      const snap = snapshot({ device: ws, checks: [check({ schedule: every(24) })], jobs: [job({ at: T0 + HOUR })] });
      expect(firstRaised(snap, T0 + 2 * HOUR, 'missed_schedule')).toBe(T0 + 37 * HOUR);
    });

    it('raises backup_overdue as soon as the 12 h SLA has run out', () => {
      const raised = firstRaised(snapshot({ jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR, 'backup_overdue');
      expect(raised ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(T0 + 13 * HOUR + 1);
    });

    it('raises saas_overdue as soon as the 36 h after the scheduled time have run out', () => {
      const raised = firstRaised(saasSnap([saasJob({ at: T0 + HOUR })]), T0 + 2 * HOUR, 'saas_overdue');
      expect(raised ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(T0 + 61 * HOUR + 1);
    });

    it('raises device_silent as soon as the 7 days have run out', () => {
      const raised = firstRaised(snapshot({ jobs: [job({ at: T0 + HOUR })] }), T0 + 2 * HOUR, 'device_silent');
      expect(raised ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(T0 + 7 * DAY + HOUR + 1);
    });
  });
});

describe('device summary', () => {
  it('reports the latest job and the latest good run', () => {
    const e = evaluate(snapshot({ jobs: [job({ at: T0 + HOUR }), job({ at: T0 + 2 * HOUR, status: 'failed' })] }), T0 + 3 * HOUR);
    expect(e).toMatchObject({ lastJobAt: T0 + 2 * HOUR, lastGoodAt: T0 + HOUR, retiredAt: null });
  });

  it('is compliant now with a good backup within the SLA, and not after it', () => {
    const snap = snapshot({ jobs: [job({ at: T0 + HOUR })] });
    expect(evaluate(snap, T0 + 5 * HOUR).compliant).toBe(true);
    expect(evaluate(snap, T0 + 14 * HOUR).compliant).toBe(false);
  });

  it('judges SaaS compliance by saas_backup runs', () => {
    const snap = saasSnap([saasJob({ at: T0 + HOUR })]);
    expect(evaluate(snap, T0 + 2 * DAY).compliant).toBe(true);
    expect(evaluate(snap, T0 + 3 * DAY).compliant).toBe(false);
  });

  it('leaves compliance out for a device with nothing that backs up', () => {
    expect(evaluate(snapshot({ checks: [restoreTest], jobs: [job({ checkId: 'chk-restore', at: T0 + HOUR })] }), T0 + 2 * HOUR).compliant).toBeNull();
  });

  it('is not compliant before it ever reported', () => {
    expect(evaluate(snapshot(), T0 + HOUR).compliant).toBe(false);
  });
});

describe('inhibition by a stronger alert (one cause, one alert)', () => {
  const failing = snapshot({ checks: [check({ id: 'chk-backup', kind: 'backup', name: 'Nightly', schedule: every(24) })], jobs: [job({ at: T0 + HOUR, status: 'failed' })] });

  it('keeps every condition that holds, but alerts only for the overdue backup of a server that failed once', () => {
    const e = evaluate(failing, T0 + 3 * DAY);
    expect(typesOf(e)).toEqual(['backup_overdue', 'job_failed', 'missed_schedule']);
    expect(e.alerts.map((c) => c.type)).toEqual(['backup_overdue']);
    expect(e.inhibited.map((i) => [i.target.type, i.source.type]).sort()).toEqual([
      ['job_failed', 'backup_overdue'],
      ['missed_schedule', 'backup_overdue'],
    ]);
  });

  it('does not inhibit what a switched-off category would have said', () => {
    const e = evaluate(failing, T0 + 3 * DAY, mergeConfig({ categories: { backup_overdue: false } }));
    expect(e.alerts.map((c) => c.type)).toEqual(['job_failed']);
  });
});
