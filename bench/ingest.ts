// Ingestion benchmark: single-job POSTs, 1,000-job batches and ping hits against a real
// `keepwatch serve` child process on a fresh database — with the engine on (as shipped) and off —
// and the same load against a bare Fastify + better-sqlite3 server (the ceiling), in one run.
// Runs on a loaded 2-core machine vary by ±20 %, so the three are measured in interleaved rounds
// and compared within each round (issue #23).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type BenchServer, startBenchServer } from './server.ts';
import { sleep } from './stats.ts';
import { type LoadResult, scripts, wrk } from './wrk.ts';

export type Variant = 'bare' | 'on' | 'off';

export interface AlertProbes {
  /** Failing job's 202 received → its open alert visible through the API, for each probe that saw it. */
  latenciesMs: number[];
  /** Probes whose alert did not show within ProbeTiming.giveUpMs, or whose requests failed. */
  missed: number;
  /** The first failed request's message, if any. */
  firstError: string | null;
}

export interface IngestResult {
  single: LoadResult;
  batch: LoadResult;
  ping: LoadResult;
  /** Engine on only: alert latency measured during the single-POST load. */
  alerts?: AlertProbes;
  /** Engine on only: alert latency measured during the batch load (1,500 failed jobs a second). */
  batchAlerts?: AlertProbes;
}

export interface IngestRound {
  order: Variant[];
  results: Record<Variant, IngestResult>;
}

/** How often a probe starts, how often it polls for its alert, and when it gives up. */
export interface ProbeTiming {
  everyMs: number;
  pollMs: number;
  giveUpMs: number;
}

const INGEST_PROBES: ProbeTiming = { everyMs: 500, pollMs: 50, giveUpMs: 30_000 };

/**
 * Round r's order: pairs of rounds run one rotation forwards, then backwards (bare/on/off,
 * off/on/bare, on/off/bare, bare/off/on, …): over two rounds every variant's mean place is the
 * same (a machine warming or cooling over the run favours none), and six rounds run all six orders.
 */
export function roundOrder(round: number): Variant[] {
  const base: Variant[] = ['bare', 'on', 'off'];
  const k = Math.floor(round / 2) % base.length;
  const rotated = [...base.slice(k), ...base.slice(0, k)];
  return round % 2 === 0 ? rotated : rotated.reverse();
}

type Alongside = (load: Promise<unknown>) => Promise<AlertProbes>;

async function measure(url: string, token: string, seconds: number, pingPaths: string[] | null, alongside?: Alongside): Promise<IngestResult> {
  await wrk(url, scripts.single(token), 50, 2); // warm-up: JIT, caches; the 2,000 devices exist
  const singleLoad = wrk(url, scripts.single(token), 50, seconds);
  const alerts = alongside?.(singleLoad);
  const single = await singleLoad;
  const batchLoad = wrk(url, scripts.batch(token), 4, seconds);
  const batchAlerts = alongside?.(batchLoad);
  const batch = await batchLoad;
  const ping = pingPaths ? await wrk(url, scripts.paths(pingPaths), 50, seconds) : { rps: 0, p50: 0, p99: 0, errors: 0 };
  return {
    single,
    batch: { ...batch, rps: batch.rps * 1000 },
    ping,
    ...(alerts ? { alerts: await alerts } : {}),
    ...(batchAlerts ? { batchAlerts: await batchAlerts } : {}),
  };
}

