// Pings stored together (one group-commit batch) look their checks' open runs up in one read
// (IngestRepository.openPingRuns): each success must still complete its own check's newest start,
// and only that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingJob } from '../../src/ingest/ping/ping.js';
import { ManualClock } from '../../src/lib/clock.js';
import { startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
const clock = new ManualClock(Date.parse('2026-11-20T00:00:00Z'));
const MIN = 60_000;

beforeAll(async () => {
  app = await startApp({ clock });
});
afterAll(async () => app.close());

async function newCheck(name: string): Promise<{ id: string; deviceId: string; key: string }> {
  const res = await app.request('POST', '/api/v1/checks', {
    body: { name, client: 'default', device: { name: `BATCH-${name}` }, schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, deviceId: res.body.device_id, key: new URL(res.body.ping_url).pathname.split('/').pop()! };
}

async function jobsOf(check: { id: string; deviceId: string }) {
  const res = await app.request('GET', `/api/v1/devices/${check.deviceId}/jobs?check=${check.id}&limit=100`);
  return res.body.items as Array<Record<string, any>>;
}

/** Records these pings in one recordJobs call: one transaction, one open-run lookup. */
async function pingTogether(pings: Array<{ key: string; signal: 'success' | 'start' | 'fail' }>): Promise<void> {
  const ingest = app.kw.services.ingest;
  const jobs = [];
  for (const p of pings) jobs.push(pingJob(await ingest.pingTarget(p.key), p.signal, { body: null, runId: null, now: clock.now() }));
  await ingest.recordJobs(jobs);
}

describe('pings stored in one batch', () => {
  it('pair each success with its own check’s open start, for 150 checks at once (more than one statement’s worth)', async () => {
    const checks = [];
    for (let i = 0; i < 150; i++) checks.push(await newCheck(`c${String(i).padStart(3, '0')}`));
    // Every other check gets a start of its own time (01:00 plus i seconds); the rest get none.
    clock.set(Date.parse('2026-11-20T01:00:00Z'));
    const started = (i: number) => Date.parse('2026-11-20T01:00:00Z') + i * 1000;
    const ingest = app.kw.services.ingest;
    const starts = [];
    for (const [i, c] of checks.entries()) if (i % 2 === 0) starts.push(pingJob(await ingest.pingTarget(c.key), 'start', { body: null, runId: null, now: started(i) }));
    await ingest.recordJobs(starts);
    clock.set(Date.parse('2026-11-20T01:15:00Z'));
    await pingTogether(checks.map((c, i) => ({ key: c.key, signal: i % 3 === 0 ? 'fail' : 'success' })));

    for (const [i, c] of checks.entries()) {
      const jobs = await jobsOf(c);
      const status = i % 3 === 0 ? 'failed' : 'succeeded';
      if (i % 2 === 0) {
        expect(jobs.map((j) => [j.status, j.started_at, j.ended_at])).toEqual([[status, new Date(started(i)).toISOString(), '2026-11-20T01:15:00.000Z']]);
        expect(jobs[0]!.duration_seconds).toBe(15 * 60 - i);
      } else {
        expect(jobs.map((j) => [j.status, j.started_at, j.ended_at])).toEqual([[status, null, '2026-11-20T01:15:00.000Z']]);
      }
    }
  });

  it('complete the stored open run with every ping of the check in the batch, as one at a time they would have', async () => {
    // No job is written until the whole batch is prepared, so each of these found the same
    // stored start when they looked it up one by one; the batch's single lookup finds it too.
    const c = await newCheck('same-batch');
    clock.set(Date.parse('2026-11-20T03:00:00Z'));
    await pingTogether([{ key: c.key, signal: 'start' }]);
    clock.set(Date.parse('2026-11-20T03:00:00Z') + 30 * MIN);
    await pingTogether([
      { key: c.key, signal: 'success' },
      { key: c.key, signal: 'start' },
      { key: c.key, signal: 'success' },
    ]);
    const jobs = await jobsOf(c);
    expect(jobs.map((j) => [j.status, j.started_at, j.ended_at])).toEqual([['succeeded', '2026-11-20T03:00:00.000Z', '2026-11-20T03:30:00.000Z']]);
  });
});
