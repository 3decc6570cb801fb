// Name-addressed pings (issue #20): `/ping/<client ping_key>/<device>/<check>[/signal]`, as an
// RMM tool deploys one line to every machine of a client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
const clock = new ManualClock(Date.parse('2026-11-20T00:00:00Z'));
let minute = 0;

beforeAll(async () => {
  app = await startApp({ clock });
});
afterAll(async () => app.close());

/** Each ping a minute after the last, so jobs sort by the order they were sent. */
function tick(): void {
  clock.set(Date.parse('2026-11-20T00:00:00Z') + ++minute * 60_000);
}

async function newClient(name: string): Promise<{ id: string; key: string }> {
  const res = await app.request('POST', '/api/v1/checks', {
    body: { name: 'Seed', client: name, device: { name: `${name}-seed` }, schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(res.status).toBe(201);
  const client = await app.request('GET', `/api/v1/clients/${res.body.client_id}`);
  expect(client.body.ping_key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  return { id: client.body.id, key: client.body.ping_key };
}

async function newCheck(clientName: string, device: string, check: string) {
  const res = await app.request('POST', '/api/v1/checks', {
    body: { name: check, client: clientName, device: { name: device }, schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, deviceId: res.body.device_id as string };
}

const ping = (path: string, method = 'GET', body?: string) =>
  app.request(method, path, { token: null, ...(body !== undefined && { rawBody: body, headers: { 'content-type': 'text/plain' } }) });

async function jobsOf(check: { id: string; deviceId: string }) {
  const res = await app.request('GET', `/api/v1/devices/${check.deviceId}/jobs?check=${check.id}`);
  return res.body.items as Array<Record<string, any>>;
}

async function devicesOf(clientId: string) {
  const res = await app.request('GET', `/api/v1/devices?client=${clientId}&limit=500`);
  return res.body.items as Array<Record<string, any>>;
}

describe('pings by client key and names', () => {
  it('records every signal on the check named, whatever the case and spacing of the names', async () => {
    const client = await newClient('Acme');
    const check = await newCheck('Acme', 'FS01', 'Nightly Backup');
    const base = `/ping/${client.key}/fs01/nightly%20%20backup`;
    for (const suffix of ['/start', '', '/fail', '/warn', '/0', '/3']) {
      tick();
      const res = await ping(base + suffix);
      expect(res.status).toBe(200);
      expect(res.text).toBe('OK');
    }
    const jobs = await jobsOf(check);
    expect(jobs.map((j) => [j.status, j.raw_status])).toEqual([
      ['failed', 'exit 3'],
      ['succeeded', 'exit 0'],
      ['warning', 'warn'],
      ['failed', 'fail'],
      ['succeeded', 'success'],
    ]);
    // The success completed the start: one run with its duration, not a running job left behind.
    expect(jobs.at(-1)).toMatchObject({ source: 'ping', duration_seconds: 60 });
  });

  it('records a HEAD like a GET, on name URLs and on check-key URLs', async () => {
    const client = await newClient('Heads');
    const check = await newCheck('Heads', 'web01', 'db dump');
    tick();
    const byName = await ping(`/ping/${client.key}/WEB01/DB%20dump/fail`, 'HEAD');
    expect(byName.status).toBe(200);
    expect((await jobsOf(check)).map((j) => j.status)).toEqual(['failed']);
    const detail = await app.request('GET', `/api/v1/checks/${check.id}`);
    const byKey = new URL(detail.body.ping_url).pathname;
    tick();
    expect((await ping(byKey, 'HEAD')).status).toBe(200);
    expect((await jobsOf(check)).map((j) => j.status)).toEqual(['succeeded', 'failed']);
  });

  it('keeps a /log as a line on the timeline without touching any run', async () => {
    const client = await newClient('Loggers');
    const check = await newCheck('Loggers', 'nas', 'rsync');
    tick();
    await ping(`/ping/${client.key}/nas/rsync/start`);
    tick();
    const res = await ping(`/ping/${client.key}/nas/rsync/log?rid=x`, 'POST', 'copied 1,204 files so far');
    expect(res.status).toBe(200);
    const jobs = await jobsOf(check);
    expect(jobs.map((j) => j.status)).toEqual(['running']);
    const logs = await app.request('GET', `/api/v1/devices/${check.deviceId}/ping-logs?check=${check.id}`);
    expect(logs.status).toBe(200);
    expect(logs.body.items).toEqual([
      expect.objectContaining({ check_id: check.id, message: 'copied 1,204 files so far', run_id: 'x', received_at: new Date(clock.now()).toISOString() }),
    ]);
    // The run still ends normally after the log line.
    tick();
    await ping(`/ping/${client.key}/nas/rsync`);
    expect((await jobsOf(check)).map((j) => [j.status, j.duration_seconds])).toEqual([['succeeded', 120]]);
    // Log lines go with their check: deleting it is not blocked by them.
    expect((await app.request('DELETE', `/api/v1/checks/${check.id}`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/devices/${check.deviceId}/ping-logs`)).body.items).toEqual([]);
  });

  it('creates an unknown device and check with create=1, as a server backup unless class and kind say otherwise', async () => {
    const client = await newClient('Rmm');
    tick();
    expect((await ping(`/ping/${client.key}/LAPTOP-7/Nightly%20backup?create=1`)).status).toBe(200);
    tick();
    expect((await ping(`/ping/${client.key}/desk-9/OneDrive%20copy/warn?create=1&class=workstation&kind=copy`)).status).toBe(200);
    const devices = await devicesOf(client.id);
    const laptop = devices.find((d) => d.name === 'LAPTOP-7');
    const desk = devices.find((d) => d.name === 'desk-9');
    expect(laptop).toMatchObject({ class: 'server', checks: [expect.objectContaining({ name: 'Nightly backup', kind: 'backup' })] });
    expect(desk).toMatchObject({ class: 'workstation', checks: [expect.objectContaining({ name: 'OneDrive copy', kind: 'copy' })] });
    const [job] = await jobsOf({ id: desk!.checks[0].id, deviceId: desk!.id });
    expect(job).toMatchObject({ status: 'warning' });
    // The second ping finds what the first created, whatever the case.
    tick();
    expect((await ping(`/ping/${client.key}/laptop-7/NIGHTLY%20BACKUP?create=1`)).status).toBe(200);
    expect((await devicesOf(client.id)).filter((d) => d.name_key === 'laptop-7' || d.name === 'LAPTOP-7')).toHaveLength(1);
    expect(await jobsOf({ id: laptop!.checks[0].id, deviceId: laptop!.id })).toHaveLength(2);
  });

  it('refuses a bad class, kind or signal with a 400 naming the field, and creates nothing', async () => {
    const client = await newClient('Strict');
    const before = (await devicesOf(client.id)).length;
    for (const [query, field] of [
      ['?create=1&class=toaster', 'class'],
      ['?create=1&kind=nightly', 'kind'],
      ['?create=maybe', 'create'],
    ] as const) {
      const res = await ping(`/ping/${client.key}/new-box/backup${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    const bad = await ping(`/ping/${client.key}/new-box/backup/explode?create=1`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('signal');
    expect(await devicesOf(client.id)).toHaveLength(before);
  });

  it('answers 404 for an unknown device or check without create, and creates nothing', async () => {
    const client = await newClient('NoCreate');
    await newCheck('NoCreate', 'known', 'backup');
    const before = await devicesOf(client.id);
    expect((await ping(`/ping/${client.key}/unknown/backup`)).status).toBe(404);
    expect((await ping(`/ping/${client.key}/known/unknown-check`)).status).toBe(404);
    expect((await ping(`/ping/${client.key}/known/unknown-check?create=0`)).status).toBe(404);
    const after = await devicesOf(client.id);
    expect(after.map((d) => [d.name, d.checks.length])).toEqual(before.map((d) => [d.name, d.checks.length]));
  });

  it('answers 404 for a wrong key even with create=1, and creates nothing anywhere', async () => {
    const all = async () => (await app.request('GET', '/api/v1/devices?limit=500')).body.items.length as number;
    const before = await all();
    const res = await ping('/ping/not-a-real-key-0000000000/ghost/backup?create=1');
    expect(res.status).toBe(404);
    expect(await all()).toBe(before);
  });

  it('keeps the end of a long body, with the cut marked at the start', async () => {
    const client = await newClient('Long');
    const check = await newCheck('Long', 'sql01', 'full');
    const body = `${'progress line\n'.repeat(10_000)}Backup completed: 42 files, 0 errors`;
    tick();
    expect((await ping(`/ping/${client.key}/sql01/full`, 'POST', body)).status).toBe(200);
    const [job] = await jobsOf(check);
    const log = (await app.request('GET', `/api/v1/jobs/${job!.id}`)).body.log as string;
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(100_000);
    expect(log.endsWith('Backup completed: 42 files, 0 errors')).toBe(true);
    const mark = /^\[… ([\d,]+) bytes cut\]\n/.exec(log)!;
    expect(mark).not.toBeNull();
    expect(Number(mark[1]!.replace(/,/g, '')) + Buffer.byteLength(log.slice(mark[0].length))).toBe(Buffer.byteLength(body));
  });

  it('refuses a body over 1 MB with 413 and records nothing', async () => {
    const client = await newClient('Huge');
    const check = await newCheck('Huge', 'srv', 'dump');
    tick();
    const res = await ping(`/ping/${client.key}/srv/dump`, 'POST', 'x'.repeat(1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(await jobsOf(check)).toHaveLength(0);
  });

  it('regenerating the key answers the client with a new key; the old one is 404 from then on', async () => {
    const client = await newClient('Rotate');
    const check = await newCheck('Rotate', 'srv', 'job');
    tick();
    expect((await ping(`/ping/${client.key}/srv/job`)).status).toBe(200);
    const res = await app.request('POST', `/api/v1/clients/${client.id}/ping-key`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: client.id, name: 'Rotate' });
    expect(res.body.ping_key).not.toBe(client.key);
    tick();
    expect((await ping(`/ping/${client.key}/srv/job`)).status).toBe(404);
    expect((await ping(`/ping/${res.body.ping_key}/srv/job`)).status).toBe(200);
    expect(await jobsOf(check)).toHaveLength(2);
    // The export is NDJSON, which the helper's JSON parsing cannot read: plain fetch.
    const audit = await fetch(`${app.url}/api/v1/exports/audit?from=2026-01-01&to=2099-01-01`, { headers: { authorization: `Bearer ${await app.token('admin')}` } });
    expect(audit.status).toBe(200);
    const lines = (await audit.text()).trim().split('\n').map((l) => JSON.parse(l) as { action: string; target_id: string | null });
    const entries = lines.filter((e) => e.target_id === client.id);
    expect(entries.map((e) => e.action)).toContain('client.ping_key.regenerate');
  });

  it('lets a token limited to other clients neither regenerate nor see the key', async () => {
    const mine = await newClient('Mine');
    const other = await newClient('Other');
    const token = await app.token('admin', { clientIds: [mine.id] });
    expect((await app.request('POST', `/api/v1/clients/${other.id}/ping-key`, { token })).status).toBe(404);
    expect((await app.request('POST', `/api/v1/clients/${mine.id}/ping-key`, { token })).status).toBe(200);
    const reader = await app.token('read');
    expect((await app.request('POST', `/api/v1/clients/${mine.id}/ping-key`, { token: reader })).status).toBe(403);
  });
});
