// A history backfilled at once and the same history received job by job must end in the same
// alerts (docs/engine.md, "Evaluation").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateDevice } from './evaluate.js';
import type { CheckInfo, DeviceSnapshot, HistoryJob } from './history.js';
import type { DeviceClass } from './job.js';
import { type ActiveAlert, type AlertAction, reconcile } from './lifecycle.js';
import { DEFAULT_CONFIG } from './settings.js';
import { check, DAY, every, HOUR, job, MINUTE, snapshot, T0 } from './test-factories.js';

// ---- an in-memory alert store ----------------------------------------------------------------

class AlertStore {
  private readonly alerts = new Map<string, ActiveAlert>();
  private seq = 0;

  active(): ActiveAlert[] {
    return [...this.alerts.values()];
  }

  apply(actions: AlertAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'raise': {
          const c = a.condition;
          const id = `alert-${++this.seq}`;
          this.alerts.set(id, { id, type: c.type, scopeId: c.scopeId, severity: c.severity, state: 'open', title: c.title, detail: JSON.stringify(c.detail), dismissedUntil: null });
          break;
        }
        case 'update': {
          const alert = this.alerts.get(a.alertId);
          if (!alert) throw new Error(`update of unknown alert ${a.alertId}`);
          alert.severity = a.condition.severity;
          alert.title = a.condition.title;
          alert.detail = JSON.stringify(a.condition.detail);
          break;
        }
        case 'resolve':
        case 'close':
          if (!this.alerts.delete(a.alertId)) throw new Error(`${a.kind} of unknown alert ${a.alertId}`);
          break;
      }
    }
  }

  /** (type, scope, severity) of every active alert, sorted. */
  summary(): string[] {
    return this.active()
      .map((a) => `${a.type} ${a.scopeId} ${a.severity}`)
      .sort();
  }
}

// ---- the two ways of receiving a history -----------------------------------------------------

/**
 * A device's checks and history. Checks created through the API exist from T0; the others are
 * discovered by their first job, so rows (device and check) are inserted when that job arrives
 * live, but all at `now` when the history is backfilled.
 */
interface Scenario {
  snap: DeviceSnapshot;
  apiChecks: ReadonlySet<string>;
  now: number;
}

/** The snapshot the service would build at `t` from the jobs received so far. */
function snapshotAt(s: Scenario, jobs: HistoryJob[], insertedAt: (firstJobAt: number | undefined) => number): DeviceSnapshot {
  const firstJob = new Map<string, number>();
  for (const j of jobs) if (j.checkId !== null && !firstJob.has(j.checkId)) firstJob.set(j.checkId, j.occurredAt);
  const checks = s.snap.checks
    .filter((c) => s.apiChecks.has(c.id) || firstJob.has(c.id))
    .map((c) => ({ ...c, createdAt: s.apiChecks.has(c.id) ? T0 : insertedAt(firstJob.get(c.id)) }));
  const deviceCreated = s.apiChecks.size > 0 ? T0 : insertedAt(jobs[0]?.occurredAt);
  return { ...s.snap, device: { ...s.snap.device, createdAt: deviceCreated }, checks, jobs };
}

function backfill(s: Scenario): AlertStore {
  const store = new AlertStore();
  const snap = snapshotAt(s, s.snap.jobs, () => s.now);
  store.apply(reconcile([], evaluateDevice(snap, DEFAULT_CONFIG, s.now).conditions, s.now));
  return store;
}

function live(s: Scenario): AlertStore {
  const store = new AlertStore();
  const jobs = [...s.snap.jobs].sort((a, b) => a.occurredAt - b.occurredAt);
  const received = (t: number | undefined) => t ?? T0;
  for (let i = 0; i < jobs.length; i++) {
    const t = jobs[i]!.occurredAt;
    const e = evaluateDevice(snapshotAt(s, jobs.slice(0, i + 1), received), DEFAULT_CONFIG, t);
    store.apply(reconcile(store.active(), e.conditions, t));
  }
  const final = evaluateDevice(snapshotAt(s, jobs, received), DEFAULT_CONFIG, s.now);
  store.apply(reconcile(store.active(), final.conditions, s.now));
  return store;
}

/** A fixed scenario: all checks created through the API at T0. */
const fixed = (snap: DeviceSnapshot, now: number): Scenario => ({ snap, apiChecks: new Set(snap.checks.map((c) => c.id)), now });

// ---- random histories ------------------------------------------------------------------------

const OUTCOMES: Array<Pick<HistoryJob, 'status' | 'reason'>> = [
  { status: 'succeeded', reason: null },
  { status: 'succeeded', reason: null },
  { status: 'succeeded', reason: null },
  { status: 'warning', reason: null },
  { status: 'failed', reason: null },
  { status: 'partial', reason: null },
  { status: 'running', reason: null },
  { status: 'cancelled', reason: null },
  { status: 'cancelled', reason: 'cancelled_by_user' },
  { status: 'skipped', reason: 'concurrent_job' },
  { status: 'skipped', reason: null },
];

