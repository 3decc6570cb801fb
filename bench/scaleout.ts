// Scale-out benchmark: the same load against three `keepwatch serve` instances on one PostgreSQL
// database (load spread evenly over them), one instance on PostgreSQL, and one on SQLite, in one
// run: single-job POSTs/s and jobs/s in 1,000-job batches (wrk, one process per instance), and
// evaluator throughput (every device queued at once by a settings change, timed until the queue
// is empty). CPU of the machine, of Keepwatch, PostgreSQL and wrk, and what PostgreSQL's backends
// are doing, are sampled during each measurement to say where the bottleneck is.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type CpuShare, sample } from './cpu.ts';
import { type BenchServer, startBenchServer } from './server.ts';
import { type LoadResult, scripts, wrk } from './wrk.ts';

/** The devices the wrk scripts write to (DEV-0 … DEV-1999 over 20 clients). */
const DEVICES = 2000;
/** Jobs of history per device before anything is measured (daily runs). */
const HISTORY = 10;
/** Connections in total, split evenly over the instances. */
const SINGLE_CONNECTIONS = 48;
const BATCH_CONNECTIONS = 6;
const PG_ADMIN_URL = process.env.KEEPWATCH_BENCH_PG_URL ?? process.env.KEEPWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Measured {
  /** Requests/s (single), jobs/s (batches) or devices evaluated/s. */
  rate: number;
  /** Device evaluations/s done by the instances meanwhile (they run their evaluators throughout). */
  evaluatedPerSec: number;
  p99: number | null;
  errors: number;
  /** wrk's kinds of error, when there were any. */
  errorKinds?: string;
  cpu: CpuShare;
}

export interface SetupResult {
  label: string;
  instances: number;
  single: Measured;
  batch: Measured;
  evaluation: Measured & { passes: number };
  /** Warnings and errors the instances logged during the whole setup. */
  problems: string[];
}

export interface ScaleoutResult {
  postgresVersion: string;
  setups: SetupResult[];
}

