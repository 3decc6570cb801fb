// A device's score explains itself: GET /api/v1/devices/<id> answers the points each factor took
// off 100 (docs/health-score.md), and a storage warning keeps a device out of the healthy band.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
const start = Date.parse('2026-11-02T00:00:00Z');

beforeAll(async () => {
  app = await startEngine();
});
afterAll(async () => app.close());

type Impact = { factor: string; impact: number; detail: string };
const sum = (b: Impact[]) => b.reduce((s, i) => s + i.impact, 0);

async function deviceNamed(name: string) {
  const list = await app.request('GET', `/api/v1/devices?q=${encodeURIComponent(name)}`);
  const res = await app.request('GET', `/api/v1/devices/${list.body.items[0].id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('score breakdown', () => {
  it('answers the factors of a device with a failure, adding up to score − 100', async () => {
    const device = { name: 'BREAKDOWN-01', class: 'server' };
    const statuses = ['succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded'];
    await app.report(...statuses.map((status, i) => job(start - (4 - i) * DAY - HOUR, { device, status })));
    const d = await deviceNamed('BREAKDOWN-01');
    expect(d.score).toBeLessThan(100);
    expect(d.score_breakdown).toContainEqual({ factor: 'success_rate', impact: expect.any(Number), detail: '4 of 5 jobs succeeded in 7 days' });
    expect(sum(d.score_breakdown)).toBe(d.score - 100);
    for (const i of d.score_breakdown) expect(Number.isInteger(i.impact) && i.impact < 0).toBe(true);
  });

  it('answers an empty breakdown for a device at 100', async () => {
    const device = { name: 'BREAKDOWN-02', class: 'server' };
    await app.report(job(start - HOUR, { device }));
    const d = await deviceNamed('BREAKDOWN-02');
    expect(d).toMatchObject({ score: 100, score_breakdown: [] });
  });

  it('names a cap that lowered the score, with the points it took', async () => {
    const device = { name: 'BREAKDOWN-03', class: 'server' };
    const restoreTest = { device, check: { name: 'Restore test', kind: 'verification' }, operation: 'verification', status: 'failed' };
    await app.report(job(start - 2 * HOUR, { device }), job(start - HOUR, restoreTest));
    const d = await deviceNamed('BREAKDOWN-03');
    expect(d.score).toBe(69);
    expect(d.score_breakdown).toContainEqual({ factor: 'restore_test', impact: expect.any(Number), detail: 'the last restore test failed' });
    expect(d.score_breakdown).toContainEqual({ factor: 'cap', impact: expect.any(Number), detail: 'the last restore test failed: capped at 69' });
    expect(sum(d.score_breakdown)).toBe(d.score - 100);
  });
});

describe('storage warnings', () => {
  it('lower the score of an otherwise healthy device out of the healthy band, and say why', async () => {
    const device = { name: 'STORAGE-01', class: 'server' };
    await app.report(job(start - 2 * HOUR, { device }));
    const before = await deviceNamed('STORAGE-01');
    expect(before).toMatchObject({ score: 100, status: 'healthy' });
    const res = await app.request('PUT', `/api/v1/devices/${before.id}/facts`, { body: { storage_used_bytes: 975e9, storage_quota_bytes: 1000e9 } });
    expect(res.status).toBe(200);
    await app.evaluate();
    const after = await deviceNamed('STORAGE-01');
    expect(after.score).toBeLessThanOrEqual(89);
    expect(after.status).toBe('warning');
    expect(after.score_breakdown.map((i: Impact) => i.factor)).toEqual(['storage', 'cap']);
    expect(after.score_breakdown[1].detail).toBe('storage warning (storage 97.5 % of quota used): capped at 89');
    expect(sum(after.score_breakdown)).toBe(after.score - 100);
  });
});
