// The order the evaluation queue is worked in (docs/engine.md, "The queue"). Under sustained
// ingestion the queue never empties: a device whose jobs keep coming must not keep its place at
// the head for ever (it waits again from the evaluation that saw its older jobs), and a job that
// may raise an alert puts its device ahead of the rest, so alerts stay prompt however deep the
// queue is. The claims are taken here one at a time, with the evaluator's own statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_DEVICE_INTERVAL_MS, EvalQueueRepository } from '../../src/db/repositories/eval-queue.js';
import { EvaluatorWorker } from '../../src/engine/evaluator.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let repo: EvalQueueRepository;

beforeAll(async () => {
  app = await startEngine();
  repo = new EvalQueueRepository(app.kw.database.db, app.kw.database.dialect);
});
afterAll(async () => {
  await app?.close();
});

const LEASE = 60_000;
const names = new Map<string, string>();

/** Posts one job for a device without evaluating it; a second later by the clock. */
async function post(device: string, status: string): Promise<string> {
  app.clock.advance(1000);
  const res = await app.request('POST', '/api/v1/jobs', {
    body: { jobs: [job(app.clock.now() - HOUR, { client: 'Queue Co', device: { name: device, class: 'server' }, check: { name: 'Nightly' }, status })] },
  });
  expect(res.status).toBe(202);
  const id = res.body.items[0].device_id as string;
  names.set(id, device);
  return id;
}

async function claimOne(paced = false): Promise<{ name: string; seq: string } | null> {
  const [c] = await repo.claimQueued(app.clock.now(), LEASE, 1, paced);
  return c ? { name: names.get(c.device_id) ?? c.device_id, seq: c.seq } : null;
}

/** The id of a device posted here, by name. */
function idOf(device: string): string {
  return [...names].find(([, n]) => n === device)![0];
}

/** Ends an evaluation of the device that claimed `seq` and began at `evaluatedAt` (now by default). */
async function finish(device: string, seq: string, evaluatedAt = app.clock.now()): Promise<void> {
  await app.kw.database.db.transaction().execute((tx) => repo.finishQueued(tx, idOf(device), seq, evaluatedAt));
}

/** A device claimed, sent another job while "being evaluated", then finished: queued again while busy. */
async function busy(device: string, paced = false): Promise<void> {
  await post(device, 'succeeded');
  const c = await claimOne(paced);
  expect(c?.name).toBe(device);
  await post(device, 'succeeded');
  await finish(device, c!.seq);
}

/** A clean queue: every earlier claim's lease run out, everything evaluated. */
async function settle(): Promise<void> {
  app.clock.advance(2 * LEASE);
  await app.evaluate();
}

async function queueOf(device: string): Promise<{ queued_at: number; urgent_seq: string | null; urgent_at: number | null } | undefined> {
  const row = await app.kw.database.db.selectFrom('eval_queue').select(['queued_at', 'urgent_seq', 'urgent_at']).where('device_id', '=', idOf(device)).executeTakeFirst();
  return row && { queued_at: Number(row.queued_at), urgent_seq: row.urgent_seq, urgent_at: row.urgent_at === null ? null : Number(row.urgent_at) };
}

