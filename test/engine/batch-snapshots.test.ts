// A batch of devices is read with a few set-based statements (engine/snapshot.ts), on an evaluation
// thread: evaluating 30 varied devices in one batch must give each exactly what evaluating it
// alone (in-process, in its write transaction) gives. Two
// Keepwatches get the same jobs at the same (manual) times; one evaluates everything in one
// batch, the other one device per transaction, and their devices, checks and alerts must match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

const START = Date.parse('2026-11-02T00:00:00Z');
const DEVICES = 30;
let batched: EngineApp;
let alone: EngineApp;

/** 40 days of history for device d, shaped by d: the paths of the snapshot read all get used. */
function jobsOf(d: number): Array<Record<string, unknown>> {
  const device = { name: `DEV-${String(d).padStart(2, '0')}`, class: d % 2 ? 'server' : 'workstation', type: 'vm' };
  const at = { client: `Client ${d % 3}`, device };
  const out: Array<Record<string, unknown>> = [];
  for (let day = 0; day < 40; day++) {
    const t = START + day * DAY + (1 + (d % 5)) * HOUR;
    // Quiet for its last 3 days (overdue); only old jobs (before the two-week window).
    if (d % 5 === 0 && day >= 37) continue;
    if (d % 7 === 0 && day >= 20) continue;
    const failing = d % 4 === 0 && day >= 37;
    out.push(job(t, { ...at, check: { name: 'Nightly', kind: 'backup' }, status: failing ? 'failed' : day % 9 === 0 ? 'warning' : 'succeeded', bytes: (50 + d + (day % 3)) * 1e9 }));
    // A weekly check: few good runs in the window, so older ones are read too.
    if (day % 7 === d % 7) out.push(job(t + HOUR, { ...at, check: { name: 'Weekly restore', kind: 'verification' }, status: d % 6 === 0 ? 'failed' : 'succeeded', operation: 'verification' }));
    // A copy that has never succeeded (no good run at all: the last good before the window is looked up).
    if (d % 3 === 1 && day % 2 === 0) out.push(job(t + 2 * HOUR, { ...at, check: { name: 'Offsite copy', kind: 'copy' }, status: 'failed', operation: 'copy' }));
  }
  if (d % 8 === 3) out.push(job(START + 38 * DAY, { ...at, check: null, operation: 'delete_backup_data', trigger: 'manual', message: 'deleted by admin' }));
  return out;
}

async function load(app: EngineApp): Promise<void> {
  app.clock.set(START + 40 * DAY + 6 * HOUR);
  for (let d = 0; d < DEVICES; d++) {
    const res = await app.request('POST', '/api/v1/jobs', { body: { jobs: jobsOf(d) } });
    expect(res.status, res.text).toBe(202);
  }
}

async function deviceIds(app: EngineApp): Promise<string[]> {
  const rows = await app.kw.database.db.selectFrom('devices').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** What an evaluation wrote, by names (ids differ between the two). */
async function outcome(app: EngineApp) {
  const db = app.kw.database.db;
  const devices = await db.selectFrom('devices').select(['id', 'name', 'status', 'score', 'score_breakdown', 'last_good_at', 'last_job_at', 'next_eval_at', 'compliant']).orderBy('name').execute();
  const names = new Map(devices.map((d) => [d.id, d.name]));
  const checks = await db.selectFrom('checks').selectAll().execute();
  const alerts = await db.selectFrom('alerts').select(['device_id', 'type', 'scope', 'severity', 'state', 'title', 'detail', 'condition_since', 'covers_until']).execute();
  const checkName = new Map(checks.map((c) => [c.id, `${names.get(c.device_id)}/${c.name}`]));
  return {
    devices: devices.map(({ id: _, ...d }) => d),
    checks: checks
      .map(({ id: _, device_id, client_id: __, ping_key: ___, badge_key: ____, created_at: _c, ...c }: Record<string, unknown>): Record<string, unknown> => ({ device: names.get(device_id as string), ...c }))
      .sort((a, b) => `${String(a.device)}/${String(a.name)}`.localeCompare(`${String(b.device)}/${String(b.name)}`)),
    alerts: alerts
      .map((a) => ({ ...a, device_id: names.get(a.device_id!), detail: a.detail.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => checkName.get(id) ?? names.get(id) ?? 'id') }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

beforeAll(async () => {
  batched = await startEngine(new Date(START).toISOString());
  alone = await startEngine(new Date(START).toISOString());
  await load(batched);
  await load(alone);
});
afterAll(async () => {
  await batched?.close();
  await alone?.close();
});

describe('set-based snapshot reads', () => {
  it('evaluate 30 devices in one batch exactly as one at a time', async () => {
    const errors: unknown[] = [];
    const computed = batched.kw.evalThreads?.computed ?? 0;
    const ids = await deviceIds(batched);
    expect(ids).toHaveLength(DEVICES);
    expect(await batched.kw.services.evaluation.evaluateDevices(ids.map((deviceId) => ({ deviceId })), (_id, err) => errors.push(err))).toBe(DEVICES);
    expect(errors).toEqual([]);
    // The batch was read and evaluated on an evaluation thread; `alone` reads in its write transaction.
    expect(batched.kw.evalThreads?.computed ?? 0).toBeGreaterThan(computed);
    for (const id of await deviceIds(alone)) await alone.kw.services.evaluation.evaluateDevice(id);

    const a = await outcome(batched);
    const b = await outcome(alone);
    // The scenario is not trivial: overdue, failed and destructive alerts are raised.
    expect(a.alerts.length).toBeGreaterThan(10);
    expect(a.alerts.map((x) => x.type)).toEqual(expect.arrayContaining(['backup_overdue', 'job_failed', 'destructive_operation']));
    expect(a).toEqual(b);
  });
});
