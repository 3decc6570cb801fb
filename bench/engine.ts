// Engine benchmark on a generated estate: a full evaluation pass, how late an overdue check is
// alerted while jobs stream in at 1,000/s, API latencies of the console's heavy pages, memory.
// `estateDir` keeps the estate (generating a 100,000-device one takes half an hour) and reuses it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { type Estate, type EstateSize, generateEstate } from './estate.ts';
import { type AlertProbes, alertProbes, type ProbeTiming } from './ingest.ts';
import { startBenchServer } from './server.ts';
import { percentile, sleep } from './stats.ts';

const BIN = new URL('../bin/keepwatch.js', import.meta.url).pathname;
/** Issue #23: jobs streamed into the estate. */
const STREAM_RATE = 1000;
const STREAM_CONNECTIONS = 50;
/** The stream runs this long before it is measured, as the ingestion benchmark warms up before its
 * loads: a `serve` just started answers its first second or two slowly (JIT, its connection's page
 * cache), ~500 requests that autocannon never catches up (the 300-s rate fell from ~1,000 to 989/s). */
export const STREAM_WARMUP_SECONDS = 10;
const OVERDUE_PROBES = 15;
/** Time to set the overdue probes up before the stream starts (a second or two on an idle server). */
const PROBE_SETUP_MS = 20_000;
/** Failing jobs during the stream: how long until their alert shows (the evaluation queue's lag). */
const STREAM_ALERT_PROBES: ProbeTiming = { everyMs: 5000, pollMs: 250, giveUpMs: 120_000 };

export interface EngineOptions {
  /** Keep the estate here; reuse it when it already holds keepwatch.db. Null: a temporary one. */
  estateDir: string | null;
  streamSeconds: number;
  /** Node flags for the serve process, e.g. `--cpu-prof`. */
  nodeArgs: string[];
}

export interface EstateInfo extends Estate {
  /** Reused from an earlier run rather than generated now. */
  reused: boolean;
  /** When keepwatch.db was created (its jobs end then), if the file system knows. */
  createdAt: number | null;
}

export interface StreamResult {
  seconds: number;
  /** 2xx answers per second over the whole stream. */
  jobsPerSec: number;
  /** The slowest one-second sample of answers. */
  lowestSecond: number;
  latencyP99Ms: number;
  errors: number;
}

