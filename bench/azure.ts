// Azure connector benchmark: a fake subscription (default 50 vaults × 100 protected VMs, 30 days
// of daily backups = 150,000 jobs) served from its own process; a `keepwatch serve` (SQLite,
// workers off so only the sync runs) syncs it through POST /api/v1/connectors/<id>/sync. Reports
// the first sync, an incremental sync an hour later, and the CPU each side used, to tell whether
// the fake or Keepwatch bounds the time.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { startBenchServer } from './server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface AzureBenchSize {
  vaults: number;
  itemsPerVault: number;
  days: number;
  pageSize: number;
}

export interface SyncFigures {
  seconds: number;
  jobsSeen: number;
  jobsRecorded: number;
  requests: number;
  fakeCpuSeconds: number;
  keepwatchCpuSeconds: number;
}

export interface AzureBenchResult {
  jobs: number;
  first: SyncFigures;
  incremental: SyncFigures;
  peakRssMiB: number;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
}

function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

class FakeProcess {
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

  async ask(cmd: string): Promise<any> {
    const answer = this.next();
    this.child.stdin!.write(`${cmd}\n`);
    return answer;
  }
}

export async function benchAzure(size: AzureBenchSize, log: (s: string) => void): Promise<AzureBenchResult> {
  // History ends an hour ago; the incremental sync finds the last hour's backups.
  const now = Date.now();
  const script = new URL('./azure-fake.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, String(size.vaults), String(size.itemsPerVault), String(now - size.days * DAY - HOUR), String(now - HOUR), String(size.pageSize)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const fake = new FakeProcess(child);
  const ready = await fake.next();
  log(`fake subscription: ${size.vaults} vaults, ${size.vaults * size.itemsPerVault} items, ${ready.jobs.toLocaleString('en-US')} jobs`);
  const server = await startBenchServer({ KEEPWATCH_WORKERS: 'false' });
  try {
    const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/connectors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'azure',
        name: 'Bench subscription',
        config: { tenant_id: ready.tenantId, client_id: ready.clientId, client_secret: ready.clientSecret, subscription_id: ready.subscriptionId, login_url: ready.loginUrl, management_url: ready.managementUrl, history_days: size.days + 1, client_by: 'resource_group' },
      }),
    });
    const connector = (await created.json()) as { id: string };
    const sync = async (): Promise<SyncFigures> => {
      const before = { fake: (await fake.ask('stats')).cpuMs / 1000, kw: cpuSeconds(server.child.pid!) };
      const t = performance.now();
      const res = await fetch(`${server.url}/api/v1/connectors/${connector.id}/sync`, { method: 'POST', headers: { authorization: headers.authorization } });
      const run = (await res.json()) as { status: string; counts: Record<string, number>; error: string | null };
      const seconds = (performance.now() - t) / 1000;
      if (run.status !== 'succeeded') throw new Error(`sync ${run.status}: ${run.error}`);
      const after = { fake: (await fake.ask('stats')).cpuMs / 1000, kw: cpuSeconds(server.child.pid!) };
      return {
        seconds,
        jobsSeen: run.counts.jobs_seen ?? 0,
        jobsRecorded: run.counts.jobs_recorded ?? 0,
        requests: run.counts.requests ?? 0,
        fakeCpuSeconds: after.fake - before.fake,
        keepwatchCpuSeconds: after.kw - before.kw,
      };
    };
    log('first sync …');
    const first = await sync();
    const added = (await fake.ask(`backups ${now - HOUR} ${Date.now()}`)).added;
    log(`first sync: ${first.seconds.toFixed(1)} s; ${added} new backups; incremental sync …`);
    const incremental = await sync();
    return { jobs: ready.jobs, first, incremental, peakRssMiB: peakRss(server.child.pid!) };
  } finally {
    await server.stop();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await exited;
  }
}
