// Work sharing: evaluators claim devices with leases, so several of them (instances on one
// PostgreSQL, or loops in one process) never evaluate a device twice into duplicate alerts, and
// a dead one's claims are taken over when its lease runs out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createKeepwatch } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { EvaluatorWorker } from '../../src/engine/evaluator.js';
import { startApp } from '../helpers/app.js';
import { TEST_DIALECT, testEnv } from '../helpers/db.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

async function failingDevices(prefix: string, n: number) {
  const t = app.clock.now();
  const jobs = Array.from({ length: n }, (_, i) => job(t - HOUR, { client: 'Claims Co', device: { name: `${prefix}-${i}` }, status: 'failed' }));
  const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
  return res.body.items as Array<{ device_id: string }>;
}

describe('sharing evaluation work', () => {
  it(`splits a queue between two evaluators without a duplicate alert (${TEST_DIALECT})`, async () => {
    const items = await failingDevices('SHARE', 60);
    // On PostgreSQL: a second Keepwatch instance on the same database. On SQLite (one process by
    // design): a second evaluator loop over the same connection.
    const other = TEST_DIALECT === 'postgres' ? await startApp({ clock: app.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: app }) : null;
    const second = other
      ? other.kw.evaluator
      : new EvaluatorWorker((app.kw.evaluator as any).repo, app.kw.services.evaluation, app.clock, pino({ level: 'silent' }), { pollMs: 1000, leaseMs: 60_000, batch: 7, perTransaction: 3 });
    try {
      const [a, b] = await Promise.all([app.kw.evaluator.runUntilIdle(), second.runUntilIdle()]);
      expect(a + b).toBeGreaterThanOrEqual(60);
      expect(app.kw.evaluator.failures + second.failures).toBe(0);
      const alerts = await app.alerts('type=job_failed');
      const mine = alerts.filter((x) => items.some((i) => i.device_id === x.device_id));
      expect(mine).toHaveLength(60);
      expect(new Set(mine.map((x) => x.device_id)).size).toBe(60);
    } finally {
      await other?.close();
    }
  });

  it("takes over a dead evaluator's claims when their lease runs out", async () => {
    const items = await failingDevices('LEASE', 5);
    const repo = (app.kw.evaluator as any).repo;
    // An instance claims the queue and dies before evaluating anything.
    const claimed = await repo.claimQueued(app.clock.now(), 60_000, 100);
    expect(claimed.length).toBeGreaterThanOrEqual(5);
    expect(await app.evaluate()).toBe(0);
    expect((await app.alerts('type=job_failed')).filter((a) => items.some((i) => i.device_id === a.device_id))).toEqual([]);
    app.clock.advance(61_000);
    expect(await app.evaluate()).toBeGreaterThanOrEqual(5);
    expect((await app.alerts('type=job_failed')).filter((a) => items.some((i) => i.device_id === a.device_id))).toHaveLength(5);
  });

  it('re-evaluates a device whose job arrived while it was being evaluated', async () => {
    const t = app.clock.now();
    const [item] = await app.report(job(t - HOUR, { client: 'Claims Co', device: { name: 'RACE-1' }, status: 'succeeded' }));
    const repo = (app.kw.evaluator as any).repo;
    const seqBefore = await app.kw.database.db.selectFrom('eval_queue').selectAll().where('device_id', '=', item.device_id).executeTakeFirst();
    expect(seqBefore).toBeUndefined();
    // Claim, then a new failed job arrives before the evaluation finishes.
    await app.request('POST', '/api/v1/jobs', { body: job(t, { client: 'Claims Co', device: { name: 'RACE-1' }, status: 'failed' }) });
    const [claim] = await repo.claimQueued(app.clock.now(), 60_000, 1);
    await app.request('POST', '/api/v1/jobs', { body: job(t + 1000, { client: 'Claims Co', device: { name: 'RACE-1' }, status: 'failed' }) });
    await app.kw.services.evaluation.evaluateDevice(claim.device_id, { seq: claim.seq });
    // The entry stays (its seq changed) and is free for the next pass.
    const entry = await app.kw.database.db.selectFrom('eval_queue').selectAll().where('device_id', '=', item.device_id).executeTakeFirst();
    expect(entry).toMatchObject({ claimed_until: null });
    expect(await app.evaluate()).toBeGreaterThanOrEqual(1);
    expect((await app.alerts(`device=${item.device_id}`))[0].detail.consecutive_failures).toBe(2);
  });

  it('evaluates passed deadlines in the same pass even when more devices are queued than a pass takes', async () => {
    const t = app.clock.now();
    const [due1] = await app.report(job(t - HOUR, { client: 'Deadline Co', device: { name: 'DUE-1' } }));
    const [due2] = await app.report(job(t - HOUR, { client: 'Deadline Co', device: { name: 'DUE-2' } }));
    app.clock.advance(12 * HOUR); // both are past the 12 h SLA now
    const now = app.clock.now();
    const busy = Array.from({ length: 150 }, (_, i) => job(now, { client: 'Deadline Co', device: { name: `BUSY-${i}` } }));
    expect((await app.request('POST', '/api/v1/jobs', { body: { jobs: busy } })).status).toBe(202);
    // DUE-2 is queued too, behind all of them (its job still runs: nothing good came in).
    app.clock.advance(1);
    const running = job(now, { client: 'Deadline Co', device: { name: 'DUE-2' }, status: 'running', ended_at: null });
    expect((await app.request('POST', '/api/v1/jobs', { body: running })).status).toBe(202);

    await app.kw.evaluator.tick();
    const overdue = (await app.alerts('type=backup_overdue')).map((a) => a.device_id);
    expect(overdue).toContain(due1.device_id);
    expect(overdue).toContain(due2.device_id);
  });

  it('takes no work in an instance that cannot listen', async () => {
    const t = app.clock.now();
    const [item] = (await app.request('POST', '/api/v1/jobs', { body: job(t, { client: 'Claims Co', device: { name: 'NOT-LISTENING' }, status: 'failed' }) })).body.items;
    // Same database, workers on, but its HTTP port is taken (by the first instance).
    const config = loadConfig(testEnv(app.db, { KEEPWATCH_PORT: new URL(app.url).port }));
    const second = await createKeepwatch(config, { clock: app.clock, logger: pino({ level: 'silent' }) });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    await second.stop();
    expect(second.evaluator.evaluated).toBe(0);
    const entry = await app.kw.database.db.selectFrom('eval_queue').selectAll().where('device_id', '=', item.device_id).executeTakeFirst();
    expect(entry).toMatchObject({ claimed_until: null });
  });

  it('evaluates a device that is both due and queued once, not once for each', async () => {
    await app.evaluate();
    app.clock.advance(3 * 24 * HOUR); // every device's deadline has passed
    const db = app.kw.database.db;
    const due = await db.selectFrom('devices').select('id').where('next_eval_at', '<=', app.clock.now()).execute();
    expect(due.length).toBeGreaterThan(10);
    // A full pass (`keepwatch evaluate`, a settings change) queues every device as well.
    await app.kw.services.evaluation.enqueueEverything(app.clock.now(), 'zzzz-full-pass');
    const devices = Number((await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await app.kw.evaluator.runUntilIdle()).toBe(devices);
    expect(await db.selectFrom('eval_queue').selectAll().execute()).toEqual([]);
  });
});