describe('the evaluation queue', () => {
  it('takes a device with a failed job before devices that waited longer with successes, and spends the urgency once evaluated', async () => {
    await app.evaluate();
    for (const d of ['OK-A', 'OK-B', 'OK-C']) await post(d, 'succeeded');
    await post('FAIL-F', 'failed');
    expect((await queueOf('FAIL-F'))?.urgent_seq).not.toBeNull();
    expect((await queueOf('OK-A'))?.urgent_seq).toBeNull();

    const f = await claimOne();
    expect(f?.name).toBe('FAIL-F');
    // A success arrives while FAIL-F is evaluated: it must be evaluated again, but that is no
    // longer urgent — the failure was seen by this evaluation.
    await post('FAIL-F', 'succeeded');
    await finish('FAIL-F', f!.seq);
    const after = await queueOf('FAIL-F');
    expect(after?.urgent_seq).toBeNull();
    expect(after?.queued_at).toBe(app.clock.now());

    expect((await claimOne())?.name).toBe('OK-A');
    expect((await claimOne())?.name).toBe('OK-B');
    expect((await claimOne())?.name).toBe('OK-C');
    expect((await claimOne())?.name).toBe('FAIL-F');
    expect(await claimOne()).toBeNull();
    app.clock.advance(2 * LEASE);
    await app.evaluate();
  });

  it('keeps an entry urgent when a failed job arrives while it is being evaluated', async () => {
    await post('FAIL-G', 'succeeded');
    const g = await claimOne();
    expect(g?.name).toBe('FAIL-G');
    await post('OK-H', 'succeeded');
    await post('FAIL-G', 'failed');
    await finish('FAIL-G', g!.seq);
    expect((await queueOf('FAIL-G'))?.urgent_seq).not.toBeNull();
    // OK-H waited longer, but FAIL-G has a failure nobody has evaluated yet.
    expect((await claimOne())?.name).toBe('FAIL-G');
    expect((await claimOne())?.name).toBe('OK-H');
  });

  it('takes urgent entries in the order their urgency began, not the order they were first queued', async () => {
    await settle();
    // LONG-Q waited with a success before NEW-FAIL failed; its own failure came after.
    await post('LONG-Q', 'succeeded');
    await post('NEW-FAIL', 'failed');
    await post('LONG-Q', 'failed');
    const long = await queueOf('LONG-Q');
    expect(long?.urgent_at).toBe(long!.queued_at + 2000);
    // Before: LONG-Q first (queued earlier); under a flood of failures a new one waited a round.
    expect((await claimOne())?.name).toBe('NEW-FAIL');
    expect((await claimOne())?.name).toBe('LONG-Q');
  });

  it('forgets when urgency began once an evaluation has seen it, and keeps it from the evaluation start for a failure that came during it', async () => {
    await settle();
    await post('SINCE-1', 'failed');
    const first = await claimOne();
    await post('SINCE-1', 'succeeded');
    await finish('SINCE-1', first!.seq);
    const spent = await queueOf('SINCE-1');
    expect(spent).toMatchObject({ urgent_seq: null, urgent_at: null });
    // Urgent again before the next claim; another failure comes while that evaluation runs.
    await post('SINCE-1', 'failed');
    const second = await claimOne();
    app.clock.advance(500);
    const evaluatedAt = app.clock.now();
    await post('SINCE-1', 'failed');
    await finish('SINCE-1', second!.seq, evaluatedAt);
    const kept = await queueOf('SINCE-1');
    expect(kept?.urgent_seq).not.toBeNull();
    // The failure it has not seen came after the evaluation began: urgent since then, no earlier.
    expect(kept?.urgent_at).toBe(evaluatedAt);
  });

  it('queues a device that keeps receiving jobs behind the others after each evaluation (no one keeps the head)', async () => {
    await settle();
    // BUSY-1 waited longest when it was claimed; two quieter devices queued behind it.
    await post('BUSY-1', 'succeeded');
    await post('QUIET-2', 'succeeded');
    await post('QUIET-3', 'succeeded');
    const claimed = await claimOne();
    expect(claimed?.name).toBe('BUSY-1');
    await post('BUSY-1', 'succeeded');
    await finish('BUSY-1', claimed!.seq);
    // Before: BUSY-1 kept its first queued_at and came first again, for ever under steady load.
    expect((await claimOne())?.name).toBe('QUIET-2');
    expect((await claimOne())?.name).toBe('QUIET-3');
    expect((await claimOne())?.name).toBe('BUSY-1');
  });

  it('leaves a device queued again while busy to the background loop for a while, unless a failure comes', async () => {
    await settle();
    await busy('PACE-1', true);
    // Successes only: the background loop leaves it for BUSY_DEVICE_INTERVAL_MS…
    expect(await claimOne(true)).toBeNull();
    expect(await repo.queueHeldBack(app.clock.now())).toBe(true);
    expect(await app.kw.evaluator.tick(true)).toBe(0);
    // …a failure does not wait…
    await post('PACE-1', 'failed');
    const urgent = await claimOne(true);
    expect(urgent?.name).toBe('PACE-1');
    await post('PACE-1', 'succeeded');
    await finish('PACE-1', urgent!.seq);
    expect(await claimOne(true)).toBeNull();
    // …and once the interval has passed it is taken with everything that came meanwhile.
    app.clock.advance(BUSY_DEVICE_INTERVAL_MS);
    expect((await claimOne(true))?.name).toBe('PACE-1');
    expect(await repo.queueHeldBack(app.clock.now())).toBe(false);
  });

  it('evaluates held-back devices at once when asked to run until idle (keepwatch evaluate, tests)', async () => {
    await settle();
    await busy('PACE-2', true);
    expect(await claimOne(true)).toBeNull();
    expect(await app.evaluate()).toBe(1);
    expect(await queueOf('PACE-2')).toBeUndefined();
  });

  it('puts a device ahead when a user changes its checks through the API (someone waits to see it)', async () => {
    await settle();
    await post('OK-J', 'succeeded');
    const created = await app.request('POST', '/api/v1/checks', {
      body: { name: 'Weekly restore test', kind: 'backup', client: 'Queue Co', device: { name: 'EDITED-K', class: 'server' } },
    });
    expect(created.status).toBe(201);
    names.set(created.body.device_id, 'EDITED-K');
    expect((await queueOf('EDITED-K'))?.urgent_seq).not.toBeNull();
    expect((await claimOne())?.name).toBe('EDITED-K');
    expect((await claimOne())?.name).toBe('OK-J');
  });

  it('holds entries without an urgent job back for the hold, takes urgent ones at once, and holds nothing without a hold whatever the clock says', async () => {
    await settle();
    await post('HOLD-OK', 'succeeded');
    await post('HOLD-FAIL', 'failed');
    const now = app.clock.now();
    // Queued 1 s and 0 s ago; a 5-s hold leaves HOLD-OK.
    const held = await repo.claimQueued(now, LEASE, 10, true, 5000);
    expect(held.map((c) => names.get(c.device_id))).toEqual(['HOLD-FAIL']);
    expect(await repo.queueHeldBack(now, 5000)).toBe(true);
    // A queue entry stamped ahead of the clock (tests move it back and forth) is taken with no hold.
    expect(await repo.queueHeldBack(now - 60_000, 0)).toBe(false);
    expect((await repo.claimQueued(now - 60_000, LEASE, 10, true, 0)).map((c) => names.get(c.device_id))).toEqual(['HOLD-OK']);
  });

  it('counts the entries waiting to be claimed, up to a limit', async () => {
    await settle();
    for (const d of ['DEPTH-1', 'DEPTH-2', 'DEPTH-3']) await post(d, 'succeeded');
    expect(await repo.queueDepth(app.clock.now(), 10)).toBe(3);
    expect(await repo.queueDepth(app.clock.now(), 2)).toBe(2);
    await claimOne();
    expect(await repo.queueDepth(app.clock.now(), 10)).toBe(2);
  });

  it('holds successes back in the background loop only while more devices are queued than a pass takes', async () => {
    await settle();
    // A pass of 3 with a 5-s hold: the production evaluator's shape, small enough to fill here.
    const evaluator = new EvaluatorWorker(repo, app.kw.services.evaluation, app.clock, app.kw.logger, { pollMs: 1000, leaseMs: LEASE, batch: 3, perTransaction: 3, holdSuccessesMs: 5000 });
    for (const d of ['BACKLOG-1', 'BACKLOG-2', 'BACKLOG-3', 'BACKLOG-4']) await post(d, 'succeeded');
    await post('BACKLOG-FAIL', 'failed');
    // Five queued, a pass takes three: a backlog. Only the failure is taken; the successes were
    // queued 1–4 s ago.
    expect(await evaluator.tick(true)).toBe(1);
    expect(await queueOf('BACKLOG-FAIL')).toBeUndefined();
    expect(await queueOf('BACKLOG-1')).toBeDefined();
    // Once the oldest have waited 5 s they are taken, oldest first, a pass at a time.
    app.clock.advance(2000);
    expect(await evaluator.tick(true)).toBe(2);
    expect(await queueOf('BACKLOG-1')).toBeUndefined();
    expect(await queueOf('BACKLOG-2')).toBeUndefined();
    expect(await queueOf('BACKLOG-3')).toBeDefined();
    // Two left, under a pass: no backlog, no hold.
    expect(await evaluator.tick(true)).toBe(2);
    expect(await repo.queueDepth(app.clock.now(), 10)).toBe(0);
    // A lone success on a quiet queue is evaluated at once.
    await post('QUIET-OK', 'succeeded');
    expect(await evaluator.tick(true)).toBe(1);
  });
});