const checkArb = fc.record({
  api: fc.boolean(),
  kind: fc.constantFrom('backup' as const, 'copy' as const, 'verification' as const, 'saas_backup' as const),
  tier: fc.constantFrom('hot' as const, 'cold' as const),
  intervalHours: fc.option(fc.constantFrom(6, 12, 24, 48), { nil: null }),
});

const jobArb = fc.record({
  checkIndex: fc.nat({ max: 2 }),
  offsetMin: fc.integer({ min: 0, max: 20 * 24 * 60 }),
  outcome: fc.constantFrom(...OUTCOMES),
  bytes: fc.option(fc.constantFrom(1_000, 50_000_000, 100_000_000, 120_000_000, 900_000_000), { nil: null }),
  durationMin: fc.integer({ min: 0, max: 240 }),
  destructive: fc.integer({ min: 0, max: 29 }).map((n) => n === 0),
});

const historyArb = fc.record({
  deviceClass: fc.constantFrom<DeviceClass>('server', 'workstation', 'saas'),
  checks: fc.array(checkArb, { minLength: 1, maxLength: 3 }),
  jobs: fc.array(jobArb, { maxLength: 40, size: 'max' }),
  gapMin: fc.integer({ min: 0, max: 10 * 24 * 60 }),
});

type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never;

function toScenario(h: History): Scenario {
  const checks: CheckInfo[] = h.checks.map((c, i) =>
    check({ id: `chk-${i}`, name: `Check ${i}`, kind: c.kind, tier: c.kind === 'copy' ? c.tier : null, schedule: c.intervalHours === null ? null : every(c.intervalHours) }),
  );
  const jobs = h.jobs.map((j) => {
    const destructive = j.destructive;
    return job({
      checkId: destructive ? null : checks[j.checkIndex % checks.length]!.id,
      operation: destructive ? 'delete_backup_data' : 'backup',
      status: j.outcome.status,
      reason: j.outcome.reason,
      at: T0 + j.offsetMin * MINUTE,
      durationMs: j.durationMin * MINUTE,
      bytes: j.bytes,
    });
  });
  const last = jobs.reduce((m, j) => Math.max(m, j.occurredAt), T0);
  const apiChecks = new Set(checks.filter((_, i) => h.checks[i]!.api).map((c) => c.id));
  return { snap: snapshot({ device: { class: h.deviceClass }, checks, jobs }), apiChecks, now: last + h.gapMin * MINUTE };
}

describe('backfill and live delivery', () => {
  it('end in the same active alerts (type, scope, severity) for random histories', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const scenario = toScenario(h);
        expect(live(scenario).summary()).toEqual(backfill(scenario).summary());
      }),
      { numRuns: 1000 },
    );
  });

  it('end in the same alerts when a destructive operation comes before the source is deleted', () => {
    // Backup data deleted at T0 + 2 h, then the protected VM itself is gone (source_deleted) at T0 + 3 h.
    const snap = snapshot({
      jobs: [
        job({ at: T0 + HOUR }),
        job({ checkId: null, operation: 'delete_backup_data', at: T0 + 2 * HOUR }),
        job({ at: T0 + 3 * HOUR, status: 'failed', reason: 'source_deleted' }),
      ],
    });
    const s = fixed(snap, T0 + 4 * HOUR);
    expect(live(s).summary()).toEqual(backfill(s).summary());
  });

  it('agrees on a plain history that raises, escalates and resolves alerts along the way (sanity check of the harness)', () => {
    const failures = [2, 3, 4].map((h) => job({ at: T0 + h * HOUR, status: 'failed' }));
    const jobs = [job({ at: T0 + HOUR }), ...failures];
    const snap = snapshot({ checks: [check({ schedule: every(24) })], jobs });
    expect(live(fixed({ ...snap, jobs: jobs.slice(0, 2) }, T0 + 2 * HOUR)).summary()).toEqual(['job_failed chk-backup warning']);
    expect(backfill(fixed(snap, T0 + 5 * HOUR)).summary()).toEqual(['job_failed chk-backup critical']);
    expect(live(fixed(snap, T0 + 5 * HOUR)).summary()).toEqual(['job_failed chk-backup critical']);
    const recovered = { ...snap, jobs: [...jobs, job({ at: T0 + 5 * HOUR })] };
    expect(live(fixed(recovered, T0 + 6 * HOUR)).summary()).toEqual([]);
    // Two days on, the schedule and the SLA are broken too.
    expect(live(fixed(snap, T0 + 2 * DAY)).summary()).toEqual(['backup_overdue dev-1 critical', 'job_failed chk-backup critical', 'missed_schedule chk-backup warning']);
  });
});

describe('the alert store used here', () => {
  it('never holds two alerts for one scope and type, in either delivery', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const scenario = toScenario(h);
        for (const store of [backfill(scenario), live(scenario)]) {
          const keys = store.active().map((a) => `${a.scopeId} ${a.type}`);
          expect(new Set(keys).size).toBe(keys.length);
        }
      }),
      { numRuns: 100 },
    );
  });
});
