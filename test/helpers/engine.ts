// Engine scenarios: a Keepwatch whose time only moves when the test says, and whose evaluator
// runs when the test asks (the background loop is off), so every step is deterministic.
import { ManualClock } from '../../src/lib/clock.js';
import { jobReport, startApp, type TestApp } from './app.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface EngineApp extends TestApp {
  clock: ManualClock;
  /** Posts jobs (as admin) and evaluates what they queued. */
  report(...jobs: Array<Record<string, unknown>>): Promise<any[]>;
  evaluate(): Promise<number>;
  /** Moves time forward and evaluates what fell due. */
  advance(ms: number): Promise<void>;
  alerts(query?: string): Promise<any[]>;
}

export async function startEngine(start = '2026-11-02T00:00:00Z', env: Record<string, string> = {}): Promise<EngineApp> {
  const clock = new ManualClock(Date.parse(start));
  const app = (await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false', ...env } })) as EngineApp;
  app.clock = clock;
  app.evaluate = () => app.kw.evaluator.runUntilIdle();
  app.report = async (...jobs) => {
    const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
    if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${res.text}`);
    await app.evaluate();
    return res.body.items;
  };
  app.advance = async (ms) => {
    clock.advance(ms);
    await app.evaluate();
  };
  /** Active alerts (open or acknowledged) unless the query names a state. */
  app.alerts = async (query = '') => {
    const q = query.includes('state=') ? query : `state=open,acknowledged&${query}`;
    const res = await app.request('GET', `/api/v1/alerts?limit=500&${q}`);
    if (res.status !== 200) throw new Error(`GET /alerts answered ${res.status}: ${res.text}`);
    return res.body.items;
  };
  return app;
}

/** A job that ended `at` (ISO or ms), started `minutes` before. */
export function job(at: string | number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const end = typeof at === 'number' ? at : Date.parse(at);
  return jobReport({
    external_id: `j-${end}-${Math.random().toString(36).slice(2, 8)}`,
    started_at: new Date(end - 30 * 60_000).toISOString(),
    ended_at: new Date(end).toISOString(),
    ...overrides,
  });
}
