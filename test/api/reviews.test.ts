// The daily review through the API (docs/review.md): marking runs reviewed one at a time and in
// bulk, undoing it, the queue of runs still to review, statistics per client and day, who may do
// what (roles, client limits), 400s naming the field, and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { type SessionCaller, sessionCaller } from '../helpers/browser-session.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

const MINUTE = 60_000;
let app: EngineApp;
let operator: SessionCaller;
let viewer: SessionCaller;

beforeAll(async () => {
  app = await startEngine('2026-11-10T12:00:00Z');
  await app.kw.services.users.create(SYSTEM, { email: 'ops@review.example', password: 'operator password 1', role: 'operator', name: 'Olivia Operator' });
  await app.kw.services.users.create(SYSTEM, { email: 'viewer@review.example', password: 'viewer password 1', role: 'viewer' });
  operator = sessionCaller(app);
  expect((await operator.signIn('ops@review.example', 'operator password 1')).status).toBe(200);
  viewer = sessionCaller(app);
  expect((await viewer.signIn('viewer@review.example', 'viewer password 1')).status).toBe(200);
});
afterAll(async () => app.close());

const run = (at: number, client: string, device: string, status: string, extra: Record<string, unknown> = {}) =>
  job(at, { client, device: { name: device }, check: { name: 'Nightly backup', kind: 'backup' }, status, message: `${status} at ${new Date(at).toISOString()}`, ...extra });

async function audit(jobId: string): Promise<any[]> {
  return app.kw.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', jobId).orderBy('id').execute();
}

