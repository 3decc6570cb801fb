// `npm run bench [-- ingest] [-- --seconds=N]`: runs the benchmarks and prints a results table.
// Record what you measure, with the machine and date, in docs/PERFORMANCE.md.
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchEmail } from './email.ts';
import { benchEmailTemplates } from './email-templates.ts';
import { benchConsole } from './console.ts';
import { benchAzure } from './azure.ts';
import { benchConnectors } from './connectors.ts';
import { benchEngine } from './engine.ts';
import { printEngine } from './engine-report.ts';
import { benchHardening, printHardening } from './hardening.ts';
import { benchIngestRounds } from './ingest.ts';
import { printIngest } from './ingest-report.ts';
import { benchNotify } from './notify.ts';
import { benchChannelDrain } from './notify-channels.ts';
import { printProfile, summariseProfiles } from './profile.ts';
import { benchPsa } from './psa.ts';
import { benchReports } from './reports.ts';
import { printScaleout } from './scaleout-report.ts';
import { benchScaleout } from './scaleout.ts';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const only = args.filter((a) => !a.startsWith('--'));
const want = (name: string) => only.length === 0 || only.includes(name);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`# Keepwatch benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);

if (want('ingest')) {
  // `--rounds=N` (2) interleaved rounds of bare / engine on / engine off; `--cpu-prof` profiles the engine-on server.
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 2);
  const cpuProfDir = args.includes('--cpu-prof') ? mkdtempSync(join(tmpdir(), 'kw-cpuprof-ingest-')) : null;
  if (cpuProfDir) console.error(`  … CPU profiles of the engine-on server go to ${cpuProfDir}`);
  const r = await benchIngestRounds({ seconds, rounds, cpuProfDir }, (s) => console.error(`  … ${s}`));
  printIngest(r, seconds, cpuProfDir !== null);
  if (cpuProfDir) printProfile(summariseProfiles(cpuProfDir), 'Ingestion, engine on, all rounds');
}

if (only.includes('reports')) {
  // `--estate-dir=<dir>`: an estate made by the engine bench (not made here: it takes ~20 minutes).
  const estateDir = args.find((a) => a.startsWith('--estate-dir='))?.split('=')[1];
  if (!estateDir) throw new Error('reports needs --estate-dir=<dir> (an estate made by `npm run bench -- engine --estate-dir=<dir>`)');
  const r = await benchReports(estateDir);
  console.log(`\n## Whole-estate reports (SQLite, serve with workers off, the estate in ${estateDir})`);
  console.log('| request | answer | time | /healthz meanwhile: answers, slowest |');
  console.log('|---|---|---|---|');
  for (const t of r) console.log(`| \`GET ${t.path}\` | ${t.status}, ${fmt(t.bytes / 1024)} kB | ${t.seconds.toFixed(2)} s | ${t.probes}, ${fmt(t.slowestProbeMs)} ms |`);
}

if (want('engine')) {
  // `--estate-dir=<dir>` keeps the estate and reuses it next time; `--stream-seconds=N` (300); `--cpu-prof` profiles serve.
  const devices = Number(args.find((a) => a.startsWith('--devices='))?.split('=')[1] ?? 100_000);
  const days = Number(args.find((a) => a.startsWith('--days='))?.split('=')[1] ?? 140);
  const estateDir = args.find((a) => a.startsWith('--estate-dir='))?.split('=')[1] ?? null;
  const streamSeconds = Number(args.find((a) => a.startsWith('--stream-seconds='))?.split('=')[1] ?? 300);
  const clients = Math.max(1, Math.round(devices / 1000));
  const cpuProfDir = args.includes('--cpu-prof') ? mkdtempSync(join(tmpdir(), 'kw-cpuprof-engine-')) : null;
  if (cpuProfDir) console.error(`  … CPU profiles of the serve process go to ${cpuProfDir}`);
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const r = await benchEngine({ clients, devicesPerClient: Math.round(devices / clients), days }, { estateDir, streamSeconds, nodeArgs }, (s) => console.error(`  … ${s}`));
  printEngine(r, streamSeconds);
  if (cpuProfDir) printProfile(summariseProfiles(cpuProfDir), 'Engine estate, serve under the stream and the API reads');
}

