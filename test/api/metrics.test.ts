import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, job, startEngine } from '../helpers/engine.js';

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';
let app: EngineApp;

async function scrape(token: string | null): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${app.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The value of one series, e.g. `keepwatch_devices{status="critical"}`. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// Ids are UUIDv7 from the clock and retention selects by id: the test clock runs ahead (2031).
beforeAll(async () => {
  app = await startEngine('2031-03-02T00:00:00Z', { KEEPWATCH_METRICS_TOKEN: METRICS_TOKEN, KEEPWATCH_METRICS_CLIENT_LABELS: 'true' });
  await app.report(
    job('2031-03-01T23:00:00Z', { client: 'Metrics Co', device: { name: 'M-1' } }),
    job('2031-03-01T22:00:00Z', { client: 'Metrics Co', device: { name: 'M-2' }, status: 'failed' }),
  );
});
afterAll(async () => app.close());

describe('/metrics', () => {
  it('counts ingested jobs by status, kind and source, and times ingestion', async () => {
    const { status, text, type } = await scrape(await app.token('read'));
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(value(text, 'keepwatch_jobs_ingested_total{status="failed",kind="backup",source="veeam-prod"}')).toBe(1);
    expect(value(text, 'keepwatch_jobs_ingested_total{status="succeeded",kind="backup",source="veeam-prod"}')).toBe(1);
    expect(value(text, 'keepwatch_ingest_duration_seconds_count')).toBe(1);
    expect(text).toContain('keepwatch_process_cpu_seconds_total');
    // The write-ahead log's checkpointer exists on SQLite only (test/db/wal.test.ts makes it work).
    expect(text.includes('keepwatch_sqlite_wal_restarts_total{outcome="done"}')).toBe(app.kw.database.dialect === 'sqlite');
  });

  it('reads devices, open alerts and evaluator lag from the database, by client when asked', async () => {
    const { text } = await scrape(await app.token('read'));
    expect(value(text, 'keepwatch_devices{status="healthy",client="Metrics Co"}')).toBe(1);
    const devices = text.split('\n').filter((l) => l.startsWith('keepwatch_devices{'));
    expect(devices.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(2);
    expect(value(text, 'keepwatch_alerts_open{type="job_failed",severity="warning",client="Metrics Co"}')).toBe(1);
    expect(value(text, 'keepwatch_evaluator_lag_seconds')).toBe(0);
    expect(value(text, 'keepwatch_evaluations_total{outcome="ok"}')).toBe(2);
    expect(value(text, 'keepwatch_evaluation_delay_seconds_count{trigger="job"}')).toBe(2);
  });

  it('shows evaluator lag while a deadline has passed and nobody evaluated it', async () => {
    app.clock.advance(2 * DAY);
    const { text } = await scrape(await app.token('read'));
    expect(value(text, 'keepwatch_evaluator_lag_seconds')).toBeGreaterThan(0);
    await app.evaluate();
    const after = await scrape(await app.token('read'));
    expect(value(after.text, 'keepwatch_evaluator_lag_seconds')).toBe(0);
    expect(value(after.text, 'keepwatch_evaluation_delay_seconds_count{trigger="deadline"}')).toBeGreaterThan(0);
  });

  it('counts what retention deleted', async () => {
    app.clock.advance(500 * DAY);
    await app.kw.retention.runOnce();
    const { text } = await scrape(await app.token('read'));
    expect(value(text, 'keepwatch_retention_deleted_rows_total{table="jobs"}')).toBe(2);
  });

  it('takes a read token or the metrics token, which reads nothing else', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape(await app.token('ingest'))).status).toBe(403);
    expect((await scrape(METRICS_TOKEN)).status).toBe(200);
    const other = await app.request('GET', '/api/v1/devices', { token: METRICS_TOKEN });
    expect(other.status).toBe(403);
    const clientId = (await app.request('GET', '/api/v1/clients')).body.items.find((c: { name: string }) => c.name === 'Metrics Co').id;
    expect((await scrape(await app.token('read', { clientIds: [clientId] }))).status).toBe(403);
  });
});
