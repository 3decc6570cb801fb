// Engine benchmark on a generated estate: a full evaluation pass, how late an overdue check is
// alerted while jobs stream in at 1,000/s, API latencies of the console's heavy pages, memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Estate, type EstateSize, generateEstate } from './estate.ts';
import { startBenchServer } from './server.ts';

const BIN = new URL('../bin/keepwatch.js', import.meta.url).pathname;

export interface EngineResult {
  estate: Estate;
  fullPassSeconds: number;
  fullPassDevices: number;
  fullPassRssMiB: number;
  overdueLagMs: { p50: number; max: number; n: number };
  streamedJobsPerSec: number;
  api: Record<string, { p50: number; p95: number }>;
  serveRssMiB: number;
}

function rssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function fullPass(dataDir: string): Promise<{ seconds: number; devices: number; rss: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'evaluate'], {
    env: { ...process.env, KEEPWATCH_DATA_DIR: dataDir, KEEPWATCH_LOG_LEVEL: 'error', KEEPWATCH_SECRET_KEY: 'bench-secret-key-0123456789' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  let rss = 0;
  const sampler = setInterval(() => {
    rss = Math.max(rss, rssMiB(child.pid!));
  }, 200);
  await new Promise((r) => child.once('exit', r));
  clearInterval(sampler);
  const devices = Number(/Evaluated (\d+) devices/.exec(out)?.[1] ?? 0);
  return { seconds: (Date.now() - started) / 1000, devices, rss };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function latency(url: string, token: string, n = 100): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= 5) times.push(performance.now() - t);
  }
  return { p50: Number(percentile(times, 50).toFixed(1)), p95: Number(percentile(times, 95).toFixed(1)) };
}

/** Probes: a check due 60 s after its job, grace 0; how long after the deadline is it alerted? */
async function overdueProbes(url: string, token: string, count: number, spacingMs: number): Promise<number[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const lags: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const end = Date.now();
    const res = await fetch(`${url}/api/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ source: 'probe', external_id: `probe-${end}-${i}`, client: 'Probes', device: { name: `PROBE-${end}-${i}` }, check: { name: 'Probe' }, status: 'succeeded', ended_at: new Date(end).toISOString() }),
    });
    const item = ((await res.json()) as { items: Array<{ check_id: string; device_id: string }> }).items[0]!;
    await fetch(`${url}/api/v1/checks/${item.check_id}`, { method: 'PATCH', headers, body: JSON.stringify({ schedule: { type: 'interval', interval_seconds: 60 }, grace_seconds: 0 }) });
    const deadline = end + 60_000;
    lags.push(
      (async () => {
        for (;;) {
          await new Promise((r) => setTimeout(r, 100));
          const a = await fetch(`${url}/api/v1/alerts?device=${item.device_id}&type=missed_schedule&state=open`, { headers });
          if (((await a.json()) as { items: unknown[] }).items.length > 0) return Date.now() - deadline;
          if (Date.now() - deadline > 120_000) return Number.POSITIVE_INFINITY;
        }
      })(),
    );
    await new Promise((r) => setTimeout(r, spacingMs));
  }
  return Promise.all(lags);
}

export async function benchEngine(size: EstateSize, log: (s: string) => void): Promise<EngineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-estate-'));
  try {
    log(`generating ${size.clients * size.devicesPerClient} devices, ${size.days} days of jobs …`);
    const estate = generateEstate(dataDir, size);
    log(`generated ${estate.jobs.toLocaleString('en-US')} jobs in ${estate.seconds.toFixed(0)} s; full pass …`);
    const pass = await fullPass(dataDir);
    log(`full pass: ${pass.devices} devices in ${pass.seconds.toFixed(1)} s; serving …`);

    const s = await startBenchServer({ KEEPWATCH_DATA_DIR: dataDir });
    try {
      // Stream 1,000 jobs/s at the estate's devices while probes go overdue.
      let k = 0;
      const stream = new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          {
            url: `${s.url}/api/v1/jobs`,
            connections: 20,
            overallRate: 1000,
            duration: 100,
            requests: [
              {
                method: 'POST',
                headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
                setupRequest: (req) => {
                  k++;
                  const c = k % size.clients;
                  const d = Math.floor(k / size.clients) % size.devicesPerClient;
                  const name = `C${c}-${d % 5 < 3 ? 'SRV' : 'WS'}-${String(d).padStart(4, '0')}`;
                  const body = { source: 'stream', external_id: `s-${k}`, client: `Client ${String(c).padStart(3, '0')}`, device: { name }, check: { name: 'Nightly backup' }, status: 'succeeded', ended_at: new Date().toISOString() };
                  return { ...req, body: JSON.stringify(body) };
                },
              },
            ],
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      });
      await new Promise((r) => setTimeout(r, 5000));
      const lags = await overdueProbes(s.url, s.adminToken, 15, 2000);
      const streamed = await stream;
      const finite = lags.filter(Number.isFinite);
      log('API latencies …');
      const client = estate.clientIds[Math.floor(estate.clientIds.length / 2)]!;
      const today = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
      const api = {
        'GET /devices?status=critical': await latency(`${s.url}/api/v1/devices?status=critical`, s.adminToken),
        'GET /alerts?state=open': await latency(`${s.url}/api/v1/alerts?state=open`, s.adminToken),
        'GET /clients/<id> (roll-up)': await latency(`${s.url}/api/v1/clients/${client}`, s.adminToken),
        'GET /grid 30 days, 50 rows': await latency(`${s.url}/api/v1/grid?client=${client}&from=${from}&to=${today}`, s.adminToken, 30),
      };
      return {
        estate,
        fullPassSeconds: pass.seconds,
        fullPassDevices: pass.devices,
        fullPassRssMiB: Math.round(pass.rss),
        overdueLagMs: { p50: percentile(finite, 50), max: Math.max(...lags), n: lags.length },
        streamedJobsPerSec: streamed.requests.average,
        api,
        serveRssMiB: Math.round(rssMiB(s.child.pid!)),
      };
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
