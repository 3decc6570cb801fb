// `npm run bench -- hardening`: the fuzz corpus of test/security/fuzz.test.ts against a served
// instance, then a mixed load (list reads, 100-job batches, pings) of 200 connections for 60 s.
// Done when neither shows a 5xx, a hang or a dropped connection (issue #17).
import { fuzzOpenApi, type FuzzReport, type MixedLoadResult, mixedLoad } from '../test/helpers/fuzz.ts';
import { startBenchServer } from './server.ts';

export interface HardeningResult {
  fuzz: FuzzReport;
  fuzzSeconds: number;
  load: MixedLoadResult;
  connections: number;
  seconds: number;
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function benchHardening(o: { connections?: number; seconds?: number } = {}): Promise<HardeningResult> {
  const connections = o.connections ?? 200;
  const seconds = o.seconds ?? 60;
  const server = await startBenchServer();
  try {
    const { url, adminToken } = server;
    const check = await api(url, adminToken, 'POST', '/api/v1/checks', {
      name: 'Nightly',
      client: 'Hardening Co',
      device: { name: 'HARD-01' },
      schedule: { type: 'interval', interval_seconds: 3600 },
    });
    const failed = (i: number) => ({
      source: 'hardening',
      external_id: `seed-${i}`,
      client: 'Hardening Co',
      device: { name: 'HARD-01' },
      check: { name: 'Nightly', kind: 'backup' },
      status: 'failed',
      ended_at: new Date(Date.now() - i * 60_000).toISOString(),
    });
    await api(url, adminToken, 'POST', '/api/v1/jobs', { jobs: [failed(1), failed(2), failed(3)] });
    const ids = async (path: string) => ((await api(url, adminToken, 'GET', path)).items as Array<{ id: string }>).map((x) => x.id);
    const started = performance.now();
    const fuzz = await fuzzOpenApi({
      url,
      adminToken,
      seed: 17,
      casesPerOperation: 12,
      ids: {
        checks: [check.id],
        devices: [check.device_id],
        clients: [check.client_id],
        alerts: await ids('/api/v1/alerts'),
        jobs: await ids(`/api/v1/devices/${check.device_id}/jobs`),
      },
    });
    const fuzzSeconds = (performance.now() - started) / 1000;
    // The fuzzer may have deleted what it was given: ping a check it never saw.
    const ping = await api(url, adminToken, 'POST', '/api/v1/checks', { name: 'Pinged', client: 'Load Co', device: { name: 'PING-01' } });
    const load = await mixedLoad({ url, adminToken, ingestToken: server.token, pingKey: ping.ping_url.split('/ping/')[1], connections, seconds });
    return { fuzz, fuzzSeconds, load, connections, seconds };
  } finally {
    await server.stop();
  }
}

export function printHardening(r: HardeningResult): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const statuses = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k}: ${fmt(v)}`).join(', ');
  const fuzz5xx = r.fuzz.findings.filter((f) => typeof f.status === 'number').length;
  const fuzzLost = r.fuzz.findings.length - fuzz5xx;
  console.log('\n## Hardening (SQLite, `keepwatch serve` child process; fuzz corpus, then mixed load from autocannon)');
  console.log('| measure | result | target |');
  console.log('|---|---|---|');
  console.log(`| fuzz corpus: ${fmt(r.fuzz.requests)} requests over ${r.fuzz.operations} operations (seed 17) | ${r.fuzzSeconds.toFixed(1)} s; ${statuses(r.fuzz.byStatus)} | 0 × 5xx, 0 hangs or drops |`);
  console.log(`| fuzz: 5xx / hangs and dropped connections | ${fuzz5xx} / ${fuzzLost} | 0 / 0 |`);
  console.log(`| mixed load, ${r.connections} connections, ${r.seconds} s (GET checks, devices, alerts, grid; 100-job batches; pings) | ${fmt(r.load.requests)} requests, ${fmt(r.load.rps)} req/s, p99 ${r.load.p99} ms; ${statuses(r.load.byStatus)} | |`);
  console.log(`| mixed load: 5xx / socket errors / timeouts | ${r.load.serverErrors} / ${r.load.socketErrors} / ${r.load.timeouts} | 0 / 0 / 0 |`);
  for (const f of r.fuzz.findings.slice(0, 20)) console.log(`  finding: ${f.method} ${f.path} [${f.case}] → ${f.status}: ${f.detail}`);
}