export async function benchBaseline(seconds: number): Promise<IngestResult> {
  const child = spawn(process.execPath, [new URL('./baseline.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => resolve(`http://127.0.0.1:${JSON.parse(line).port}`));
  });
  try {
    return await measure(url, 'none', seconds, ['/ping/x']);
  } finally {
    child.kill('SIGKILL');
  }
}

/** One failing backup for a new device; how long until its `job_failed` alert is open in the API. */
async function probeAlert(s: BenchServer, device: string, timing: ProbeTiming): Promise<number | null> {
  const res = await fetch(`${s.url}/api/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: 'latency-probe',
      external_id: device,
      client: 'Latency probe',
      device: { name: device, class: 'server', type: 'vm' },
      check: { name: 'Nightly backup', kind: 'backup' },
      status: 'failed',
      ended_at: new Date().toISOString(),
    }),
  });
  if (res.status !== 202) throw new Error(`latency probe: POST /api/v1/jobs answered ${res.status}: ${await res.text()}`);
  const accepted = performance.now();
  const deviceId = ((await res.json()) as { items: Array<{ device_id: string }> }).items[0]!.device_id;
  const query = `${s.url}/api/v1/alerts?device=${deviceId}&type=job_failed&state=open`;
  while (performance.now() - accepted < timing.giveUpMs) {
    const a = await fetch(query, { headers: { authorization: `Bearer ${s.adminToken}` } });
    if (a.status !== 200) throw new Error(`latency probe: GET /api/v1/alerts answered ${a.status}`);
    if (((await a.json()) as { items: unknown[] }).items.length > 0) return performance.now() - accepted;
    await sleep(timing.pollMs);
  }
  return null;
}

/** Starts a probe every `timing.everyMs` until the load ends, each on a device of its own. */
export function alertProbes(s: BenchServer, timing: ProbeTiming): Alongside {
  return async (load) => {
    let loading = true;
    const stop = () => {
      loading = false;
    };
    load.then(stop, stop);
    const tag = Date.now().toString(36);
    let firstError: string | null = null;
    const probes: Promise<number | null>[] = [];
    for (let i = 0; loading; i++) {
      // A refused or failed request counts as a missed probe: one 5xx under load should not lose the run.
      probes.push(
        probeAlert(s, `LAT-${tag}-${i}`, timing).catch((e: Error) => {
          firstError ??= e.message;
          return null;
        }),
      );
      await sleep(timing.everyMs);
    }
    const results = await Promise.all(probes);
    return { latenciesMs: results.filter((r): r is number => r !== null), missed: results.filter((r) => r === null).length, firstError };
  };
}

export interface KeepwatchOptions {
  /** false runs the server without its evaluator (and other workers): the ingestion path alone. */
  workers?: boolean;
  /** Node flags for the serve process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Measure alert latency during the single-POST load and the batch load. */
  probeAlerts?: boolean;
}

export async function benchIngest(seconds: number, options: KeepwatchOptions = {}): Promise<IngestResult> {
  const s = await startBenchServer(options.workers === false ? { KEEPWATCH_WORKERS: 'false' } : {}, { nodeArgs: options.nodeArgs ?? [] });
  try {
    // Checks to ping: made by the warm-up of `measure`, read back first.
    await wrk(s.url, scripts.single(s.token), 10, 1);
    const res = await fetch(`${s.url}/api/v1/checks?limit=200`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    const paths = ((await res.json()) as { items: Array<{ ping_url: string }> }).items.map((c) => new URL(c.ping_url).pathname);
    return await measure(s.url, s.token, seconds, paths, options.probeAlerts ? alertProbes(s, INGEST_PROBES) : undefined);
  } finally {
    await s.stop();
  }
}

/** `rounds` interleaved rounds of bare, engine on, engine off, each on a fresh server. */
export async function benchIngestRounds(
  options: { seconds: number; rounds: number; cpuProfDir: string | null },
  log: (s: string) => void,
): Promise<IngestRound[]> {
  const rounds: IngestRound[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const order = roundOrder(r);
    const results = {} as Record<Variant, IngestResult>;
    for (const v of order) {
      log(`round ${r + 1}/${options.rounds}: ${v === 'bare' ? 'bare ceiling' : `engine ${v}`} …`);
      if (v === 'bare') results.bare = await benchBaseline(options.seconds);
      else if (v === 'off') results.off = await benchIngest(options.seconds, { workers: false });
      else {
        const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
        results.on = await benchIngest(options.seconds, { nodeArgs, probeAlerts: true });
      }
    }
    rounds.push({ order, results });
  }
  return rounds;
}
