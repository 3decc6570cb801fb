// The README's five-minute tour, as a newcomer runs it: its job reports and its ping, sent as
// written (the shell's `$(date …)` replaced by now), must leave the first device green.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './helpers/app.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The JSON bodies the tour's `curl … /api/v1/jobs -d '…'` commands send, in order. */
function tourJobBodies(now: Date): unknown[] {
  const tour = README.slice(README.indexOf('## A five-minute tour'));
  const bodies = [...tour.matchAll(/\/api\/v1\/jobs -d '([\s\S]*?)'\n/g)].map((m) => m[1]!);
  // '"$(date -u +%FT%TZ)"' closes the shell quote, inserts the date, and reopens it.
  const date = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return bodies.map((b) => JSON.parse(b.replaceAll(`'"$(date -u +%FT%TZ)"'`, date)));
}

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
});
afterAll(async () => app.close());

describe('the README tour', () => {
  it('reports jobs dated now that the API accepts, and ends with a healthy device and no alerts', async () => {
    const bodies = tourJobBodies(new Date());
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    const ingest = await app.token('ingest');
    for (const body of bodies) {
      const res = await app.request('POST', '/api/v1/jobs', { token: ingest, body });
      expect([res.status, res.text]).toEqual([202, expect.any(String)]);
    }
    const green = async (step: string) => {
      await app.kw.evaluator.runUntilIdle();
      const [device] = (await app.request('GET', '/api/v1/devices')).body.items;
      expect([step, device]).toMatchObject([step, { name: 'FILESERVER01', status: 'healthy', score: 100 }]);
      expect([step, (await app.request('GET', '/api/v1/alerts?state=open')).body.items]).toEqual([step, []]);
    };
    // Step 3 looks at the device: it must already be green.
    await green('after the job reports');
    const checks = (await app.request('GET', '/api/v1/checks')).body.items;
    expect(checks).toHaveLength(1);
    // Step 4: a plain ping of the check's URL.
    expect((await fetch(checks[0].ping_url.replace(/^https?:\/\/[^/]+/, app.url))).status).toBe(200);
    await green('after the ping');
  });
});