export interface EngineResult {
  estate: EstateInfo;
  fullPassSeconds: number;
  fullPassDevices: number;
  fullPassRssMiB: number;
  overdueLagMs: { p50: number; max: number; n: number; missed: number };
  /** Failing jobs posted during the stream: 202 → open job_failed alert visible. */
  alerts: AlertProbes;
  stream: StreamResult;
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

interface OverdueProbe {
  checkId: string;
  deviceId: string;
  deadline: number;
}

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Overdue probes, set up before the stream so that the engine knows their deadlines when they
 * come (a check whose schedule is still waiting in the evaluation queue would measure the queue,
 * not the deadline): a job ended a minute ago, then an interval (grace 0) that makes the check due
 * at deadlines[i]. Resolves once the engine has evaluated every probe's schedule.
 */
async function setUpOverdueProbes(url: string, token: string, deadlines: number[]): Promise<OverdueProbe[]> {
  const probes: OverdueProbe[] = [];
  const tag = Date.now().toString(36);
  for (const [i, deadline] of deadlines.entries()) {
    const name = `PROBE-${tag}-${i}`;
    const end = Date.now() - 60_000;
    const job = { source: 'probe', external_id: name, client: 'Probes', device: { name }, check: { name: 'Probe' }, status: 'succeeded', ended_at: new Date(end).toISOString() };
    const item = ((await call(url, token, 'POST', '/api/v1/jobs', job)) as { items: Array<{ check_id: string; device_id: string }> }).items[0]!;
    const interval = Math.ceil((deadline - end) / 1000);
    await call(url, token, 'PATCH', `/api/v1/checks/${item.check_id}`, { schedule: { type: 'interval', interval_seconds: interval }, grace_seconds: 0 });
    probes.push({ checkId: item.check_id, deviceId: item.device_id, deadline: end + interval * 1000 });
  }
  // Known once the check's next due time is the deadline (to the second); the engine's value is the deadline then.
  const known = async (p: OverdueProbe) => {
    const check = (await call(url, token, 'GET', `/api/v1/checks/${p.checkId}`)) as { next_due_at: string | null };
    const due = check.next_due_at === null ? Number.NaN : Date.parse(check.next_due_at);
    if (!(Math.abs(due - p.deadline) < 1000)) return false;
    p.deadline = due;
    return true;
  };
  for (const started = Date.now(); ; await sleep(200)) {
    const states = await Promise.all(probes.map(known));
    if (states.every(Boolean)) return probes;
    if (Date.now() - started > 60_000) throw new Error(`overdue probes: ${states.filter((k) => !k).length} schedules not evaluated within 60 s`);
  }
}

/** How long after its deadline each probe's missed_schedule alert is open; null: not within 120 s. */
function overdueLags(url: string, token: string, probes: OverdueProbe[]): Promise<Array<number | null>> {
  return Promise.all(
    probes.map(async (p) => {
      await sleep(p.deadline - Date.now());
      for (;;) {
        const a = (await call(url, token, 'GET', `/api/v1/alerts?device=${p.deviceId}&type=missed_schedule&state=open`)) as { items: unknown[] };
        if (a.items.length > 0) return Date.now() - p.deadline;
        if (Date.now() - p.deadline > 120_000) return null;
        await sleep(100);
      }
    }),
  );
}

/** An existing estate's size, read back from its database (the generator's names: `Client 000`, …). */
function readEstate(dataDir: string): EstateInfo {
  const file = join(dataDir, 'keepwatch.db');
  const db = new Database(file, { readonly: true });
  try {
    const clientIds = db.prepare<[], { id: string }>("SELECT id FROM clients WHERE name LIKE 'Client %' ORDER BY name").all().map((r) => r.id);
    const count = (sql: string) => (db.prepare(sql).pluck().get() as number | null) ?? 0;
    const inEstate = "client_id IN (SELECT id FROM clients WHERE name LIKE 'Client %')";
    const birth = statSync(file).birthtimeMs;
    return {
      dataDir,
      devices: count(`SELECT count(*) FROM devices WHERE ${inEstate}`),
      checks: count(`SELECT count(*) FROM checks WHERE ${inEstate}`),
      // count(*) reads every row of a 30-million-row table; the last rowid says the same without.
      jobs: count('SELECT max(rowid) FROM jobs'),
      seconds: 0,
      clientIds,
      generatedAt: birth > 0 ? birth : Date.now(),
      reused: true,
      createdAt: birth > 0 ? birth : null,
    };
  } finally {
    db.close();
  }
}

function openEstate(dataDir: string, size: EstateSize, log: (s: string) => void): EstateInfo {
  if (existsSync(join(dataDir, 'keepwatch.db'))) {
    const estate = readEstate(dataDir);
    log(`reusing the estate in ${dataDir}: ${estate.devices.toLocaleString('en-US')} devices, ~${estate.jobs.toLocaleString('en-US')} jobs (max rowid)`);
    return estate;
  }
  mkdirSync(dataDir, { recursive: true });
  log(`generating ${size.clients * size.devicesPerClient} devices, ${size.days} days of jobs into ${dataDir} …`);
  const estate = generateEstate(dataDir, size);
  log(`generated ${estate.jobs.toLocaleString('en-US')} jobs in ${estate.seconds.toFixed(0)} s`);
  return { ...estate, reused: false, createdAt: estate.generatedAt };
}

/** `Client 000` … and the devices of each: a reused estate's size, not the flags', decides which exist. */
function estateShape(estate: EstateInfo): { clients: number; devicesPerClient: number } {
  const clients = estate.clientIds.length;
  return { clients, devicesPerClient: Math.floor(estate.devices / Math.max(1, clients)) };
}

/** Succeeded nightly backups at STREAM_RATE jobs/s, spread over the estate's devices in turn. */
function streamJobs(url: string, token: string, estate: EstateInfo, seconds: number): Promise<autocannon.Result> {
  const { clients, devicesPerClient } = estateShape(estate);
  // New external ids each run: a reused estate gets new jobs, not upserts of the last run's.
  const run = Date.now().toString(36);
  let k = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/api/v1/jobs`,
        // autocannon splits the rate over the connections: 50 lets each wait up to 50 ms for its answer.
        connections: STREAM_CONNECTIONS,
        overallRate: STREAM_RATE,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            setupRequest: (req) => {
              k++;
              const c = k % clients;
              const d = Math.floor(k / clients) % devicesPerClient;
              const name = `C${c}-${d % 5 < 3 ? 'SRV' : 'WS'}-${String(d).padStart(4, '0')}`;
              const body = { source: 'stream', external_id: `s-${run}-${k}`, client: `Client ${String(c).padStart(3, '0')}`, device: { name }, check: { name: 'Nightly backup' }, status: 'succeeded', ended_at: new Date().toISOString() };
              return { ...req, body: JSON.stringify(body) };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Deadlines from 5 s into the stream to 10 s before its end, so an alert within the 5-s target still comes during it. */
function probeDeadlines(streamStart: number, streamSeconds: number): number[] {
  const first = streamStart + 5000;
  const last = streamStart + Math.max(5000, (streamSeconds - 10) * 1000);
  return Array.from({ length: OVERDUE_PROBES }, (_, i) => Math.round(first + ((last - first) * i) / (OVERDUE_PROBES - 1)));
}

async function apiLatencies(url: string, token: string, estate: EstateInfo): Promise<EngineResult['api']> {
  const client = estate.clientIds[Math.floor(estate.clientIds.length / 2)]!;
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  return {
    'GET /devices?status=critical': await latency(`${url}/api/v1/devices?status=critical`, token),
    'GET /alerts?state=open': await latency(`${url}/api/v1/alerts?state=open`, token),
    'GET /clients/<id> (roll-up)': await latency(`${url}/api/v1/clients/${client}`, token),
    'GET /grid 30 days, 50 rows': await latency(`${url}/api/v1/grid?client=${client}&from=${from}&to=${today}`, token, 30),
  };
}

export async function benchEngine(size: EstateSize, options: EngineOptions, log: (s: string) => void): Promise<EngineResult> {
  const dataDir = options.estateDir ?? mkdtempSync(join(tmpdir(), 'kw-estate-'));
  try {
    const estate = openEstate(dataDir, size, log);
    log('full pass …');
    const pass = await fullPass(dataDir);
    log(`full pass: ${pass.devices} devices in ${pass.seconds.toFixed(1)} s; serving …`);

    const s = await startBenchServer({ KEEPWATCH_DATA_DIR: dataDir }, { nodeArgs: options.nodeArgs });
    try {
      log(`warming up: ${STREAM_WARMUP_SECONDS} s of the stream, not measured …`);
      await streamJobs(s.url, s.token, estate, STREAM_WARMUP_SECONDS);
      // The probes' schedules are evaluated on an idle server, then the stream starts at streamStart.
      const streamStart = Date.now() + PROBE_SETUP_MS;
      log(`setting up ${OVERDUE_PROBES} overdue probes …`);
      const probes = await setUpOverdueProbes(s.url, s.adminToken, probeDeadlines(streamStart, options.streamSeconds));
      if (Date.now() > streamStart) throw new Error(`overdue probes took longer than ${PROBE_SETUP_MS / 1000} s to set up: their deadlines would not fall inside the stream`);
      await sleep(streamStart - Date.now());
      log(`streaming ${STREAM_RATE} jobs/s for ${options.streamSeconds} s while the probes go overdue and failing jobs probe alert latency …`);
      const stream = streamJobs(s.url, s.token, estate, options.streamSeconds);
      const [lags, alerts, streamed] = await Promise.all([overdueLags(s.url, s.adminToken, probes), alertProbes(s, STREAM_ALERT_PROBES)(stream), stream]);
      const seen = lags.filter((l): l is number => l !== null);
      log('API latencies …');
      const api = await apiLatencies(s.url, s.adminToken, estate);
      return {
        estate,
        fullPassSeconds: pass.seconds,
        fullPassDevices: pass.devices,
        fullPassRssMiB: Math.round(pass.rss),
        alerts,
        overdueLagMs: { p50: percentile(seen, 50), max: seen.length > 0 ? Math.max(...seen) : Number.NaN, n: lags.length, missed: lags.length - seen.length },
        stream: {
          seconds: streamed.duration,
          jobsPerSec: streamed['2xx'] / streamed.duration,
          lowestSecond: streamed.requests.min,
          latencyP99Ms: streamed.latency.p99,
          errors: streamed.errors + streamed.non2xx,
        },
        api,
        serveRssMiB: Math.round(rssMiB(s.child.pid!)),
      };
    } finally {
      await s.stop();
    }
  } finally {
    // A kept estate takes half an hour to make again at full size.
    if (!options.estateDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
