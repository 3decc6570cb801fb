// The ingestion benchmark's tables: every round's figures, the ratios issue #23 names taken within
// each round, and their medians beside the targets.
import type { IngestResult, IngestRound, Variant } from './ingest.ts';
import { median, percentile } from './stats.ts';
import type { LoadResult } from './wrk.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const NAMES: Record<Variant, string> = { bare: 'bare ceiling', on: 'engine on', off: 'engine off' };
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Issue #23's targets. */
const TARGET = { singleOnOff: 0.9, singleP99Ms: 50, pingOnBare: 0.5, batchOnBare: 0.5, alertMs: 2000 };

function ratios(r: IngestRound) {
  const { on, off, bare } = r.results;
  return {
    singleOnOff: on.single.rps / off.single.rps,
    pingOnBare: on.ping.rps / bare.ping.rps,
    batchOnBare: on.batch.rps / bare.batch.rps,
    singleP99On: on.single.p99,
  };
}

const load = (k: LoadResult, unit: string) => `${fmt(k.rps)} ${unit}, p50 ${ms(k.p50)}, p99 ${ms(k.p99)}`;
const errors = (x: IngestResult) => x.single.errors + x.batch.errors + x.ping.errors;

function alertCell(latencies: number[], missed: number): string {
  if (latencies.length === 0) return `no alert seen (${missed} probes missed)`;
  const missing = missed > 0 ? `, **${missed} missed**` : '';
  return `p50 ${fmt(percentile(latencies, 50))} ms, max ${fmt(Math.max(...latencies))} ms (${latencies.length} probes${missing})`;
}

function printRounds(rounds: IngestRound[]): void {
  console.log('| round | run | single-job POST, 50 connections | 1,000-job batches, 4 connections | ping GET /ping/<key>, 50 connections | errors |');
  console.log('|---|---|---|---|---|---|');
  rounds.forEach((r, i) => {
    r.order.forEach((v, place) => {
      const x = r.results[v];
      const ping = v === 'bare' ? `${fmt(x.ping.rps)} req/s (no database)` : load(x.ping, 'req/s');
      console.log(`| ${i + 1} | ${place + 1}. ${NAMES[v]} | ${load(x.single, 'req/s')} | ${load(x.batch, 'jobs/s')} | ${ping} | ${errors(x)} |`);
    });
  });
  console.log('\n| round | order | on / off, single POST | on / bare, pings | on / bare, batches | single POST p99, engine on | failing job → open alert visible, engine on, under the single-POST load | … under the batch load |');
  console.log('|---|---|---|---|---|---|---|---|');
  rounds.forEach((r, i) => {
    const q = ratios(r);
    const a = r.results.on.alerts;
    const b = r.results.on.batchAlerts;
    console.log(
      `| ${i + 1} | ${r.order.join(', ')} | ${q.singleOnOff.toFixed(2)} | ${q.pingOnBare.toFixed(2)} | ${q.batchOnBare.toFixed(2)} | ${ms(q.singleP99On)} | ${a ? alertCell(a.latenciesMs, a.missed) : ''} | ${b ? alertCell(b.latenciesMs, b.missed) : ''} |`,
    );
  });
}

function printSummary(rounds: IngestRound[]): void {
  const med = (f: (r: IngestRound) => number) => median(rounds.map(f));
  const q = rounds.map(ratios);
  const singleOnOff = median(q.map((x) => x.singleOnOff));
  const pingOnBare = median(q.map((x) => x.pingOnBare));
  const batchOnBare = median(q.map((x) => x.batchOnBare));
  const p99On = median(q.map((x) => x.singleP99On));
  const cell = (v: Variant, k: 'single' | 'batch' | 'ping', unit: string) =>
    `${fmt(med((r) => r.results[v][k].rps))} ${unit}, p99 ${ms(med((r) => r.results[v][k].p99))}`;
  const probes = (k: 'alerts' | 'batchAlerts') => {
    const latencies = rounds.flatMap((r) => r.results.on[k]?.latenciesMs ?? []);
    const missed = rounds.reduce((n, r) => n + (r.results.on[k]?.missed ?? 0), 0);
    return { cell: alertCell(latencies, missed), met: missed === 0 && latencies.length > 0 && Math.max(...latencies) <= TARGET.alertMs };
  };
  const alerts = probes('alerts');
  const batchAlerts = probes('batchAlerts');
  const errorSum = (v: Variant) => rounds.reduce((n, r) => n + errors(r.results[v]), 0);
  console.log(`\n### Medians over ${plural(rounds.length, 'round')} (each ratio taken within its round, then the median)`);
  console.log('| measure | engine on | engine off | bare ceiling | ratio | target | |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| single-job POST, 50 connections | ${cell('on', 'single', 'req/s')} | ${cell('off', 'single', 'req/s')} | ${cell('bare', 'single', 'req/s')} | on / off ${singleOnOff.toFixed(2)} | ≥ ${TARGET.singleOnOff} × engine off | ${met(singleOnOff >= TARGET.singleOnOff)} |`,
  );
  console.log(`| single-job POST p99, engine on | ${ms(p99On)} | | | | ≤ ${TARGET.singleP99Ms} ms | ${met(p99On <= TARGET.singleP99Ms)} |`);
  console.log(
    `| 1,000-job batches, 4 connections | ${cell('on', 'batch', 'jobs/s')} | ${cell('off', 'batch', 'jobs/s')} | ${cell('bare', 'batch', 'jobs/s')} | on / bare ${batchOnBare.toFixed(2)} | ≥ ${TARGET.batchOnBare} × bare | ${met(batchOnBare >= TARGET.batchOnBare)} |`,
  );
  console.log(
    `| ping GET /ping/<key>, 50 connections | ${cell('on', 'ping', 'req/s')} | ${cell('off', 'ping', 'req/s')} | ${fmt(med((r) => r.results.bare.ping.rps))} req/s (no database) | on / bare ${pingOnBare.toFixed(2)} | ≥ ${TARGET.pingOnBare} × bare | ${met(pingOnBare >= TARGET.pingOnBare)} |`,
  );
  console.log(`| failing job → open \`job_failed\` alert visible, under the single-POST load (all rounds) | ${alerts.cell} | | | | ≤ 2 s | ${met(alerts.met)} |`);
  console.log(`| failing job → open \`job_failed\` alert visible, under the batch load (all rounds) | ${batchAlerts.cell} | | | | ≤ 2 s | ${met(batchAlerts.met)} |`);
  console.log(`| errors (non-2xx + socket), all rounds | ${errorSum('on')} | ${errorSum('off')} | ${errorSum('bare')} | | 0 | |`);
  const firstError = rounds.flatMap((r) => [r.results.on.alerts?.firstError, r.results.on.batchAlerts?.firstError]).find((e) => e);
  if (firstError) console.log(`\nA latency probe's request failed: ${firstError}`);
}

export function printIngest(rounds: IngestRound[], seconds: number, profiled: boolean): void {
  console.log(`\n## Ingestion (SQLite, one process; load from wrk, 1 thread): ${plural(rounds.length, 'interleaved round')}, ${seconds} s a measure, a fresh server each run`);
  if (profiled) console.log('Engine on runs under `--cpu-prof`: its figures include the profiler\'s cost.');
  console.log(
    'A latency probe posts a failing backup for a new device every 500 ms during the engine-on single-POST load, and again during its batch load (one job in 17 of the batches fails: ~1,300 failures a second on 2,000 devices), and polls `GET /api/v1/alerts?device=…&type=job_failed&state=open` every 50 ms.\n',
  );
  printRounds(rounds);
  printSummary(rounds);
}