if (want('email')) {
  // `--messages=N` (10,000); `--cpu-prof` profiles the 20-connection server.
  const n = Number(args.find((a) => a.startsWith('--messages='))?.split('=')[1] ?? 10_000);
  const cpuProfDir = args.includes('--cpu-prof') ? mkdtempSync(join(tmpdir(), 'kw-cpuprof-email-')) : null;
  const r = await benchEmail(n, cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []);
  console.log(`\n## E-mail (SQLite, one process): ${fmt(r.messages)} messages of ~20 kB, 50 checks matched by rules`);
  console.log('| measure | result | ratio to the ceiling | target |');
  console.log('|---|---|---|---|');
  console.log(`| bare ceiling: smtp-server + SQLite insert, 20 connections | ${fmt(r.ceilingPerSec)} msg/s | 1.00 | |`);
  for (const k of r.runs) {
    console.log(`| accepted (250 after the raw copy committed), ${k.connections} connections | ${fmt(k.acceptedPerSec)} msg/s (${k.seconds.accepted.toFixed(1)} s) | ${(k.acceptedPerSec / r.ceilingPerSec).toFixed(2)} | |`);
    console.log(`| end to end (SMTP in → job visible through the API), ${k.connections} connections | ${fmt(k.endToEndPerSec)} msg/s (${k.seconds.endToEnd.toFixed(1)} s) | ${(k.endToEndPerSec / r.ceilingPerSec).toFixed(2)} | ≥ 1,000 msg/s |`);
  }
  if (cpuProfDir) printProfile(summariseProfiles(cpuProfDir), 'E-mail, 20 connections (the profiler slows it: the rates above are not comparable)');
}

if (want('email-templates')) {
  const r = await benchEmailTemplates(seconds);
  console.log(`\n## E-mail parse + templates (one core, ${r.messages} fixture mails, ${r.recognised} recognised)`);
  console.log('| measure | result |');
  console.log('|---|---|');
  console.log(`| parseEmail (raw bytes → ParsedEmail) | ${fmt(r.parsePerSec)} msg/s |`);
  console.log(`| recognise (every template's detect, then parse) | ${fmt(r.recognisePerSec)} msg/s |`);
  console.log(`| both | ${fmt(r.bothPerSec)} msg/s |`);
  console.log(`| recognise on the end-to-end bench's 20 kB mail, which no template knows | ${fmt(r.unknownPerSec)} msg/s |`);
  console.log(`| what the templates slowest to turn that mail down add to recognise() | ${r.slowest.map((t) => `${t.id} ${t.us} µs`).join(', ')} |`);
}

if (want('console')) {
  const devices = Number(args.find((a) => a.startsWith('--devices='))?.split('=')[1] ?? 100_000);
  const days = Number(args.find((a) => a.startsWith('--days='))?.split('=')[1] ?? 14);
  const clients = Math.max(1, Math.round(devices / 1000));
  const r = await benchConsole({ clients, devicesPerClient: Math.round(devices / clients), days }, 5, (s) => console.error(`  … ${s}`));
  console.log(`\n## Console (SQLite, headless Chromium on the same machine): ${fmt(r.devices)} devices`);
  console.log('| measure | result | target |');
  console.log('|---|---|---|');
  console.log(`| Devices: navigation to the first row painted | p50 ${r.devicesPaintMs.p50} ms, max ${r.devicesPaintMs.max} ms | < 1.5 s |`);
  console.log(`| Alerts: navigation to the first alert painted | p50 ${r.alertsPaintMs.p50} ms, max ${r.alertsPaintMs.max} ms | < 1.5 s |`);
  console.log(`| first view's scripts and styles, gzipped | ${r.firstViewGzipKiB} KiB | < 400 kB |`);
}

