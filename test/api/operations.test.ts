import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz without a token', async () => {
    expect((await app.request('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await app.request('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready' });
  });

  it('describes every route it serves in /api/openapi.json', async () => {
    const res = await app.request('GET', '/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const served = app.kw.http.routeTable.filter((r) => r !== 'GET /api/openapi.json');
    expect(served.length).toBeGreaterThan(10);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('documents the error shape and the job payload', async () => {
    const res = await app.request('GET', '/api/openapi.json', { token: null });
    const post = res.body.paths['/api/v1/jobs'].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413']));
    expect(JSON.stringify(post.requestBody)).toContain('external_id');
  });
});
