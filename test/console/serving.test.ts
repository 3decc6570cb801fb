import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi-document.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
});
afterAll(async () => app.close());

describe('the console is served by the API process', () => {
  it('answers the console page for its own paths, so links from notification e-mails open it', async () => {
    for (const path of ['/', '/devices/0190-abc', '/alerts/0190-def', '/settings/tokens']) {
      const res = await fetch(app.url + path, { headers: { accept: 'text/html' } });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, expect.stringContaining('text/html')]);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain('Keepwatch');
    }
  });

  it('never swallows an API or ping 404, nor a missing file', async () => {
    for (const path of ['/api/v1/nope', '/api/openapi.jsonx', '/ping']) {
      const res = await fetch(app.url + path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, expect.stringContaining('application/problem+json')]);
    }
    expect((await fetch(`${app.url}/assets/missing-0000.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/devices`, { method: 'POST' })).status).toBe(404);
  });
});

describe('the console’s typed client', () => {
  it('is generated from a document that describes every route the server serves', async () => {
    const built = (await openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    const live = (await app.request('GET', '/api/openapi.json', { token: null })).body as typeof built;
    const routes = (doc: typeof built) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(routes(built)).toEqual(routes(live));
    expect(routes(built)).toContain('GET /api/v1/channel-types');
  });
});

describe('sorting devices for the Devices view', () => {
  it('pages through devices worst score first, then by name, without gaps or repeats', async () => {
    const jobs = [];
    // Recent runs (this app runs on the real clock): runs older than the schedule would make
    // every device equally overdue and every score the same.
    const ended = Date.now() - 3_600_000;
    const times = { started_at: new Date(ended - 600_000).toISOString(), ended_at: new Date(ended).toISOString() };
    for (let i = 0; i < 9; i++) {
      const status = i % 3 === 0 ? 'failed' : 'succeeded';
      jobs.push(jobReport({ external_id: `s-${i}`, client: 'Sorted', device: { name: `DEV-${i}` }, status, ...times }));
    }
    await app.request('POST', '/api/v1/jobs', { body: { jobs } });
    await app.kw.evaluator.runUntilIdle();
    const all = await app.request('GET', '/api/v1/devices?limit=500&q=dev-&sort=score');
    const expected = [...all.body.items].sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).map((d) => d.name);
    expect(all.body.items.map((d: { name: string }) => d.name)).toEqual(expected);
    expect(new Set(all.body.items.map((d: { score: number }) => d.score)).size).toBeGreaterThan(1);
    for (const sort of ['score', '-score', 'last_good_at', '-last_good_at', '-name']) {
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ name: string }>; next_cursor: string | null } } = await app.request(
          'GET',
          `/api/v1/devices?limit=2&q=dev-&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...res.body.items.map((d) => d.name));
        cursor = res.body.next_cursor;
      } while (cursor);
      const whole = (await app.request('GET', `/api/v1/devices?limit=500&q=dev-&sort=${sort}`)).body.items.map((d: { name: string }) => d.name);
      expect([sort, paged]).toEqual([sort, whole]);
      expect(paged).toHaveLength(9);
    }
  });

  it('names a bad sort in a 400', async () => {
    const res = await app.request('GET', '/api/v1/devices?sort=colour');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toContain('sort');
  });
});
