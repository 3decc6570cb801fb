// review_overdue (docs/review.md): one workspace problem, raised by the notification schedule's
// pass once today's review due hour has passed with a failed or warning run of an earlier day (up
// to 7 days back) unreviewed, routed like any alert, resolved when those days' queue is empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewRepository, reviewable } from '../../src/db/repositories/reviews.js';
import { OVERDUE_COUNT_CAP, overdueTitle } from '../../src/reviews/watch.js';
import { TEST_DIALECT } from '../helpers/db.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type HttpReceiver, startHttpReceiver } from '../helpers/receivers.js';

let app: EngineApp;
let rx: HttpReceiver;

beforeAll(async () => {
  rx = await startHttpReceiver();
  app = await startEngine('2026-11-10T08:00:00Z');
  const ch = await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'Review desk', config: { url: `${rx.url}/review` }, types: ['review_overdue'] } });
  expect(ch.status, ch.text).toBe(201);
});
afterAll(async () => {
  await app.close();
  await rx.close();
});

/** The schedule's pass, as the notifier loop runs it every few seconds, with its deliveries sent. */
const pass = () => app.kw.notifier.runUntilIdle();
const overdue = async () => (await app.alerts('type=review_overdue')).filter((a) => a.type === 'review_overdue');
const run = (at: string, status: string, device = 'RV-01') => job(at, { client: 'Review Co', device: { name: device }, check: { name: 'Nightly backup', kind: 'backup' }, status });

