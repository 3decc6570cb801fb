// Pull connectors benchmark (issue #19): a Veeam Service Provider Console stand-in (default 500
// companies, 10,000 machines, 100,000 latest job sessions) served from its own process; a
// `keepwatch serve` (SQLite, workers off so only the sync runs) syncs it through
// POST /api/v1/connectors/<id>/sync. Reports the first sync, an incremental sync right after it
// with a few hundred new sessions, and the CPU each side used.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { startBenchServer } from './server.ts';

export interface ConnectorsBenchSize {
  companies: number;
  machines: number;
  sessions: number;
  /** New sessions before the incremental sync. */
  newSessions: number;
}

export interface ConnectorSyncFigures {
  seconds: number;
  jobsSeen: number;
  jobsRecorded: number;
  jobsCreated: number;
  requests: number;
  fakeCpuSeconds: number;
  keepwatchCpuSeconds: number;
}

export interface ConnectorsBenchResult {
  sessions: number;
  machines: number;
  first: ConnectorSyncFigures;
  incremental: ConnectorSyncFigures;
  peakRssMiB: number;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

class StandIn {
  readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly waiting: Array<(v: any) => void> = [];

  constructor(child: ChildProcess) {
    this.child = child;
    this.lines = createInterface({ input: child.stdout! });
    this.lines.on('line', (l) => this.waiting.shift()?.(JSON.parse(l)));
  }

  next(): Promise<any> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  ask(cmd: string): Promise<any> {
    const answer = this.next();
    this.child.stdin!.write(`${cmd}\n`);
    return answer;
  }
}

export async function benchConnectors(size: ConnectorsBenchSize, log: (s: string) => void): Promise<ConnectorsBenchResult> {
  const now = Date.now();
  const perCompany = Math.max(1, Math.round(size.machines / size.companies));
  const vms = Math.floor(perCompany / 2);
  const script = new URL('./connectors-fake.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, String(size.companies), String(vms), String(perCompany - vms), String(size.sessions), String(now)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const fake = new StandIn(child);
  let server: Awaited<ReturnType<typeof startBenchServer>> | null = null;
  try {
    const ready = await fake.next();
    log(`VSPC stand-in: ${ready.companies} companies, ${ready.machines.toLocaleString('en-US')} machines, ${ready.sessions.toLocaleString('en-US')} job sessions`);
    server = await startBenchServer({ KEEPWATCH_WORKERS: 'false', KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1' });
    const kw = server;
    const headers = { authorization: `Bearer ${kw.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${kw.url}/api/v1/connectors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'veeam-spc', name: 'Bench VSPC', config: { url: ready.url, api_key: ready.apiKey } }),
    });
    if (created.status !== 201) throw new Error(`creating the connector answered ${created.status}: ${await created.text()}`);
    const connector = (await created.json()) as { id: string };
    const sync = async (): Promise<ConnectorSyncFigures> => {
      const before = { fake: (await fake.ask('stats')).cpuMs / 1000, kw: cpuSeconds(kw.child.pid!) };
      const t = performance.now();
      const res = await fetch(`${kw.url}/api/v1/connectors/${connector.id}/sync`, { method: 'POST', headers: { authorization: headers.authorization } });
      const run = (await res.json()) as { status: string; counts: Record<string, number>; error: string | null };
      const seconds = (performance.now() - t) / 1000;
      if (run.status !== 'succeeded') throw new Error(`sync ${run.status}: ${run.error}`);
      const after = { fake: (await fake.ask('stats')).cpuMs / 1000, kw: cpuSeconds(kw.child.pid!) };
      return {
        seconds,
        jobsSeen: run.counts.jobs_seen ?? 0,
        jobsRecorded: run.counts.jobs_recorded ?? 0,
        jobsCreated: run.counts.jobs_created ?? 0,
        requests: run.counts.requests ?? 0,
        fakeCpuSeconds: after.fake - before.fake,
        keepwatchCpuSeconds: after.kw - before.kw,
      };
    };
    log('first sync …');
    const first = await sync();
    const added = (await fake.ask(`sessions ${size.newSessions} ${Date.now()}`)).added;
    log(`first sync: ${first.seconds.toFixed(1)} s; ${added} new sessions; incremental sync …`);
    const incremental = await sync();
    return { sessions: ready.sessions, machines: ready.machines, first, incremental, peakRssMiB: peakRss(kw.child.pid!) };
  } finally {
    await server?.stop();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await exited;
  }
}
