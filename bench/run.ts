// `npm run bench [-- ingest] [-- --seconds=N]`: runs the benchmarks and prints a results table.
// Record what you measure, with the machine and date, in docs/PERFORMANCE.md.
import { cpus, totalmem } from 'node:os';
import { benchEngine } from './engine.ts';
import { benchBaseline, benchIngest } from './ingest.ts';
import type { LoadResult } from './wrk.ts';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const only = args.filter((a) => !a.startsWith('--'));
const want = (name: string) => only.length === 0 || only.includes(name);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`# Keepwatch benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);

if (want('ingest')) {
  const base = await benchBaseline(seconds);
  const r = await benchIngest(seconds);
  const line = (label: string, k: LoadResult, b: LoadResult, unit: string, target: string) =>
    console.log(`| ${label} | ${fmt(k.rps)} ${unit}, p50 ${k.p50} ms, p99 ${k.p99} ms | ${fmt(b.rps)} ${unit} | ${(k.rps / b.rps).toFixed(2)} | ${target} |`);
  console.log('\n## Ingestion (SQLite, one process; load from wrk, 1 thread)');
  console.log('| measure | Keepwatch | bare ceiling | ratio | target |');
  console.log('|---|---|---|---|---|');
  line('single-job POST /api/v1/jobs, 50 connections', r.single, base.single, 'req/s', '≥ 10,000 req/s, p99 < 20 ms');
  line('1,000-job batches, 4 connections', r.batch, base.batch, 'jobs/s', '≥ 100,000 jobs/s');
  line('ping GET /ping/<key>, 50 connections', r.ping, base.ping, 'req/s', '≥ 15,000 req/s');
  console.log(`| errors (non-2xx + socket) | ${r.single.errors + r.batch.errors + r.ping.errors} | ${base.single.errors + base.batch.errors} | | 0 |`);
}

if (want('engine')) {
  const devices = Number(args.find((a) => a.startsWith('--devices='))?.split('=')[1] ?? 100_000);
  const days = Number(args.find((a) => a.startsWith('--days='))?.split('=')[1] ?? 140);
  const clients = Math.max(1, Math.round(devices / 1000));
  const r = await benchEngine({ clients, devicesPerClient: Math.round(devices / clients), days }, (s) => console.error(`  … ${s}`));
  const e = r.estate;
  console.log(`\n## Engine (SQLite): ${fmt(e.devices)} devices, ${fmt(e.checks)} checks, ${fmt(e.jobs)} jobs (generated in ${e.seconds.toFixed(0)} s)`);
  console.log('| measure | result | target |');
  console.log('|---|---|---|');
  console.log(`| full evaluation pass (\`keepwatch evaluate\`) | ${r.fullPassSeconds.toFixed(1)} s for ${fmt(r.fullPassDevices)} devices (${fmt(r.fullPassDevices / r.fullPassSeconds)}/s), peak RSS ${r.fullPassRssMiB} MiB | < 60 s, < 1 GiB |`);
  console.log(`| overdue alerted after its deadline, jobs streaming at ${fmt(r.streamedJobsPerSec)}/s | p50 ${r.overdueLagMs.p50} ms, max ${r.overdueLagMs.max} ms (${r.overdueLagMs.n} probes) | < 5 s |`);
  for (const [k, v] of Object.entries(r.api)) console.log(`| ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | p95 < 100 ms |`);
  console.log(`| \`keepwatch serve\` peak RSS after all of the above | ${r.serveRssMiB} MiB | < 1 GiB |`);
}
