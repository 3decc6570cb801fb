// A check's state as a user reads it through the API: a failed run is not "up".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;

beforeAll(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const device = (name: string) => ({ device: { name, class: 'server', type: 'vm' } });
const checkOf = async (id: string) => (await app.request('GET', `/api/v1/checks/${id}`)).body;
/** A check reported once, on a 6-hourly schedule set through the API. */
async function scheduledCheck(name: string, status = 'succeeded'): Promise<{ check_id: string; device_id: string }> {
  const [first] = await app.report(job(app.clock.now() - HOUR, { ...device(name), status }));
  await app.request('PATCH', `/api/v1/checks/${first.check_id}`, { body: { schedule: { type: 'interval', interval_seconds: 6 * 3600 } } });
  await app.evaluate();
  return first;
}

describe('check state down', () => {
  it('reads down after a failed run, and up again once a run succeeds', async () => {
    const { check_id } = await scheduledCheck('DOWN-01');
    expect((await checkOf(check_id)).state).toBe('up');

    await app.report(job(app.clock.now(), { ...device('DOWN-01'), status: 'failed', message: 'VSS writer timed out' }));
    expect(await checkOf(check_id)).toMatchObject({ state: 'down', last_status: 'failed' });
    // A failed run does not move the schedule: it is still counted from the last good run.
    await app.advance(HOUR);
    expect((await checkOf(check_id)).state).toBe('down');

    await app.report(job(app.clock.now(), { ...device('DOWN-01'), status: 'succeeded' }));
    expect(await checkOf(check_id)).toMatchObject({ state: 'up', last_status: 'succeeded' });
  });

  it('can be listed by state: ?state=down answers the failing checks only', async () => {
    const failing = await scheduledCheck('DOWN-02', 'failed');
    const fine = await scheduledCheck('UP-02');
    const res = await app.request('GET', '/api/v1/checks?state=down&limit=500');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((c: any) => c.id);
    expect(ids).toContain(failing.check_id);
    expect(ids).not.toContain(fine.check_id);
    expect(res.body.items.every((c: any) => c.state === 'down')).toBe(true);
  });

  it('turns overdue once the deadline has passed without a good run, and stays overdue after another failure', async () => {
    const { check_id } = await scheduledCheck('DOWN-03');
    await app.report(job(app.clock.now(), { ...device('DOWN-03'), status: 'failed' }));
    expect((await checkOf(check_id)).state).toBe('down');
    await app.advance(9 * HOUR + 1); // 6 h interval + 3 h grace after the good run
    expect((await checkOf(check_id)).state).toBe('overdue');
    await app.report(job(app.clock.now(), { ...device('DOWN-03'), status: 'failed' }));
    expect((await checkOf(check_id)).state).toBe('overdue');
  });
});
