import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let clientIds: Record<string, string>;

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  const jobs = [];
  for (const client of ['Alpha', 'Bravo']) {
    for (let i = 0; i < 7; i++) {
      jobs.push(
        jobReport({
          external_id: `${client}-${i}`,
          client,
          device: { name: `${client.toUpperCase()}-${String(i).padStart(2, '0')}`, class: i < 4 ? 'server' : 'workstation' },
          ended_at: `2026-11-20T0${i}:30:00Z`,
          started_at: `2026-11-20T0${i}:00:00Z`,
        }),
      );
    }
  }
  const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
  clientIds = {};
  for (const [i, item] of res.body.items.entries()) clientIds[jobs[i]!.client as string] = item.client_id;
});
afterAll(async () => app.close());

async function collect(path: string, token?: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await app.request('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

describe('reading what was ingested', () => {
  it('lists clients with device counts, the default client included', async () => {
    const res = await app.request('GET', '/api/v1/clients');
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['Alpha', 'Bravo', 'default']);
    expect(res.body.items[0]).toMatchObject({ device_count: 7 });
  });

  it('pages through devices by name with a cursor, without gaps or repeats', async () => {
    const all = await collect('/api/v1/devices?limit=3');
    const expected = ['ALPHA', 'BRAVO'].flatMap((c) => [0, 1, 2, 3, 4, 5, 6].map((i) => `${c}-0${i}`));
    expect(all.map((d) => d.name)).toEqual(expected);
  });

  it('filters devices by client, class and name', async () => {
    const alpha = await app.request('GET', `/api/v1/devices?client=${clientIds.Alpha}&class=workstation`);
    expect(alpha.body.items.map((d: { name: string }) => d.name)).toEqual(['ALPHA-04', 'ALPHA-05', 'ALPHA-06']);
    const q = await app.request('GET', '/api/v1/devices?q=vo-0');
    expect(q.body.items).toHaveLength(7);
    await app.kw.evaluator.runUntilIdle();
    const statuses = (await app.request('GET', '/api/v1/devices?limit=500')).body.items.map((d: { status: string }) => d.status);
    const some = statuses[0];
    const page = await app.request('GET', `/api/v1/devices?status=${some}&limit=1`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].status).toBe(some);
    expect(page.body.next_cursor === null).toBe(statuses.filter((s: string) => s === some).length === 1);
  });

  it('treats LIKE wildcards in the search as plain characters', async () => {
    const res = await app.request('GET', '/api/v1/devices?q=%25');
    expect(res.body.items).toEqual([]);
    const under = await app.request('GET', '/api/v1/devices?q=alpha_0');
    expect(under.body.items).toEqual([]);
  });

  it("lists a device's jobs newest first, paged", async () => {
    const res = await app.request('POST', '/api/v1/jobs', {
      body: {
        jobs: [1, 2, 3, 4, 5].map((d) => jobReport({ external_id: `hist-${d}`, client: 'Alpha', device: { name: 'HISTORY' }, started_at: `2026-11-1${d}T01:00:00Z`, ended_at: `2026-11-1${d}T02:00:00Z` })),
      },
    });
    const deviceId = res.body.items[0].device_id;
    const jobs = await collect(`/api/v1/devices/${deviceId}/jobs?limit=2`);
    expect(jobs.map((j) => j.external_id)).toEqual(['hist-5', 'hist-4', 'hist-3', 'hist-2', 'hist-1']);
  });

  it('lists checks, filtered by client and kind', async () => {
    const all = await collect(`/api/v1/checks?client=${clientIds.Bravo}`);
    expect(all).toHaveLength(7);
    expect(all.every((c) => c.kind === 'backup' && c.client_id === clientIds.Bravo)).toBe(true);
    const copies = await app.request('GET', '/api/v1/checks?kind=copy');
    expect(copies.body.items).toEqual([]);
  });

  it('answers 400 for a cursor it did not give out and for a limit out of range', async () => {
    const bad = await app.request('GET', '/api/v1/devices?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('cursor');
    const limit = await app.request('GET', '/api/v1/devices?limit=501');
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].field).toBe('limit');
    const status = await app.request('GET', '/api/v1/devices?status=purple');
    expect(status.body.errors[0].field).toBe('status');
  });

  it('shows a client-limited token only its clients, and hides the rest as not found', async () => {
    const token = await app.token('read', { clientIds: [clientIds.Alpha!] });
    const clients = await collect('/api/v1/clients', token);
    expect(clients.map((c) => c.name)).toEqual(['Alpha']);
    const devices = await collect('/api/v1/devices', token);
    expect(devices.every((d) => d.client_id === clientIds.Alpha)).toBe(true);
    const bravoDevice = (await app.request('GET', `/api/v1/devices?client=${clientIds.Bravo}`)).body.items[0];
    expect((await app.request('GET', `/api/v1/devices/${bravoDevice.id}`, { token })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/devices/${bravoDevice.id}/jobs`, { token })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/clients/${clientIds.Bravo}`, { token })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/checks?client=${clientIds.Bravo}`, { token })).body.items).toEqual([]);
  });

  it('answers a problem for an unknown route and an unknown id', async () => {
    const route = await app.request('GET', '/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toContain('application/problem+json');
    expect((await app.request('GET', '/api/v1/devices/01900000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