interface Setup {
  label: string;
  servers: BenchServer[];
  db: { client: pg.Client; name: string } | null;
  queueLength(): Promise<number>;
  close(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

async function postgresSetup(instances: number): Promise<Setup> {
  const name = `kw_bench_${process.pid}_${instances}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const servers: BenchServer[] = [];
  for (let i = 0; i < instances; i++) servers.push(await startBenchServer({ KEEPWATCH_DATABASE_URL: u.toString() }));
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  return {
    label: `${instances} × PostgreSQL`,
    servers,
    db: { client, name },
    queueLength: async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM eval_queue')).rows[0]!.n),
    async close() {
      await Promise.all(servers.map((s) => s.stop()));
      await client.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function sqliteSetup(): Promise<Setup> {
  const server = await startBenchServer();
  const file = new Database(join(server.env.KEEPWATCH_DATA_DIR!, 'keepwatch.db'), { readonly: true });
  const count = file.prepare('SELECT count(*) AS n FROM eval_queue');
  return {
    label: '1 × SQLite',
    servers: [server],
    db: null,
    queueLength: async () => (count.get() as { n: number }).n,
    async close() {
      file.close();
      await server.stop();
    },
  };
}

/** The wrk scripts' devices, each with daily history, posted in 1,000-job batches. */
async function preload(s: Setup): Promise<void> {
  const now = Date.now();
  const jobs: Array<Record<string, unknown>> = [];
  for (let d = 0; d < DEVICES; d++) {
    for (let j = 0; j < HISTORY; j++) {
      const ended = now - j * 86_400_000 - (d % 60) * 60_000;
      jobs.push({
        source: 'history',
        external_id: `h-${d}-${j}`,
        client: `Client ${d % 20}`,
        device: { name: `DEV-${d}`, class: 'server', type: 'vm' },
        check: { name: 'Nightly backup', kind: 'backup' },
        status: d % 17 === 0 && j === 0 ? 'failed' : 'succeeded',
        started_at: new Date(ended - 1_800_000).toISOString(),
        ended_at: new Date(ended).toISOString(),
        bytes: 50_000_000_000 + j,
      });
    }
  }
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < jobs.length; i += 1000) batches.push(jobs.slice(i, i + 1000));
  let next = 0;
  const worker = async (w: number) => {
    for (let b = next++; b < batches.length; b = next++) {
      const server = s.servers[(b + w) % s.servers.length]!;
      const res = await fetch(`${server.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jobs: batches[b] }),
      });
      if (res.status !== 202) throw new Error(`preload answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  await drained(s, 300_000);
}

async function drained(s: Setup, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while ((await s.queueLength()) > 0) {
    if (Date.now() > until) throw new Error(`${s.label}: the evaluation queue did not drain in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pids = (s: Setup) => () => s.servers.map((x) => x.child.pid!);

/** Device evaluations done so far by all the instances (each counts its own in /metrics). */
async function evaluations(s: Setup): Promise<number> {
  let n = 0;
  for (const x of s.servers) {
    const text = await (await fetch(`${x.url}/metrics`, { headers: { authorization: `Bearer ${x.adminToken}` } })).text();
    n += Number(/^keepwatch_evaluations_total\{outcome="ok"\} (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return n;
}

/** Every device queued at once (a settings change does that), timed until the queue is empty; repeated for `seconds`. */
async function evaluation(s: Setup, seconds: number): Promise<SetupResult['evaluation']> {
  const admin = s.servers[0]!;
  const before = await evaluations(s);
  const sampler = sample(pids(s), s.db);
  const started = performance.now();
  let passes = 0;
  do {
    const res = await fetch(`${admin.url}/api/v1/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (res.status !== 200) throw new Error(`PUT /api/v1/settings answered ${res.status}`);
    await drained(s, 300_000);
    passes++;
  } while (performance.now() - started < seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = await sampler.stop();
  return { rate: (passes * DEVICES) / elapsed, evaluatedPerSec: ((await evaluations(s)) - before) / elapsed, p99: null, errors: 0, cpu, passes };
}

/** The same wrk script against every instance at once, the connections split evenly; summed. */
async function spread(s: Setup, script: (token: string) => string, connections: number, seconds: number): Promise<LoadResult> {
  const each = Math.max(1, Math.round(connections / s.servers.length));
  const results = await Promise.all(s.servers.map((x) => wrk(x.url, script(x.token), each, seconds)));
  return {
    rps: results.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((a, r) => a + r.errors, 0),
    errorKinds: results.map((r) => r.errorKinds).filter(Boolean).join('; '),
  };
}

async function measureLoad(s: Setup, script: (token: string) => string, connections: number, seconds: number, perRequest: number): Promise<Measured> {
  const before = await evaluations(s);
  const sampler = sample(pids(s), s.db);
  const r = await spread(s, script, connections, seconds);
  const cpu = await sampler.stop();
  const evaluatedPerSec = ((await evaluations(s)) - before) / seconds;
  return { rate: r.rps * perRequest, evaluatedPerSec, p99: r.p99, errors: r.errors, errorKinds: r.errorKinds, cpu };
}

async function run(s: Setup, seconds: number, log: (m: string) => void): Promise<SetupResult> {
  log(`${s.label}: preloading ${DEVICES} devices × ${HISTORY} jobs …`);
  await preload(s);
  log(`${s.label}: evaluation passes …`);
  const evaluated = await evaluation(s, seconds);
  log(`${s.label}: single-job POSTs …`);
  await spread(s, scripts.single, SINGLE_CONNECTIONS, 2); // warm-up: JIT, caches
  const single = await measureLoad(s, scripts.single, SINGLE_CONNECTIONS, seconds, 1);
  await drained(s, 300_000);
  log(`${s.label}: 1,000-job batches …`);
  const batch = await measureLoad(s, scripts.batch, BATCH_CONNECTIONS, seconds, 1000);
  return { label: s.label, instances: s.servers.length, single, batch, evaluation: evaluated, problems: s.servers.flatMap((x) => x.problems) };
}

export async function benchScaleout(seconds: number, log: (m: string) => void): Promise<ScaleoutResult> {
  let postgresVersion = '';
  try {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    postgresVersion = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    await c.end();
  } catch (err) {
    throw new Error(`the scale-out benchmark needs PostgreSQL (KEEPWATCH_BENCH_PG_URL, now ${PG_ADMIN_URL}): ${(err as Error).message}`);
  }
  const setups: SetupResult[] = [];
  for (const make of [() => postgresSetup(3), () => postgresSetup(1), () => sqliteSetup()]) {
    const s = await make();
    try {
      setups.push(await run(s, seconds, log));
    } finally {
      await s.close();
    }
  }
  return { postgresVersion, setups };
}
