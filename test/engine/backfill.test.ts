// Backfilling a history must give exactly the alerts that receiving it live gives — proved here on
// the real database, through the real API and evaluator, for random histories. The same histories
// go to two devices: one receives its jobs one by one as time passes (evaluated after each), the
// other receives them all at once at the end. Their open alerts, check states and scores must agree.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, HOUR, startEngine } from '../helpers/engine.js';

let app: EngineApp;
const START = Date.parse('2026-11-02T00:00:00Z');

beforeAll(async () => {
  app = await startEngine('2026-11-02T00:00:00Z');
});
afterAll(async () => app.close());

const CHECKS = [
  { name: 'Nightly backup', kind: 'backup' },
  { name: 'Cloud copy', kind: 'copy' },
  { name: 'Restore test', kind: 'verification' },
] as const;

const arbJob = fc.record({
  check: fc.integer({ min: 0, max: CHECKS.length - 1 }),
  at: fc.integer({ min: 0, max: 12 * 24 }), // hours after the start
  status: fc.constantFrom('succeeded', 'succeeded', 'succeeded', 'warning', 'failed', 'partial', 'cancelled', 'skipped', 'running'),
  reason: fc.constantFrom(null, null, null, 'cancelled_by_user', 'concurrent_job'),
  gb: fc.integer({ min: 1, max: 200 }),
});

const arbHistory = fc.record({
  cls: fc.constantFrom('server', 'workstation'),
  jobs: fc.array(arbJob, { minLength: 0, maxLength: 18 }),
  tail: fc.integer({ min: 0, max: 4 * 24 }), // hours from the last job to "now"
});

type History = typeof arbHistory extends fc.Arbitrary<infer T> ? T : never;

function reports(h: History, deviceName: string, runId: number) {
  return h.jobs
    .map((j, i) => {
      const end = START + j.at * HOUR;
      const c = CHECKS[j.check]!;
      return {
        source: 'prop',
        external_id: `${deviceName}-${runId}-${i}`,
        client: 'Backfill Co',
        device: { name: deviceName, class: h.cls },
        check: { name: c.name, kind: c.kind },
        operation: c.kind === 'copy' ? 'copy' : c.kind === 'verification' ? 'verification' : 'backup',
        status: j.status,
        reason: j.reason,
        started_at: new Date(end - 20 * 60_000).toISOString(),
        ended_at: j.status === 'running' ? null : new Date(end).toISOString(),
        bytes: j.gb * 1e9,
      };
    })
    .sort((a, b) => Date.parse(a.ended_at ?? a.started_at) - Date.parse(b.ended_at ?? b.started_at));
}

async function picture(deviceId: string) {
  const alerts = (await app.alerts(`device=${deviceId}`)).map((a) => `${a.type}/${a.check_name ?? '-'}/${a.severity}`).sort();
  const device = (await app.request('GET', `/api/v1/devices/${deviceId}`)).body;
  const checks = device.checks.map((c: Record<string, unknown>) => `${c.name}:${c.state}:${c.consecutive_failures}:${c.last_good_at}`).sort();
  return { alerts, status: device.status, score: device.score, checks };
}

let run = 0;

describe('backfill equals live', () => {
  it('gives the same alerts, states and scores either way, for random histories', async () => {
    await fc.assert(
      fc.asyncProperty(arbHistory, async (h) => {
        run++;
        const live = reports(h, `LIVE-${run}`, run);
        const back = reports(h, `BACK-${run}`, run);
        const lastAt = Math.max(START, ...live.map((r) => Date.parse(r.ended_at ?? r.started_at)));
        const now = lastAt + h.tail * HOUR;
        // Live: each job arrives at its own time and is evaluated then (and deadlines in between).
        app.clock.set(START);
        let liveId: string | null = null;
        for (const r of live) {
          app.clock.set(Math.max(app.clock.now(), Date.parse(r.ended_at ?? r.started_at)));
          await app.evaluate();
          liveId = (await app.report(r))[0]!.device_id;
        }
        app.clock.set(now);
        await app.evaluate();
        // Backfill: everything at once, at the end.
        const backId = back.length > 0 ? (await app.report(...back))[0]!.device_id : null;
        if (liveId === null || backId === null) return;
        expect(await picture(backId)).toEqual(await picture(liveId));
      }),
      { numRuns: Number(process.env.KEEPWATCH_PROPERTY_RUNS ?? 25), seed: Number(process.env.KEEPWATCH_PROPERTY_SEED ?? 20261122) },
    );
    void DAY;
  }, 120_000);
});
