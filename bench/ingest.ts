// Ingestion benchmark: single-job POSTs, 1,000-job batches and ping hits against a real
// `keepwatch serve` child process on a fresh database, and the same load against a bare
// Fastify + better-sqlite3 server (the ceiling), in one run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startBenchServer } from './server.ts';
import { type LoadResult, scripts, wrk } from './wrk.ts';

export interface IngestResult {
  single: LoadResult;
  batch: LoadResult;
  ping: LoadResult;
}

async function measure(url: string, token: string, seconds: number, pingPaths: string[] | null): Promise<IngestResult> {
  await wrk(url, scripts.single(token), 50, 2); // warm-up: JIT, caches; the 2,000 devices exist
  const single = await wrk(url, scripts.single(token), 50, seconds);
  const batch = await wrk(url, scripts.batch(token), 4, seconds);
  const ping = pingPaths ? await wrk(url, scripts.paths(pingPaths), 50, seconds) : { rps: 0, p50: 0, p99: 0, errors: 0 };
  return { single, batch: { ...batch, rps: batch.rps * 1000 }, ping };
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

/** `workers: false` runs the server without its evaluator (and other workers): the ingestion path alone. */
export async function benchIngest(seconds: number, options: { workers?: boolean } = {}): Promise<IngestResult> {
  const s = await startBenchServer(options.workers === false ? { KEEPWATCH_WORKERS: 'false' } : {});
  try {
    // Checks to ping: made by the warm-up of `measure`, read back first.
    await wrk(s.url, scripts.single(s.token), 10, 1);
    const res = await fetch(`${s.url}/api/v1/checks?limit=200`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    const paths = ((await res.json()) as { items: Array<{ ping_url: string }> }).items.map((c) => new URL(c.ping_url).pathname);
    return await measure(s.url, s.token, seconds, paths);
  } finally {
    await s.stop();
  }
}