describe('review_overdue', () => {
  let yesterday: string[];
  it('waits for the due hour: nothing before 10:00 the next day', async () => {
    yesterday = (await app.report(run('2026-11-09T03:00:00Z', 'failed'), run('2026-11-09T04:00:00Z', 'warning', 'RV-02'))).map((r: any) => r.id);
    // Today's own failure is not due before tomorrow.
    await app.report(run('2026-11-10T07:00:00Z', 'failed', 'RV-03'));
    await pass();
    expect(await overdue()).toEqual([]);
    app.clock.set(Date.parse('2026-11-10T09:59:00Z'));
    await pass();
    expect(await overdue()).toEqual([]);
  });

  it('raises one workspace alert after the due hour, routed to the channels that take its type', async () => {
    app.clock.set(Date.parse('2026-11-10T10:00:00Z'));
    await pass();
    const [alert, ...more] = await overdue();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ type: 'review_overdue', severity: 'warning', state: 'open', scope: 'integration', client_id: null, device_id: null });
    expect(alert.title).toBe('Daily review overdue: 3 failed or warning runs since 2026-11-09 not reviewed');
    expect(alert.detail).toMatchObject({ unreviewed: 3, unreviewed_capped: false, oldest_day: '2026-11-09' });
    await pass();
    expect(await overdue()).toHaveLength(1);
    const events = rx.received.filter((r) => r.path === '/review').map((r) => `${r.body.event} ${r.body.alert.type}`);
    expect(events).toEqual(['alert.raised review_overdue']);
  });

  it('counts the unreviewed runs only up to a cap, oldest first: the look runs every 15 s however long the queue', async () => {
    const repo = new ReviewRepository(app.kw.database.db);
    const from = Date.parse('2026-11-03T00:00:00Z');
    expect(await repo.oldestUnreviewed(from, 10)).toEqual({ at: Date.parse('2026-11-09T03:00:00Z'), count: 3, capped: false });
    expect(await repo.oldestUnreviewed(from, 3)).toEqual({ at: Date.parse('2026-11-09T03:00:00Z'), count: 3, capped: false });
    expect(await repo.oldestUnreviewed(from, 2)).toEqual({ at: Date.parse('2026-11-09T03:00:00Z'), count: 2, capped: true });
    expect(await repo.oldestUnreviewed(Date.parse('2026-11-09T03:30:00Z'), 1)).toEqual({ at: Date.parse('2026-11-09T04:00:00Z'), count: 1, capped: true });
    expect(await repo.oldestUnreviewed(Date.parse('2026-11-10T08:00:00Z'), 5)).toBeNull();
  });

  it('says "more than" the cap in the title when the look stopped counting there', () => {
    expect(OVERDUE_COUNT_CAP).toBe(1000);
    expect(overdueTitle(1000, true, '2026-11-09')).toBe('Daily review overdue: more than 1,000 failed or warning runs since 2026-11-09 not reviewed');
    expect(overdueTitle(1, true, '2026-11-09')).toBe('Daily review overdue: more than 1 failed or warning runs since 2026-11-09 not reviewed');
    expect(overdueTitle(1, false, '2026-11-09')).toBe('Daily review overdue: 1 failed or warning run since 2026-11-09 not reviewed');
    expect(overdueTitle(1000, false, '2026-11-09')).toBe('Daily review overdue: 1,000 failed or warning runs since 2026-11-09 not reviewed');
  });

  it.runIf(TEST_DIALECT === 'sqlite')('counts the queue from jobs_review_idx alone, by client too (SQLite plan)', () => {
    // Every run's table row was read for its id and client: ~1 s a count on a big estate.
    for (const f of [{ clientIds: null, from: 0 }, { clientIds: ['a', 'b'], from: 0, to: 1 }]) {
      const q = reviewable(app.kw.database.db, f)
        .where('job_reviews.job_id', 'is', null)
        .select((eb) => eb.fn.countAll().as('n'))
        .compile();
      const plan = app.kw.database.sqlite!.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>;
      expect(plan.map((r) => r.detail).join(' | ')).toMatch(/SEARCH jobs USING COVERING INDEX jobs_review_idx/);
    }
  });

  it('stays while any of those runs is unreviewed, and resolves (notified) when the queue for those days is empty', async () => {
    await app.request('POST', `/api/v1/jobs/${yesterday[0]}/review`, { body: { note: 'checked' } });
    await pass();
    expect(await overdue()).toHaveLength(1);
    await app.request('POST', '/api/v1/reviews', { body: { job_ids: [yesterday[1]] } });
    await pass();
    expect(await overdue()).toEqual([]);
    const [resolved] = await app.alerts('type=review_overdue&state=resolved');
    expect(resolved.resolved_at).toBe('2026-11-10T10:00:00.000Z');
    expect(rx.received.filter((r) => r.path === '/review').map((r) => r.body.event)).toEqual(['alert.raised', 'alert.resolved']);
  });

  it('ignores runs older than 7 days, and follows the workspace time zone and due hour', async () => {
    await app.report(run('2026-11-01T03:00:00Z', 'failed', 'RV-OLD'));
    app.clock.set(Date.parse('2026-11-11T06:00:00Z'));
    // RV-03's run of the 10th is due at 10:00 on the 11th; in New York at 06:00 local (11:00 UTC).
    await app.request('PUT', '/api/v1/settings', { body: { timezone: 'America/New_York', review_due_hour: 6 } });
    await pass();
    expect(await overdue()).toEqual([]);
    app.clock.set(Date.parse('2026-11-11T10:59:00Z'));
    await pass();
    expect(await overdue()).toEqual([]);
    app.clock.set(Date.parse('2026-11-11T11:00:00Z'));
    await pass();
    expect(await overdue()).toHaveLength(1);
  });

  it('is not raised when its category is off, and an open one resolves', async () => {
    await app.request('PUT', '/api/v1/settings', { body: { timezone: 'America/New_York', review_due_hour: 6, categories: { review_overdue: false } } });
    await pass();
    expect(await overdue()).toEqual([]);
    app.clock.advance(2 * HOUR);
    await pass();
    expect(await overdue()).toEqual([]);
    await app.request('PUT', '/api/v1/settings', { body: {} });
    app.clock.advance(DAY);
    await pass();
    expect(await overdue()).toHaveLength(1);
  });
});
