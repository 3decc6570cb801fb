// The review figures' read (ReviewRepository.reviewTimes, docs/review.md): every failed and warning
// run of a period as (client, time, review time), read in keyset pages of jobs_review_idx's order so
// that a big estate's month is neither cut at a cap nor read in one go. Pages of 1, 2 and 3 rows
// must give the same runs as one page, including runs of several clients at the same instant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewRepository } from '../../src/db/repositories/reviews.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let repo: ReviewRepository;
const made: any[] = [];

const run = (at: string, client: string, device: string, status: string) => job(at, { client, device: { name: device }, check: { name: 'Nightly backup', kind: 'backup' }, status });

beforeAll(async () => {
  app = await startEngine('2026-11-10T12:00:00Z');
  repo = new ReviewRepository(app.kw.database.db);
  made.push(
    ...(await app.report(
      // Three clients failing at the same instant: the keyset must not skip or repeat ties.
      run('2026-11-08T03:00:00Z', 'Tie A', 'TA-01', 'failed'),
      run('2026-11-08T03:00:00Z', 'Tie B', 'TB-01', 'failed'),
      run('2026-11-08T03:00:00Z', 'Tie C', 'TC-01', 'warning'),
      run('2026-11-08T03:00:00Z', 'Tie A', 'TA-02', 'partial'),
      run('2026-11-08T04:00:00Z', 'Tie B', 'TB-01', 'succeeded'),
      run('2026-11-09T01:00:00Z', 'Tie C', 'TC-01', 'failed'),
      run('2026-11-01T01:00:00Z', 'Tie A', 'TA-01', 'failed'),
    )),
  );
  app.clock.set(Date.parse('2026-11-09T09:30:00Z'));
  const reviewed = await app.request('POST', `/api/v1/jobs/${made[1].id}/review`, { body: { note: 'seen' } });
  expect(reviewed.status, reviewed.text).toBe(200);
});
afterAll(async () => {
  await app.close();
});

describe('reviewTimes', () => {
  const period = { clientIds: null, from: Date.parse('2026-11-05T00:00:00Z'), to: Date.parse('2026-11-10T00:00:00Z') };

  it('answers every failed, partial and warning run of the period with its client and review time', async () => {
    const all = await repo.reviewTimes(period);
    expect(all).toHaveLength(5);
    const at = (s: string) => Date.parse(s);
    expect(all.map((r) => r.at)).toEqual([at('2026-11-08T03:00:00Z'), at('2026-11-08T03:00:00Z'), at('2026-11-08T03:00:00Z'), at('2026-11-08T03:00:00Z'), at('2026-11-09T01:00:00Z')]);
    expect(all.filter((r) => r.reviewedAt !== null)).toEqual([{ client_id: made[1].client_id, at: at('2026-11-08T03:00:00Z'), reviewedAt: at('2026-11-09T09:30:00Z') }]);
    expect(new Set(all.map((r) => r.client_id))).toEqual(new Set([made[0].client_id, made[1].client_id, made[2].client_id]));
  });

  it('gives the same runs read in pages of 1, 2 and 3 rows as in one page', async () => {
    const whole = await repo.reviewTimes(period);
    for (const page of [1, 2, 3]) expect(await repo.reviewTimes(period, page)).toEqual(whole);
  });

  it('keeps to the clients asked for', async () => {
    const mine = await repo.reviewTimes({ ...period, clientIds: [made[2].client_id] }, 1);
    expect(mine.map((r) => r.client_id)).toEqual([made[2].client_id, made[2].client_id]);
    expect(await repo.reviewTimes({ ...period, clientIds: [] }, 1)).toEqual([]);
  });

  it('lists the runs with their names the same in pages of 1, 2 and 3 as in one, and stops at the limit', async () => {
    const whole = await repo.runs(period, 100);
    expect(whole.map((r) => r.id).sort()).toEqual([made[0], made[1], made[2], made[3], made[5]].map((m) => m.id).sort());
    expect(whole.map((r) => r.device_name).slice(-1)).toEqual(['TC-01']);
    for (const page of [1, 2, 3]) expect(await repo.runs(period, 100, page)).toEqual(whole);
    expect(await repo.runs(period, 3, 2)).toEqual(whole.slice(0, 3));
    expect(await repo.runs(period, 0, 2)).toEqual([]);
  });
});