if (want('connectors')) {
  const num = (name: string, d: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
  const size = { companies: num('companies', 500), machines: num('machines', 10_000), sessions: num('sessions', 100_000), newSessions: num('new', 300) };
  const r = await benchConnectors(size, (s) => console.error(`  … ${s}`));
  const row = (label: string, f: typeof r.first, target: string) =>
    console.log(`| ${label} | ${f.seconds.toFixed(1)} s: ${fmt(f.jobsSeen)} sessions read, ${fmt(f.jobsRecorded)} recorded (${fmt(f.jobsCreated)} new), ${fmt(f.requests)} API calls | ${f.keepwatchCpuSeconds.toFixed(1)} s | ${f.fakeCpuSeconds.toFixed(1)} s | ${target} |`);
  console.log(`\n## Pull connectors: veeam-spc (SQLite): ${fmt(size.companies)} companies, ${fmt(r.machines)} machines, ${fmt(r.sessions)} job sessions`);
  console.log('| sync | time | Keepwatch CPU | stand-in CPU | target |');
  console.log('|---|---|---|---|---|');
  row('first', r.first, '≤ 60 s');
  row(`incremental, ${fmt(size.newSessions)} new sessions`, r.incremental, '≤ 5 s');
  console.log(`| \`keepwatch serve\` peak RSS | ${r.peakRssMiB} MiB | | | |`);
}

if (want('azure')) {
  const num = (name: string, d: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
  const size = { vaults: num('vaults', 50), itemsPerVault: num('items', 100), days: num('days', 30), pageSize: num('page', 200) };
  const r = await benchAzure(size, (s) => console.error(`  … ${s}`));
  const row = (label: string, f: typeof r.first, target: string) =>
    console.log(`| ${label} | ${f.seconds.toFixed(1)} s: ${fmt(f.jobsSeen)} jobs read, ${fmt(f.jobsRecorded)} recorded, ${fmt(f.requests)} ARM calls (${fmt(f.jobsSeen / f.seconds)} jobs/s) | ${f.keepwatchCpuSeconds.toFixed(1)} s | ${f.fakeCpuSeconds.toFixed(1)} s | ${target} |`);
  console.log(`\n## Azure connector (SQLite): ${size.vaults} vaults, ${fmt(size.vaults * size.itemsPerVault)} protected items, ${fmt(r.jobs)} jobs over ${size.days} days, pages of ${size.pageSize}`);
  console.log('| sync | time | Keepwatch CPU | fake CPU | target |');
  console.log('|---|---|---|---|---|');
  row('first', r.first, '< 60 s');
  row('incremental, an hour later', r.incremental, '< 5 s');
  console.log(`| \`keepwatch serve\` peak RSS | ${r.peakRssMiB} MiB | | | |`);
}
if (want('notify')) {
  const samples = Number(args.find((a) => a.startsWith('--samples='))?.split('=')[1] ?? 200);
  const alerts = Number(args.find((a) => a.startsWith('--alerts='))?.split('=')[1] ?? 10_000);
  // `--channels-only`: just the drain over issue #21's channel types.
  const r = args.includes('--channels-only') ? null : await benchNotify({ samples, alerts });
  if (r) {
    console.log('\n## Notifications (SQLite, `keepwatch serve` child process; SMTP sink and webhook receiver in the bench process)');
    console.log('| measure | result | target |');
    console.log('|---|---|---|');
    console.log(`| failing job acknowledged → alert e-mail accepted by the SMTP sink (${r.latency.n} jobs, one at a time) | p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms | p99 < 2 s |`);
    console.log(`| burst of ${fmt(r.burst.alerts)} alerts to one webhook, jobs posted → every call answered | ${r.burst.seconds.toFixed(1)} s, ${fmt(r.burst.perSecond)} deliveries/s | ≥ 2,000/s |`);
    console.log(`| ${fmt(r.drain.deliveries)} deliveries queued during an outage, drained in order once back | ${r.drain.seconds.toFixed(1)} s, ${fmt(r.drain.perSecond)} deliveries/s | ≥ 2,000/s |`);
  }
  const c = await benchChannelDrain(alerts, (s) => console.error(`  … ${s}`));
  console.log(`\n## Channel types of issue #21 (SQLite, \`keepwatch serve\` child process; one stand-in server for all eight services in the bench process): ${fmt(c.deliveries)} deliveries queued during an outage, one channel per type`);
  console.log('| channel type | deliveries | drained after |');
  console.log('|---|---|---|');
  for (const t of c.byType) console.log(`| ${t.type} | ${fmt(t.deliveries)} | ${t.seconds.toFixed(1)} s |`);
  console.log(`| **all eight** | ${fmt(c.deliveries)} | **${c.seconds.toFixed(1)} s, ${fmt(c.perSecond)} deliveries/s** (target ≥ 2,000/s) |`);
}

if (want('psa')) {
  const alerts = Number(args.find((a) => a.startsWith('--alerts='))?.split('=')[1] ?? 2000);
  const r = await benchPsa(alerts);
  console.log(`\n## PSA tickets and paging (SQLite, \`keepwatch serve\` child process; ConnectWise and PagerDuty stand-ins in the bench process): ${fmt(r.alerts)} alerts`);
  console.log('| measure | result |');
  console.log('|---|---|');
  console.log(`| failing jobs posted → every ConnectWise ticket created (search + create each, ${fmt(r.tickets.calls)} calls) | ${r.tickets.seconds.toFixed(1)} s, ${fmt(r.tickets.perSecond)} tickets/s |`);
  console.log(`| failing jobs posted → every PagerDuty trigger accepted (rule holds at once) | ${r.pages.seconds.toFixed(1)} s, ${fmt(r.pages.perSecond)} pages/s |`);
}

if (want('scaleout')) {
  const r = await benchScaleout(seconds, (s) => console.error(`  … ${s}`));
  printScaleout(r, seconds);
}

if (want('hardening')) printHardening(await benchHardening({ seconds: Number(args.find((a) => a.startsWith('--load-seconds='))?.split('=')[1] ?? 60) }));
