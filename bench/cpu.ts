// Where the time goes during a measurement: CPU of the whole machine and of each party (the
// Keepwatch processes, PostgreSQL, wrk, everything else), read from /proc, and what PostgreSQL's
// backends for the benchmark's database are doing (pg_stat_activity), sampled a few times a second.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SAMPLE_MS = 250;

export interface CpuShare {
  /** Busy cores of the machine (0 … cpus), and how much of them each party used. */
  machine: number;
  keepwatch: number;
  /** The busiest single Keepwatch process (Node runs our code on one thread). */
  keepwatchMax: number;
  postgres: number;
  wrk: number;
  other: number;
  /** Share of PostgreSQL backend samples (this database's client backends) in each state. */
  pg: { running: number; lock: number; io: number; waitingForUs: number; idle: number } | null;
}

interface Snapshot {
  at: number;
  busy: number;
  total: number;
  procs: Map<number, { comm: string; ppid: number; ticks: number }>;
  reaped: number;
}

function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

function processes(): Map<number, { comm: string; ppid: number; ticks: number }> {
  const out = new Map<number, { comm: string; ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU of this process's children that have exited and been waited for: the wrk runs. */
function reapedChildrenTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]);
}

function snapshot(): Snapshot {
  return { at: Date.now(), ...machineTicks(), procs: processes(), reaped: reapedChildrenTicks() };
}

type Party = 'keepwatch' | 'postgres' | 'wrk' | 'other';

export interface Sampler {
  stop(): Promise<CpuShare>;
}

/**
 * Samples until stopped. `keepwatch` lists the server processes' pids; PostgreSQL is every
 * `postgres` process (its background writers serve every database); wrk is every child of this
 * process that exited meanwhile (the wrk runs of the measurement), or a `wrk` still running.
 */
export function sample(keepwatch: () => number[], db: { client: pg.Client; name: string } | null): Sampler {
  const first = snapshot();
  const counts = { running: 0, lock: 0, io: 0, waitingForUs: 0, idle: 0 };
  let n = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (!db || busy) return;
    busy = true;
    db.client
      .query<{ state: string | null; wait_event_type: string | null }>(
        "SELECT state, wait_event_type FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        [db.name],
      )
      .then((r) => {
        for (const b of r.rows) {
          n++;
          if (b.state === 'idle') counts.idle++;
          else if (b.state?.startsWith('idle in transaction')) counts.waitingForUs++;
          else if (b.wait_event_type === 'Lock' || b.wait_event_type === 'LWLock') counts.lock++;
          else if (b.wait_event_type === 'IO' || b.wait_event_type === 'IPC') counts.io++;
          else counts.running++;
        }
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      const last = snapshot();
      const seconds = (last.at - first.at) / 1000;
      const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
      const ours = new Set(keepwatch());
      const used: Record<Party, number> = { keepwatch: 0, postgres: 0, wrk: 0, other: 0 };
      let keepwatchMax = 0;
      // wrk has exited by now: its CPU is in this process's children's time.
      used.wrk += last.reaped - first.reaped;
      for (const [pid, p] of last.procs) {
        const ticks = Math.max(0, p.ticks - (first.procs.get(pid)?.ticks ?? 0));
        const party: Party = ours.has(pid) ? 'keepwatch' : p.comm === 'postgres' ? 'postgres' : p.comm === 'wrk' ? 'wrk' : 'other';
        used[party] += ticks;
        if (party === 'keepwatch') keepwatchMax = Math.max(keepwatchMax, cores(ticks));
      }
      const machine = ((last.busy - first.busy) / (last.total - first.total)) * cpus().length;
      const share = (k: keyof typeof counts) => (n === 0 ? 0 : counts[k] / n);
      return {
        machine,
        keepwatch: cores(used.keepwatch),
        keepwatchMax,
        postgres: cores(used.postgres),
        wrk: cores(used.wrk),
        other: Math.max(0, machine - cores(used.keepwatch) - cores(used.postgres) - cores(used.wrk)),
        pg: db ? { running: share('running'), lock: share('lock'), io: share('io'), waitingForUs: share('waitingForUs'), idle: share('idle') } : null,
      };
    },
  };
}

/** Where the bottleneck is, from what was sampled (a judgement, printed with its figures). */
export function bottleneck(c: CpuShare): string {
  const cores = cpus().length;
  const pgBusy = c.pg ? c.pg.running + c.pg.lock + c.pg.io : 0;
  if (c.machine >= 0.9 * cores) {
    const [who] = (['keepwatch', 'postgres', 'wrk', 'other'] as const).map((k) => [k, c[k]] as const).sort((a, b) => b[1] - a[1])[0]!;
    const whose = who === 'keepwatch' ? 'mostly our code' : who === 'postgres' ? 'mostly PostgreSQL' : who === 'wrk' ? 'mostly the load generator' : 'mostly other processes on the machine';
    const locks = c.pg && c.pg.lock > 0.25 ? `; ${pct(c.pg.lock)} of backend samples wait on locks` : '';
    return `the ${cores} cores (${whose})${locks}`;
  }
  if (c.keepwatchMax >= 0.9) return 'our code (a Keepwatch process uses a whole core: Node runs it on one thread)';
  if (c.pg && c.pg.lock > 0.25) return `PostgreSQL row locks (${pct(c.pg.lock)} of backend samples wait on a lock)`;
  if (c.pg && c.pg.io > 0.25) return `PostgreSQL I/O (${pct(c.pg.io)} of backend samples wait on I/O)`;
  if (c.pg && pgBusy > 0.5) return 'PostgreSQL (its backends are busy most of the time)';
  return 'our code (cores not saturated; PostgreSQL mostly waits for us)';
}

export const pct = (x: number) => `${Math.round(x * 100)} %`;