describe('reviewing one run', () => {
  let failedId: string;
  let deviceId: string;
  beforeAll(async () => {
    const [r] = await app.report(run(app.clock.now() - 3 * HOUR, 'Solo Co', 'SOLO-FS01', 'failed'));
    failedId = r.id;
    deviceId = r.device_id;
  });

  it('answers the job with its review, by the user’s name, and shows it on the job and the device timeline', async () => {
    const before = await app.request('GET', `/api/v1/jobs/${failedId}`);
    expect(before.body.review).toBeNull();
    const res = await operator.request('POST', `/api/v1/jobs/${failedId}/review`, { note: 'VSS writer restarted', ticket: 'CW-1234' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: failedId, status: 'failed', review: { by: 'Olivia Operator', at: new Date(app.clock.now()).toISOString(), note: 'VSS writer restarted', ticket: 'CW-1234' } });
    expect((await app.request('GET', `/api/v1/jobs/${failedId}`)).body.review).toEqual(res.body.review);
    const timeline = await app.request('GET', `/api/v1/devices/${deviceId}/jobs`);
    expect(timeline.body.items.find((j: any) => j.id === failedId).review).toEqual(res.body.review);
  });

  it('replaces note, ticket and time when reviewed again, and audits both with the one replaced', async () => {
    app.clock.advance(30 * MINUTE);
    const token = await app.token('admin', { name: 'noc-automation' });
    const res = await app.request('POST', `/api/v1/jobs/${failedId}/review`, { token, body: { note: 'second look' } });
    expect(res.status).toBe(200);
    expect(res.body.review).toEqual({ by: 'noc-automation', at: new Date(app.clock.now()).toISOString(), note: 'second look', ticket: null });
    const rows = (await audit(failedId)).filter((a) => a.action === 'job.review');
    expect(rows.map((a) => a.actor_name)).toEqual(['ops@review.example', 'noc-automation']);
    expect(JSON.parse(rows[1].details)).toMatchObject({ note: 'second look', replaced: { by: 'Olivia Operator' } });
  });

  it('undoes a review with DELETE (204), audited with whose review was undone', async () => {
    const res = await operator.request('DELETE', `/api/v1/jobs/${failedId}/review`);
    expect(res.status).toBe(204);
    expect((await app.request('GET', `/api/v1/jobs/${failedId}`)).body.review).toBeNull();
    const undo = (await audit(failedId)).find((a) => a.action === 'job.review.delete');
    expect(undo.actor_name).toBe('ops@review.example');
    expect(JSON.parse(undo.details)).toMatchObject({ undone: { by: 'noc-automation', note: 'second look' } });
    // Nothing left to undo: still 204, and nothing more in the log.
    expect((await operator.request('DELETE', `/api/v1/jobs/${failedId}/review`)).status).toBe(204);
    expect((await audit(failedId)).filter((a) => a.action === 'job.review.delete')).toHaveLength(1);
  });

  it('refuses a viewer and a read token (403) and answers 404 for an unknown run', async () => {
    expect((await viewer.request('POST', `/api/v1/jobs/${failedId}/review`, {})).status).toBe(403);
    expect((await viewer.request('DELETE', `/api/v1/jobs/${failedId}/review`)).status).toBe(403);
    expect((await app.request('POST', `/api/v1/jobs/${failedId}/review`, { token: await app.token('read'), body: {} })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/reviews', { token: await app.token('read'), body: { job_ids: [failedId] } })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/jobs/no-such-job/review', { body: {} })).status).toBe(404);
    // A viewer may read the queue.
    expect((await viewer.request('GET', '/api/v1/reviews/queue')).status).toBe(200);
  });

  it.each([
    [{ note: 'x'.repeat(2001) }, 'note'],
    [{ ticket: 'y'.repeat(101) }, 'ticket'],
    [{ note: 42 }, 'note'],
    [{ surprise: true }, 'surprise'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await app.request('POST', `/api/v1/jobs/${failedId}/review`, { body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('client limits', () => {
  let mine: string;
  let theirs: string;
  let limited: string;
  beforeAll(async () => {
    const t = app.clock.now() - 2 * HOUR;
    const [a, b] = await app.report(run(t, 'Limit Mine', 'LIM-A01', 'failed'), run(t, 'Limit Theirs', 'LIM-B01', 'warning'));
    mine = a.id;
    theirs = b.id;
    limited = await app.token('admin', { clientIds: [a.client_id], name: 'limited admin' });
  });

  it('lets a client-limited principal review only its clients’ runs: 404 for the others', async () => {
    expect((await app.request('POST', `/api/v1/jobs/${theirs}/review`, { token: limited, body: {} })).status).toBe(404);
    expect((await app.request('DELETE', `/api/v1/jobs/${theirs}/review`, { token: limited })).status).toBe(404);
    expect((await app.request('POST', `/api/v1/jobs/${mine}/review`, { token: limited, body: {} })).status).toBe(200);
    const bulk = await app.request('POST', '/api/v1/reviews', { token: limited, body: { job_ids: [theirs, mine] } });
    expect(bulk.body.items).toEqual([
      { job_id: theirs, ok: false, error: 'not_found' },
      { job_id: mine, ok: true },
    ]);
    expect((await app.request('GET', `/api/v1/jobs/${theirs}`)).body.review).toBeNull();
  });

  it('shows a client-limited principal only its clients in the queue and stats', async () => {
    await app.request('DELETE', `/api/v1/jobs/${mine}/review`);
    const queue = await app.request('GET', '/api/v1/reviews/queue', { token: limited });
    expect(queue.body.clients.map((c: any) => c.name)).toEqual(['Limit Mine']);
    expect(queue.body.total).toBe(1);
    const stats = await app.request('GET', '/api/v1/reviews/stats', { token: limited });
    expect(new Set(stats.body.items.map((i: any) => i.client_name))).toEqual(new Set(['Limit Mine']));
    const theirClient = (await app.request('GET', `/api/v1/jobs/${theirs}`)).body.client_id;
    expect((await app.request('GET', `/api/v1/reviews/queue?client=${theirClient}`, { token: limited })).status).toBe(404);
    await app.request('POST', '/api/v1/reviews', { body: { job_ids: [mine, theirs] } });
  });
});

describe('reviewing in bulk', () => {
  it('reviews each run of the list with one note and answers a result per id', async () => {
    const t = app.clock.now() - HOUR;
    const ids = (await app.report(run(t, 'Bulk Co', 'BULK-01', 'failed'), run(t, 'Bulk Co', 'BULK-02', 'warning'))).map((r: any) => r.id);
    const res = await operator.request('POST', '/api/v1/reviews', { job_ids: [...ids, 'missing-id'], note: 'known issue', ticket: 'AT-77' });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { job_id: ids[0], ok: true },
      { job_id: ids[1], ok: true },
      { job_id: 'missing-id', ok: false, error: 'not_found' },
    ]);
    for (const id of ids) {
      expect((await app.request('GET', `/api/v1/jobs/${id}`)).body.review).toMatchObject({ by: 'Olivia Operator', note: 'known issue', ticket: 'AT-77' });
      expect((await audit(id)).map((a) => a.action)).toEqual(['job.review']);
    }
  });

  it.each([
    [{ job_ids: [] }, 'job_ids'],
    [{ job_ids: Array.from({ length: 501 }, (_, i) => `id-${i}`) }, 'job_ids'],
    [{}, 'job_ids'],
    [{ job_ids: ['a'], note: 'n'.repeat(2001) }, 'note'],
  ])('answers 400 naming the field for a bad bulk body', async (body, field) => {
    const res = await app.request('POST', '/api/v1/reviews', { body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('the queue', () => {
  let base: number;
  let ids: Record<string, string>;
  beforeAll(async () => {
    // A fresh stretch of time, so the runs above fall outside `since`.
    app.clock.advance(20 * DAY);
    base = app.clock.now();
    const made = await app.report(
      run(base - 5 * HOUR, 'Queue Xeno', 'QX-DEV1', 'failed'),
      run(base - 4 * HOUR, 'Queue Xeno', 'QX-DEV3', 'partial'),
      run(base - 3 * HOUR, 'Queue Yarrow', 'QY-DEV2', 'warning'),
      run(base - 2 * HOUR, 'Queue Xeno', 'QX-DEV1', 'warning'),
      run(base - 90 * MINUTE, 'Queue Xeno', 'QX-DEV1', 'succeeded'),
      run(base - 80 * MINUTE, 'Queue Xeno', 'QX-DEV3', 'cancelled'),
      run(base - 70 * MINUTE, 'Queue Yarrow', 'QY-DEV2', 'failed'),
      run(base - 8 * DAY, 'Queue Yarrow', 'QY-OLD', 'failed'),
    );
    ids = Object.fromEntries(['x1a', 'x3', 'y2a', 'x1b', 'ok', 'cancelled', 'y2b', 'old'].map((k, i) => [k, made[i].id]));
    await app.request('POST', '/api/v1/reviews', { body: { job_ids: [ids.y2b] } });
  });

  it('lists unreviewed failed, partial and warning runs oldest first, by client and device ordered by their oldest run, with counts', async () => {
    const res = await app.request('GET', `/api/v1/reviews/queue?since=${new Date(base - DAY).toISOString()}`);
    expect(res.status).toBe(200);
    const shape = res.body.clients.map((c: any) => ({ name: c.name, count: c.count, devices: c.devices.map((d: any) => [d.name, d.count, d.jobs.map((j: any) => j.id)]) }));
    expect(shape).toEqual([
      { name: 'Queue Xeno', count: 3, devices: [['QX-DEV1', 2, [ids.x1a, ids.x1b]], ['QX-DEV3', 1, [ids.x3]]] },
      { name: 'Queue Yarrow', count: 1, devices: [['QY-DEV2', 1, [ids.y2a]]] },
    ]);
    expect(res.body.total).toBe(4);
    expect(res.body.truncated).toBe(false);
    const first = res.body.clients[0].devices[0].jobs[0];
    expect(first).toMatchObject({ status: 'failed', check_name: 'Nightly backup', review: null, message: expect.stringContaining('failed at'), ended_at: new Date(base - 5 * HOUR).toISOString() });
  });

  it('looks back 7 days by default, and filters by client', async () => {
    const all = await app.request('GET', '/api/v1/reviews/queue');
    const listed = all.body.clients.flatMap((c: any) => c.devices.flatMap((d: any) => d.jobs.map((j: any) => j.id)));
    expect(listed).toEqual([ids.x1a, ids.x1b, ids.x3, ids.y2a]);
    expect(listed).not.toContain(ids.old);
    const older = await app.request('GET', `/api/v1/reviews/queue?since=${new Date(base - 9 * DAY).toISOString()}`);
    expect(older.body.clients.map((c: any) => c.name)).toEqual(['Queue Yarrow', 'Queue Xeno']);
    const yarrow = older.body.clients[0].id;
    const one = await app.request('GET', `/api/v1/reviews/queue?client=${yarrow}&since=${new Date(base - 9 * DAY).toISOString()}`);
    expect(one.body.total).toBe(2);
    expect(one.body.clients.map((c: any) => c.name)).toEqual(['Queue Yarrow']);
  });

  it('answers 400 naming since for a bad time', async () => {
    const res = await app.request('GET', '/api/v1/reviews/queue?since=yesterday');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('since');
  });
});

describe('statistics', () => {
  it('counts runs needing review and reviewed per client and day, with the median minutes to review', async () => {
    app.clock.advance(20 * DAY);
    // Midday, so the runs below share one UTC day.
    const day = new Date(app.clock.now()).toISOString().slice(0, 10);
    const noon = Date.parse(`${day}T12:00:00Z`);
    app.clock.set(noon);
    const made = await app.report(
      run(noon - 3 * HOUR, 'Stats Co', 'ST-01', 'failed'),
      run(noon - 3 * HOUR, 'Stats Co', 'ST-02', 'warning'),
      run(noon - 3 * HOUR, 'Stats Co', 'ST-03', 'failed'),
      run(noon - 3 * HOUR, 'Stats Co', 'ST-04', 'warning'),
      run(noon - 3 * HOUR, 'Stats Co', 'ST-05', 'succeeded'),
      run(noon - DAY, 'Stats Co', 'ST-01', 'failed'),
    );
    // Reviewed 10, 20 and 60 minutes after the run: median 20.
    app.clock.set(noon - 3 * HOUR + 10 * MINUTE);
    await app.request('POST', `/api/v1/jobs/${made[0].id}/review`, { body: {} });
    app.clock.set(noon - 3 * HOUR + 20 * MINUTE);
    await app.request('POST', `/api/v1/jobs/${made[1].id}/review`, { body: {} });
    app.clock.set(noon - 3 * HOUR + 60 * MINUTE);
    await app.request('POST', `/api/v1/jobs/${made[2].id}/review`, { body: {} });
    // The day before: one run, reviewed 45 minutes after.
    app.clock.set(noon);
    const client = made[0].client_id;
    const yesterday = new Date(noon - DAY).toISOString().slice(0, 10);
    const res = await app.request('GET', `/api/v1/reviews/stats?client=${client}&from=${yesterday}&to=${day}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { client_id: client, client_name: 'Stats Co', day: yesterday, needing_review: 1, reviewed: 0, median_minutes_to_review: null },
      { client_id: client, client_name: 'Stats Co', day, needing_review: 4, reviewed: 3, median_minutes_to_review: 20 },
    ]);
    // An even count takes the mean of the middle two: 20 and 60 → 40 after a fourth at 70 minutes.
    app.clock.set(noon - 3 * HOUR + 70 * MINUTE);
    await app.request('POST', `/api/v1/jobs/${made[3].id}/review`, { body: {} });
    app.clock.set(noon);
    const again = await app.request('GET', `/api/v1/reviews/stats?client=${client}&from=${day}&to=${day}`);
    expect(again.body.items).toEqual([{ client_id: client, client_name: 'Stats Co', day, needing_review: 4, reviewed: 4, median_minutes_to_review: 40 }]);
  });

  it.each([
    ['from=2026-13-01', 'from'],
    ['to=tomorrow', 'to'],
    ['from=2026-12-10&to=2026-12-01', 'from'],
    ['from=2026-01-01&to=2026-12-01', 'from'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await app.request('GET', `/api/v1/reviews/stats?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('the review due hour setting', () => {
  it('is a workspace setting (default 10), validated, and refused as a client override', async () => {
    expect((await app.request('GET', '/api/v1/settings')).body.effective.review_due_hour).toBe(10);
    const put = await app.request('PUT', '/api/v1/settings', { body: { review_due_hour: 8 } });
    expect(put.status).toBe(200);
    expect(put.body.effective.review_due_hour).toBe(8);
    for (const bad of [24, -1, 9.5, 'ten']) {
      const res = await app.request('PUT', '/api/v1/settings', { body: { review_due_hour: bad } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('review_due_hour');
    }
    const client = (await app.request('GET', '/api/v1/clients?q=Stats')).body.items[0].id;
    const res = await app.request('PUT', `/api/v1/clients/${client}/settings`, { body: { review_due_hour: 7 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('review_due_hour');
    await app.request('PUT', '/api/v1/settings', { body: {} });
  });
});
