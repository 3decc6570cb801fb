// keepwatch_jobs_ingested_total is counted once per committed batch (IngestService.countIngested):
// jobs of one batch that share status, kind and source must still count one each, and pings
// (whose kind comes from their check, not the report) under their check's kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingJob } from '../../src/ingest/ping/ping.js';
import { ManualClock } from '../../src/lib/clock.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';
const clock = new ManualClock(Date.parse('2026-11-20T02:00:00Z'));
let app: TestApp;

beforeAll(async () => {
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_METRICS_TOKEN: METRICS_TOKEN } });
});
afterAll(async () => app.close());

async function counted(series: string): Promise<number> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`keepwatch_jobs_ingested_total{${series}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('keepwatch_jobs_ingested_total', () => {
  it('counts every job of a batch, several sharing one set of labels', async () => {
    const jobs = ['A', 'B', 'C'].map((d) => jobReport({ external_id: `m-${d}`, device: { name: `MET-${d}` } }));
    jobs.push(jobReport({ external_id: 'm-D', device: { name: 'MET-D' }, status: 'failed' }));
    const res = await app.request('POST', '/api/v1/jobs', { body: { jobs } });
    expect(res.status, res.text).toBe(202);
    expect(await counted('status="succeeded",kind="backup",source="veeam-prod"')).toBe(3);
    expect(await counted('status="failed",kind="backup",source="veeam-prod"')).toBe(1);
  });

  it("counts pings committed together under their check's kind", async () => {
    const res = await app.request('POST', '/api/v1/checks', {
      body: { name: 'Replica', kind: 'replication', client: 'default', device: { name: 'MET-PING' }, schedule: { type: 'interval', interval_seconds: 86400 } },
    });
    expect(res.status).toBe(201);
    const ingest = app.kw.services.ingest;
    const target = await ingest.pingTarget(new URL(res.body.ping_url).pathname.split('/').pop()!);
    const ping = (signal: 'start' | 'success') => pingJob(target, signal, { body: null, runId: null, now: clock.now() });
    // Separate submissions in one turn of the event loop: the group committer stores them in one batch.
    await Promise.all([ingest.recordJobs([ping('start')]), ingest.recordJobs([ping('success')]), ingest.recordJobs([ping('success')])]);
    expect(await counted('status="running",kind="replication",source="ping"')).toBe(1);
    expect(await counted('status="succeeded",kind="replication",source="ping"')).toBe(2);
  });
});
