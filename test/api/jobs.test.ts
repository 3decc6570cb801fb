import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, jobReport, startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

const post = (body: unknown, token?: string | null) => app.request('POST', '/api/v1/jobs', { body, token });

describe('POST /api/v1/jobs', () => {
  it('stores a job and creates the client, device and check it names', async () => {
    const ingest = await app.token('ingest');
    const res = await post(jobReport({ external_id: 'first', client: 'Discovery Ltd', device: { name: 'DISC-SRV01', class: 'server', type: 'vm' } }), ingest);
    expect(res.status).toBe(202);
    const [item] = res.body.items;
    expect(item.created).toBe(true);

    const client = await app.request('GET', `/api/v1/clients/${item.client_id}`);
    expect(client.body).toMatchObject({ name: 'Discovery Ltd', device_count: 1 });
    // The background evaluator sets the check's state from the job.
    const device = await eventually(async () => {
      const d = await app.request('GET', `/api/v1/devices/${item.device_id}`);
      expect(d.body.checks[0]).toMatchObject({ state: 'up', last_status: 'succeeded' });
      return d;
    });
    expect(device.body).toMatchObject({ name: 'DISC-SRV01', class: 'server', type: 'vm', client_id: item.client_id });
    expect(device.body.checks).toHaveLength(1);
    expect(device.body.checks[0]).toMatchObject({ id: item.check_id, name: 'Nightly backup', kind: 'backup' });
    expect(device.body.checks[0].ping_url).toMatch(/^http:\/\/keepwatch\.test\/ping\/[\w-]{20,}$/);
  });

  it('updates the same job when (source, external_id) comes again, never duplicating it', async () => {
    const running = jobReport({ external_id: 'run-1', device: { name: 'UPD-01' }, status: 'running', ended_at: null });
    const first = await post(running);
    const second = await post({ ...running, status: 'succeeded', ended_at: '2026-11-20T01:30:00Z', bytes: 1234 });
    expect(second.status).toBe(202);
    expect(second.body.items[0]).toMatchObject({ id: first.body.items[0].id, created: false });

    const jobs = await app.request('GET', `/api/v1/devices/${first.body.items[0].device_id}/jobs`);
    expect(jobs.body.items).toHaveLength(1);
    expect(jobs.body.items[0]).toMatchObject({ status: 'succeeded', bytes: 1234, duration_seconds: 1800, ended_at: '2026-11-20T01:30:00.000Z' });
  });

  it('does not let a late "running" report rewind a finished job', async () => {
    const done = jobReport({ external_id: 'late-1', device: { name: 'LATE-01' }, status: 'failed', message: 'disk full' });
    const first = await post(done);
    await post({ ...done, status: 'running', ended_at: null, message: null });
    const job = await app.request('GET', `/api/v1/jobs/${first.body.items[0].id}`);
    expect(job.body).toMatchObject({ status: 'failed', message: 'disk full' });
  });

  it('keeps fields it does not know in the raw payload', async () => {
    const res = await post(jobReport({ external_id: 'raw-1', vendor: { job_session: 'abc', vms: 3 }, device: { name: 'RAW-01', serial: 'XYZ' } }));
    const job = await app.request('GET', `/api/v1/jobs/${res.body.items[0].id}`);
    expect(job.body.raw).toMatchObject({ vendor: { job_session: 'abc', vms: 3 }, device: { name: 'RAW-01', serial: 'XYZ' } });
  });

  it('accepts a batch of 1,000 jobs in one call and answers each', async () => {
    const jobs = Array.from({ length: 1000 }, (_, i) =>
      jobReport({ external_id: `batch-${i}`, client: 'Batch Co', device: { name: `BATCH-${i % 50}`, class: i % 2 ? 'workstation' : 'server' } }),
    );
    const res = await post({ jobs });
    expect(res.status).toBe(202);
    expect(res.body.items).toHaveLength(1000);
    expect(res.body.items.every((i: { created: boolean }) => i.created)).toBe(true);
    expect(new Set(res.body.items.map((i: { device_id: string }) => i.device_id)).size).toBe(50);
    const again = await post({ jobs });
    expect(again.body.items.every((i: { created: boolean }) => !i.created)).toBe(true);
    expect(again.body.items.map((i: { id: string }) => i.id)).toEqual(res.body.items.map((i: { id: string }) => i.id));
  });

  it('refuses a batch over 1,000 jobs, naming the field', async () => {
    const jobs = Array.from({ length: 1001 }, (_, i) => jobReport({ external_id: `over-${i}` }));
    const res = await post({ jobs });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'jobs', message: expect.stringMatching(/1000/) });
  });

  it('rejects a whole batch when one job is bad, naming it, and stores none', async () => {
    const jobs = [jobReport({ external_id: 'ok-a', device: { name: 'ATOMIC-01' } }), jobReport({ external_id: 'bad-b', status: 'exploded' })];
    const res = await post({ jobs });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'jobs[1].status', message: expect.stringContaining('must be one of: succeeded') }]);
    const devices = await app.request('GET', '/api/v1/devices?q=atomic');
    expect(devices.body.items).toEqual([]);
  });

  it.each([
    ['a missing required field', jobReport({ device: undefined }), 'device'],
    ['a missing device name', jobReport({ device: { class: 'server' } }), 'device.name'],
    ['a wrong type', jobReport({ bytes: 'lots' }), 'bytes'],
    ['a negative size', jobReport({ bytes: -1 }), 'bytes'],
    ['an unknown enum value', jobReport({ device: { name: 'X', class: 'mainframe' } }), 'device.class'],
    ['an unknown reason', jobReport({ reason: 'bad_luck' }), 'reason'],
    ['a time without a zone', jobReport({ started_at: '2026-11-20 01:00' }), 'started_at'],
    ['an end before the start', jobReport({ ended_at: '2026-11-19T01:00:00Z' }), 'ended_at'],
    ['a blank device name', jobReport({ device: { name: '   ' } }), 'device.name'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("refuses a time more than 10 minutes ahead of the server's clock, naming the field, and stores nothing", async () => {
    const single = await post(jobReport({ device: { name: 'FUTURE-01' }, started_at: null, ended_at: '2099-01-01T00:00:00Z' }));
    expect(single.status).toBe(400);
    expect(single.headers.get('content-type')).toContain('application/problem+json');
    expect(single.body.errors).toEqual([{ field: 'ended_at', message: expect.stringContaining('10 minutes ahead') }]);

    const soon = new Date(Date.now() + 20 * 60_000).toISOString();
    const start = await post(jobReport({ device: { name: 'FUTURE-01' }, started_at: soon, ended_at: null, status: 'running' }));
    expect(start.status).toBe(400);
    expect(start.body.errors.map((e: { field: string }) => e.field)).toEqual(['started_at']);

    const batch = await post({
      jobs: [
        jobReport({ device: { name: 'FUTURE-01' } }),
        jobReport({ device: { name: 'FUTURE-01' }, started_at: null, ended_at: '2099-01-01T00:00:00Z' }),
        jobReport({ device: { name: 'FUTURE-01' } }),
        jobReport({ device: { name: 'FUTURE-01' }, started_at: '2099-01-01T00:00:00Z', ended_at: '2099-01-01T01:00:00Z' }),
      ],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.errors.map((e: { field: string }) => e.field)).toEqual(['jobs[1].ended_at', 'jobs[3].started_at', 'jobs[3].ended_at']);
    const devices = await app.request('GET', '/api/v1/devices?q=future-01');
    expect(devices.body.items).toEqual([]);
  });

  it('accepts a time up to 10 minutes ahead (a reporting clock a little fast), not flagged as skewed', async () => {
    const ahead = new Date(Date.now() + 9 * 60_000).toISOString();
    const res = await post(jobReport({ device: { name: 'FAST-CLOCK-01' }, started_at: null, ended_at: ahead }));
    expect(res.status, res.text).toBe(202);
    const job = await app.request('GET', `/api/v1/jobs/${res.body.items[0].id}`);
    expect(job.body).toMatchObject({ ended_at: ahead, clock_skew: false });
  });

  it('answers 400 for malformed JSON and an empty body', async () => {
    const bad = await app.request('POST', '/api/v1/jobs', { rawBody: '{"source": "x",', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    const empty = await app.request('POST', '/api/v1/jobs', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
  });

  it('answers 415 for a body that is not JSON and 413 for one over the limit', async () => {
    const xml = await app.request('POST', '/api/v1/jobs', { rawBody: '<job/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    const huge = await app.request('POST', '/api/v1/jobs', {
      rawBody: JSON.stringify({ jobs: [jobReport({ log: 'x'.repeat(17 * 1024 * 1024) })] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
  });
});

describe('tokens on the job API', () => {
  it('answers 401 without a token and with a made-up one', async () => {
    expect((await post(jobReport(), null)).status).toBe(401);
    expect((await post(jobReport(), 'kw_not-a-real-token')).status).toBe(401);
  });

  it('lets an ingest token write jobs and nothing else', async () => {
    const ingest = await app.token('ingest');
    expect((await post(jobReport({ external_id: 'scope-1' }), ingest)).status).toBe(202);
    expect((await app.request('GET', '/api/v1/devices', { token: ingest })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/clients', { token: ingest })).status).toBe(403);
  });

  it('lets a read token read but not write', async () => {
    const read = await app.token('read');
    expect((await post(jobReport(), read)).status).toBe(403);
    expect((await app.request('GET', '/api/v1/devices', { token: read })).status).toBe(200);
  });

  it('stops a revoked token', async () => {
    const { token, view } = await app.kw.services.tokens.create({ kind: 'system', id: 's', name: 's', abilities: new Set(['admin']), clientIds: null }, { scope: 'ingest', name: 'to-revoke' });
    expect((await post(jobReport({ external_id: 'rev-1' }), token)).status).toBe(202);
    await app.kw.services.tokens.revoke({ kind: 'system', id: 's', name: 's', abilities: new Set(['admin']), clientIds: null }, view.id);
    expect((await post(jobReport({ external_id: 'rev-2' }), token)).status).toBe(401);
  });

  it('answers 429 with Retry-After once the daily limit is used up', async () => {
    const token = await app.token('ingest', { dailyLimit: 3, name: 'limited' });
    for (let i = 0; i < 3; i++) expect((await post(jobReport({ external_id: `lim-${i}` }), token)).status).toBe(202);
    const res = await post(jobReport({ external_id: 'lim-4' }), token);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
  });

  it('keeps a client-limited token to its own clients and never lets it create one', async () => {
    const seed = await post(jobReport({ external_id: 'own-0', client: 'Own Client', device: { name: 'OWN-01' } }));
    const ownId = seed.body.items[0].client_id;
    const token = await app.token('ingest', { clientIds: [ownId] });
    const named = await post(jobReport({ external_id: 'own-1', client: 'Own Client', device: { name: 'OWN-02' } }), token);
    expect(named.status).toBe(202);
    const unnamed = await post(jobReport({ external_id: 'own-2', client: undefined, device: { name: 'OWN-03' } }), token);
    expect(unnamed.body.items[0].client_id).toBe(ownId);
    expect((await post(jobReport({ external_id: 'own-3', client: 'Someone Else' }), token)).status).toBe(403);
    const clients = await app.request('GET', '/api/v1/clients?q=someone');
    expect(clients.body.items).toEqual([]);
  });
});
