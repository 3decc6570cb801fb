import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idFloor, newId } from '../../src/lib/ids.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { DAY, type EngineApp, job, startEngine } from '../helpers/engine.js';

// Retention selects by id (UUIDv7 = creation time) and ids never go back in time within a
// process, so the test clock runs ahead of the real one: 2031.
let app: EngineApp;
let other: TestApp;

beforeAll(async () => {
  app = await startEngine('2031-01-01T00:00:00Z', { KEEPWATCH_RETAIN_JOBS_DAYS: '400' });
  other = await startApp({ clock: app.clock, shareDatabaseWith: app, env: { KEEPWATCH_WORKERS: 'false' } });
});
afterAll(async () => {
  await other.close();
  await app.close();
});

describe('retention', () => {
  it('deletes jobs older than their age, keeps newer ones, and leaves pending events alone', async () => {
    const old = await app.report(...[1, 2, 3].map((i) => job(app.clock.now() - i * 3_600_000, { external_id: `old-${i}` })));
    await app.advance(200 * DAY);
    const recent = await app.report(job(app.clock.now() - 3_600_000, { external_id: 'recent' }));
    app.clock.advance(201 * DAY);
    const outboxBefore = await app.kw.database.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(outboxBefore.n)).toBeGreaterThan(0);

    const deleted = await app.kw.retention.runOnce();
    expect(deleted.jobs).toBe(3);
    for (const j of old) expect((await app.request('GET', `/api/v1/jobs/${j.id}`)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/jobs/${recent[0].id}`)).status).toBe(200);
    // Nothing has been notified yet: unprocessed domain events stay, however old.
    const outboxAfter = await app.kw.database.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(outboxAfter.n)).toBe(Number(outboxBefore.n));
  });

  it('deletes delivery records that are done, and keeps the ones still to be sent', async () => {
    const db = app.kw.database.db;
    const channel = (await app.request('GET', '/api/v1/channels')).body.items[0];
    const old = app.clock.now() - 100 * 24 * 3_600_000;
    const row = (state: string) => ({
      id: newId(old),
      channel_id: channel.id,
      alert_id: null,
      topic: 'alert.raised',
      seq: newId(old),
      idempotency_key: `k-${state}`,
      payload: '{}',
      state,
      attempts: 1,
      next_attempt_at: old,
      created_at: old,
      updated_at: old,
    });
    await db.insertInto('deliveries').values([row('sent'), row('failed'), row('pending')]).execute();
    expect((await app.kw.retention.runOnce()).deliveries).toBe(2);
    const left = await db.selectFrom('deliveries').select('state').where('idempotency_key', 'like', 'k-%').execute();
    expect(left.map((r) => r.state)).toEqual(['pending']);
  });

  it('deletes /log ping lines as old as the jobs it deletes', async () => {
    const db = app.kw.database.db;
    const check = await db.selectFrom('checks').select(['id', 'device_id', 'client_id']).executeTakeFirstOrThrow();
    // ids never go back in time within a process (newId), so the old line's id is made from its time.
    const line = (at: number, message: string) => ({
      id: message === 'old' ? idFloor(at) : newId(at),
      client_id: check.client_id,
      device_id: check.device_id,
      check_id: check.id,
      message,
      run_id: null,
      user_agent: null,
      received_at: at,
    });
    await db.insertInto('check_logs').values([line(app.clock.now() - 500 * DAY, 'old'), line(app.clock.now() - DAY, 'recent')]).execute();
    expect((await app.kw.retention.runOnce()).check_logs).toBe(1);
    const left = await db.selectFrom('check_logs').select('message').where('check_id', '=', check.id).execute();
    expect(left.map((r) => r.message)).toEqual(['recent']);
  });

  it('runs on one instance of a cluster at a time', async () => {
    await app.kw.retention.runOnce();
    expect(await other.kw.retention.runOnce()).toEqual({});
  });
});
