// The scale-out benchmark's tables: rates with their ratios, then where the time went.
import { cpus } from 'node:os';
import { bottleneck, type CpuShare, pct } from './cpu.ts';
import type { Measured, ScaleoutResult } from './scaleout.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');
const cores = (n: number) => n.toFixed(2);

function cpuCells(c: CpuShare): string {
  const pg = c.pg ? `${pct(c.pg.running)} / ${pct(c.pg.lock)} / ${pct(c.pg.io)} / ${pct(c.pg.waitingForUs)} / ${pct(c.pg.idle)}` : '–';
  return `${cores(c.machine)} | ${cores(c.keepwatch)} (${cores(c.keepwatchMax)}) | ${cores(c.postgres)} | ${cores(c.wrk)} | ${cores(c.other)} | ${pg} | ${bottleneck(c)}`;
}

export function printScaleout(r: ScaleoutResult, seconds: number): void {
  const [three, one, lite] = r.setups as [typeof r.setups[0], typeof r.setups[0], typeof r.setups[0]];
  const row = (label: string, pick: (s: typeof three) => Measured, unit: string) => {
    const cell = (m: Measured) => `${fmt(m.rate)} ${unit}${m.p99 !== null ? `, p99 ${m.p99} ms; ${fmt(m.evaluatedPerSec)} evaluations/s meanwhile` : ''}`;
    console.log(`| ${label} | ${cell(pick(three))} | ${cell(pick(one))} | ${cell(pick(lite))} | ${ratio(pick(three).rate, pick(one).rate)} | ${ratio(pick(one).rate, pick(lite).rate)} |`);
  };
  console.log(`\n## Scale-out: three instances on PostgreSQL ${r.postgresVersion} vs one, and one on SQLite (${seconds} s per measure, all on this machine)`);
  console.log('| measure | 3 × PostgreSQL | 1 × PostgreSQL | 1 × SQLite | 3 PG ÷ 1 PG | 1 PG ÷ SQLite |');
  console.log('|---|---|---|---|---|---|');
  row('single-job POST /api/v1/jobs, 48 connections split over the instances', (s) => s.single, 'req/s');
  row('1,000-job batches, 6 connections split over the instances', (s) => s.batch, 'jobs/s');
  row('evaluator: every one of 2,000 devices queued at once, until the queue is empty', (s) => s.evaluation, 'devices/s');
  const errors = (s: typeof three) => {
    const kinds = [s.single.errorKinds, s.batch.errorKinds].filter(Boolean).join('; ');
    return `${s.single.errors + s.batch.errors}${kinds ? ` (${kinds})` : ''}`;
  };
  console.log(`| errors (non-2xx + socket) | ${errors(three)} | ${errors(one)} | ${errors(lite)} | | |`);
  for (const s of r.setups) {
    if (s.problems.length === 0) continue;
    console.log(`\n${s.label}: the instances logged ${s.problems.length} warnings or errors${s.problems.length >= 200 ? ' (first 200 per instance)' : ''}:`);
    for (const line of s.problems.slice(0, 20)) console.log(`    ${line.slice(0, 400)}`);
  }

  console.log(`\n### Where the time went (CPU in cores of ${cpus().length}; PostgreSQL: share of this database's backend samples)`);
  console.log('| setup, measure | machine busy | Keepwatch (busiest process) | PostgreSQL | wrk | other | backends running / lock / I/O / waiting for us / idle | bottleneck |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const s of r.setups) {
    console.log(`| ${s.label}, single POSTs | ${cpuCells(s.single.cpu)} |`);
    console.log(`| ${s.label}, batches | ${cpuCells(s.batch.cpu)} |`);
    console.log(`| ${s.label}, evaluation | ${cpuCells(s.evaluation.cpu)} |`);
  }
}
