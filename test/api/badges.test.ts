// Badges (issue #20): a client's, a check's and a tag's band at an unguessable public URL, as SVG,
// JSON and a Shields.io endpoint document, with a short cache and nothing else inside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'));
let app: TestApp;
let client: { id: string; badge_url: string };
let checkBad: { id: string; name: string; badge_url: string };

const pathOf = (url: string) => new URL(url).pathname;
const anon = (path: string) => app.request('GET', path, { token: null });

async function report(device: string, status: string, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/api/v1/jobs', {
    body: jobReport({ client: 'Badge Co', device: { name: device, class: 'server', type: 'vm' }, status, message: 'disk error on 10.1.2.3', ...extra }),
  });
  expect(res.status).toBe(202);
  return res.body.items[0] as { device_id: string; check_id: string; client_id: string };
}

beforeAll(async () => {
  // No background evaluator: runUntilIdle() alone evaluates, so a test never races it.
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
  await report('GOOD-01', 'succeeded');
  const bad = await report('BAD-01', 'failed');
  await app.kw.evaluator.runUntilIdle();
  client = (await app.request('GET', `/api/v1/clients/${bad.client_id}`)).body;
  checkBad = (await app.request('GET', `/api/v1/checks/${bad.check_id}`)).body;
});
afterAll(async () => app.close());

describe('badges', () => {
  it('shows a badge_url ending in .svg on clients and checks', () => {
    expect(client.badge_url).toMatch(/^http.*\/badge\/[0-9a-f]{32}\.svg$/);
    expect(checkBad.badge_url).toMatch(/\/badge\/[0-9a-f]{32}\.svg$/);
    expect(client.badge_url).not.toBe(checkBad.badge_url);
  });

  it("answers the client's worst device band as json with only status and label, cached briefly", async () => {
    const devices = (await app.request('GET', `/api/v1/devices?client=${client.id}`)).body.items as { status: string }[];
    expect(devices.map((d) => d.status)).toContain('critical');
    const res = await anon(pathOf(client.badge_url).replace(/\.svg$/, '.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.body).toEqual({ status: 'critical', label: 'Badge Co' });
  });

  it('serves an SVG with an accessible title and the band colour', async () => {
    const res = await anon(pathOf(client.badge_url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.text).toMatch(/^<svg /);
    expect(res.text).toContain('<title>Badge Co: critical</title>');
    expect(res.text).toContain('#e05d44');
    expect(res.text).not.toContain('10.1.2.3');
  });

  it('serves a Shields.io endpoint document', async () => {
    const res = await anon(pathOf(checkBad.badge_url).replace(/\.svg$/, '.shields'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemaVersion: 1, label: checkBad.name, message: 'critical', color: 'red' });
  });

  it('gives a healthy check a green badge', async () => {
    const good = await report('GOOD-02', 'succeeded', { check: { name: 'Green backup', kind: 'backup' } });
    await app.kw.evaluator.runUntilIdle();
    const check = (await app.request('GET', `/api/v1/checks/${good.check_id}`)).body;
    expect(check.state).toBe('up');
    const res = await anon(pathOf(check.badge_url).replace(/\.svg$/, '.shields'));
    expect(res.body).toMatchObject({ label: 'Green backup', message: 'healthy', color: 'brightgreen' });
  });

  it('answers 404 for a guessed key and 400 for a malformed file name', async () => {
    expect((await anon('/badge/0123456789abcdef0123456789abcdef.svg')).status).toBe(404);
    expect((await anon('/badge/t000000000000000000000000cHJvZA.json')).status).toBe(404);
    const bad = await anon('/badge/abc.png');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('file');
  });

  it('regenerates a client badge key: the old URL is 404, the new one works (operator, audited)', async () => {
    const res = await app.request('POST', `/api/v1/clients/${client.id}/badge-key`);
    expect(res.status).toBe(200);
    expect(res.body.badge_url).not.toBe(client.badge_url);
    expect((await anon(pathOf(client.badge_url))).status).toBe(404);
    expect((await anon(pathOf(res.body.badge_url))).status).toBe(200);
    expect((await app.request('GET', `/api/v1/clients/${client.id}`)).body.badge_url).toBe(res.body.badge_url);
    const viewer = await app.token('read');
    expect((await app.request('POST', `/api/v1/clients/${client.id}/badge-key`, { token: viewer })).status).toBe(403);
  });

  it('regenerates a check badge key', async () => {
    const res = await app.request('POST', `/api/v1/checks/${checkBad.id}/badge-key`);
    expect(res.status).toBe(200);
    expect((await anon(pathOf(checkBad.badge_url))).status).toBe(404);
    expect((await anon(pathOf(res.body.badge_url))).status).toBe(200);
  });

  it('gives a tag a stable badge: the worst band of the devices carrying it, until the secret is rotated', async () => {
    const tagged = await report('TAGGED-01', 'failed', { device: { name: 'TAGGED-01', class: 'server', type: 'vm', tags: ['site:paris'] } });
    await app.kw.evaluator.runUntilIdle();
    const device = (await app.request('GET', `/api/v1/devices/${tagged.device_id}`)).body;
    expect(device.tags).toEqual(['site:paris']);
    const first = await app.request('GET', '/api/v1/tags/Site%3AParis/badge');
    expect(first.status).toBe(200);
    expect(first.body.tag).toBe('site:paris');
    expect((await app.request('GET', '/api/v1/tags/site:paris/badge')).body.badge_url).toBe(first.body.badge_url);
    const json = await anon(pathOf(first.body.badge_url).replace(/\.svg$/, '.json'));
    expect(json.body).toEqual({ status: device.status, label: 'site:paris' });
    expect(json.body.status).toBe('critical');
    const untagged = await anon(pathOf((await app.request('GET', '/api/v1/tags/nobody/badge')).body.badge_url).replace(/\.svg$/, '.json'));
    expect(untagged.body).toEqual({ status: 'unknown', label: 'nobody' });

    expect((await app.request('POST', '/api/v1/tags/badge-key')).status).toBe(204);
    expect((await anon(pathOf(first.body.badge_url))).status).toBe(404);
    expect((await app.request('GET', '/api/v1/tags/site:paris/badge')).body.badge_url).not.toBe(first.body.badge_url);
  });

  it('refuses a bad tag with a 400 naming the field, and a limited principal a tag badge', async () => {
    const bad = await app.request('GET', '/api/v1/tags/no%20spaces/badge');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('tag');
    const limited = await app.token('read', { clientIds: [client.id] });
    expect((await app.request('GET', '/api/v1/tags/prod/badge', { token: limited })).status).toBe(403);
  });
});
