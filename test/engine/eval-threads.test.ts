// Evaluation threads (engine/eval-threads.ts): devices are read and evaluated on a thread with a
// connection of its own and written here. These prove the thread path is the one taken, that a
// user's change to a device's alerts between the thread's read and the write is not overwritten
// by the older view, and that a thread dying mid-batch costs nothing but time.
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalThreads } from '../../src/engine/eval-threads.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let inline: EngineApp;

beforeAll(async () => {
  app = await startEngine();
  inline = await startEngine(undefined, { KEEPWATCH_EVAL_THREADS: '0' });
});
afterAll(async () => {
  await app?.close();
  await inline?.close();
});

const at = (name: string) => ({ client: 'Threads Co', device: { name, class: 'server' } });
const destructive = (t: number, name: string) => job(t, { ...at(name), check: null, operation: 'delete_backup_data', trigger: 'manual', message: 'deleted by admin' });
const threadsOf = (a: EngineApp) => a.kw.evalThreads as EvalThreads;

describe('evaluation threads', () => {
  it('evaluates on a thread by default, and in-process when KEEPWATCH_EVAL_THREADS=0, with the same alerts', async () => {
    expect(threadsOf(app).size).toBeGreaterThanOrEqual(1);
    expect(inline.kw.evalThreads).toBeNull();
    const before = threadsOf(app).computed;
    const failing = (a: EngineApp) => a.report(job(a.clock.now() - HOUR, { ...at('FAIL-01'), check: { name: 'Nightly' }, status: 'failed', message: 'disk full' }));
    await failing(app);
    await failing(inline);
    expect(threadsOf(app).computed).toBeGreaterThan(before);
    const summary = (alerts: any[]) => alerts.map((x) => `${x.type}/${x.severity}/${x.state}`).sort();
    const threaded = await app.alerts('type=job_failed');
    expect(summary(threaded)).toEqual(['job_failed/warning/open']);
    expect(summary(await inline.alerts('type=job_failed'))).toEqual(summary(threaded));
  });

  it('does not raise again from an older view an alert a user resolved while the thread was reading', async () => {
    const t = app.clock.now();
    const [{ device_id }] = await app.report(destructive(t - HOUR, 'DESTRUCT-T1'));
    const [alert] = await app.alerts(`device=${device_id}&type=destructive_operation`);
    expect(alert.state).toBe('open');

    // The thread reads the device (the operation not yet acknowledged: the condition holds)…
    const evaluation = app.kw.services.evaluation;
    const rereadBefore = evaluation.reread;
    const batch = evaluation.begin([{ deviceId: device_id }], await evaluation.newPass());
    await batch.computed;
    // …then the user acknowledges it, which resolves it, before the result is written.
    const acked = await app.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { body: { note: 'planned' } });
    expect(acked.body.state).toBe('resolved');
    const errors: unknown[] = [];
    expect(await evaluation.finish(batch, (_id, err) => errors.push(err))).toBe(1);
    expect(errors).toEqual([]);

    // Written from the older view, the write would raise a new destructive_operation alert.
    expect(await app.alerts(`device=${device_id}&type=destructive_operation`)).toEqual([]);
    expect(evaluation.reread).toBe(rereadBefore + 1);
  });

  it('evaluates in-process the devices of a batch whose thread died, and starts a new thread for the next', async () => {
    const t = app.clock.now();
    const report = (name: string) => app.request('POST', '/api/v1/jobs', { body: { jobs: [job(t - HOUR, { ...at(name), check: { name: 'Nightly' }, status: 'failed' })] } });
    expect((await report('CRASH-01')).status).toBe(202);
    const device = await app.kw.database.db.selectFrom('devices').select('id').where('name', '=', 'CRASH-01').executeTakeFirstOrThrow();
    const evaluation = app.kw.services.evaluation;
    const threads = threadsOf(app);
    const batch = evaluation.begin([{ deviceId: device.id }], await evaluation.newPass());
    // The batch was handed to a thread; that thread dies before answering.
    const slots = (threads as unknown as { slots: Array<{ worker: Worker }> }).slots;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    const errors: unknown[] = [];
    expect(await evaluation.finish(batch, (_id, err) => errors.push(err))).toBe(1);
    expect(errors).toEqual([]);
    expect((await app.alerts(`device=${device.id}&type=job_failed`)).map((a) => a.state)).toEqual(['open']);

    const computed = threads.computed;
    expect((await report('CRASH-02')).status).toBe(202);
    await app.advance(DAY / 24);
    expect(threads.computed).toBeGreaterThan(computed);
    const again = await app.kw.database.db.selectFrom('devices').select(['id', 'status']).where('name', '=', 'CRASH-02').executeTakeFirstOrThrow();
    expect(again.status).not.toBe('unknown');
  });
});
