import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
const clock = new ManualClock(Date.parse('2026-11-20T00:00:00Z'));

beforeAll(async () => {
  app = await startApp({ clock });
});
afterAll(async () => app.close());

/** A check made through the API, as a script user would; answers its ping path. */
async function newCheck(name: string): Promise<{ id: string; deviceId: string; path: string }> {
  const res = await app.request('POST', '/api/v1/checks', {
    body: { name, client: 'default', device: { name: `PING-${name}` }, schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, deviceId: res.body.device_id, path: new URL(res.body.ping_url).pathname };
}

const ping = (path: string, body?: string) =>
  app.request(body === undefined ? 'GET' : 'POST', path, { token: null, ...(body !== undefined && { rawBody: body, headers: { 'content-type': 'text/plain' } }) });

async function jobsOf(check: { id: string; deviceId: string }) {
  const res = await app.request('GET', `/api/v1/devices/${check.deviceId}/jobs?check=${check.id}`);
  return res.body.items as Array<Record<string, any>>;
}

describe('ping URLs', () => {
  it('records a success without a token', async () => {
    const check = await newCheck('success');
    const res = await ping(check.path);
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
    const [job] = await jobsOf(check);
    expect(job).toMatchObject({ source: 'ping', status: 'succeeded', raw_status: 'success', ended_at: '2026-11-20T00:00:00.000Z' });
  });

  it('maps /fail, /warn and exit codes to statuses', async () => {
    const check = await newCheck('signals');
    for (const [suffix, minutes] of [['/fail', 1], ['/warn', 2], ['/0', 3], ['/3', 4]] as const) {
      clock.set(Date.parse('2026-11-20T01:00:00Z') + minutes * 60_000);
      expect((await ping(check.path + suffix)).status).toBe(200);
    }
    const jobs = await jobsOf(check);
    expect(jobs.map((j) => [j.status, j.raw_status])).toEqual([
      ['failed', 'exit 3'],
      ['succeeded', 'exit 0'],
      ['warning', 'warn'],
      ['failed', 'fail'],
    ]);
    expect(jobs[0]).toMatchObject({ error_code: '3', message: 'exit code 3' });
  });

  it('pairs a start with the next success and records the duration', async () => {
    const check = await newCheck('duration');
    clock.set(Date.parse('2026-11-20T02:00:00Z'));
    await ping(`${check.path}/start`);
    let [job] = await jobsOf(check);
    expect(job).toMatchObject({ status: 'running', started_at: '2026-11-20T02:00:00.000Z', ended_at: null });
    clock.set(Date.parse('2026-11-20T02:07:30Z'));
    await ping(check.path, 'restic: snapshot 4f2a1c saved');
    const jobs = await jobsOf(check);
    expect(jobs).toHaveLength(1);
    [job] = jobs;
    expect(job).toMatchObject({ status: 'succeeded', duration_seconds: 450, started_at: '2026-11-20T02:00:00.000Z' });
    const detail = await app.request('GET', `/api/v1/jobs/${job!.id}`);
    expect(detail.body.log).toBe('restic: snapshot 4f2a1c saved');
  });

  it('keeps overlapping runs apart by run id', async () => {
    const check = await newCheck('rid');
    clock.set(Date.parse('2026-11-20T03:00:00Z'));
    await ping(`${check.path}/start?rid=a`);
    clock.set(Date.parse('2026-11-20T03:01:00Z'));
    await ping(`${check.path}/start?rid=b`);
    clock.set(Date.parse('2026-11-20T03:05:00Z'));
    await ping(`${check.path}/fail?rid=a`);
    const jobs = await jobsOf(check);
    expect(jobs.map((j) => [j.status, j.duration_seconds])).toEqual(
      expect.arrayContaining([['failed', 300], ['running', null]]),
    );
  });

  it('keeps the last 100 kB of a body as the log, the cut marked at the start (issue #20)', async () => {
    const check = await newCheck('biglog');
    await ping(check.path, 'é'.repeat(80_000));
    const [job] = await jobsOf(check);
    const detail = await app.request('GET', `/api/v1/jobs/${job!.id}`);
    expect(Buffer.byteLength(detail.body.log)).toBeLessThanOrEqual(100_000);
    expect(detail.body.log).toMatch(/^\[… [\d,]+ bytes cut\]\né+$/);
  });

  it('answers 404 for an unknown key and 400 for an unknown signal', async () => {
    expect((await ping('/ping/no-such-key')).status).toBe(404);
    const check = await newCheck('badsignal');
    const res = await ping(`${check.path}/explode`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('signal');
  });
});
