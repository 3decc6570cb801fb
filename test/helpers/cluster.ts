// Several real `keepwatch serve` processes on one scratch PostgreSQL database, as an operator runs
// them behind a load balancer: same secret key, own data directory, own HTTP and SMTP ports. Each
// instance says who it is through its public URL (http://<name>.keepwatch.test), which ends up in
// the links of every notification it sends.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type ScratchDb, testEnv } from './db.js';
import { cli, type Server, startServer } from './process.js';

export interface Instance extends Server {
  name: string;
  alive: boolean;
  startedAt: number;
  killedAt: number | null;
  startMs: number;
}

export interface LogProblem {
  instance: string;
  line: string;
}

/** The public URL's host of an instance: notification links name their sender. */
export const instanceHost = (name: string) => `${name}.keepwatch.test`;

export class Cluster {
  /** Every process started, dead ones included (their logs are still read). */
  readonly processes: Instance[] = [];
  readonly pool: pg.Pool;

  constructor(
    readonly db: ScratchDb,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    if (!db.databaseUrl) throw new Error('a cluster needs PostgreSQL');
    this.pool = new pg.Pool({ connectionString: db.databaseUrl, max: 4 });
  }

  env(name: string): Record<string, string> {
    const dataDir = join(this.db.dataDir, name);
    mkdirSync(dataDir, { recursive: true });
    return testEnv(this.db, {
      KEEPWATCH_DATA_DIR: dataDir,
      KEEPWATCH_PUBLIC_URL: `http://${instanceHost(name)}`,
      KEEPWATCH_MAIL_DOMAINS: 'keepwatch.test',
      ...this.extraEnv,
    });
  }

  /** An admin token, made with the CLI (which also migrates the database). */
  async adminToken(): Promise<string> {
    const { stdout } = await cli(['token', 'create', '--scope', 'admin', '--name', 'cluster'], this.env('cli'));
    return stdout.trim().split('\n').pop()!;
  }

  async start(name: string): Promise<Instance> {
    const t = Date.now();
    // Three starting at once, or one starting under load, on two cores: seconds each.
    const server = await startServer(this.env(name), 45_000);
    const instance: Instance = Object.assign(server, { name, alive: true, startedAt: Date.now(), killedAt: null, startMs: Date.now() - t });
    void server.exited.then(() => {
      instance.alive = false;
    });
    this.processes.push(instance);
    return instance;
  }

  /** The live process of that name. */
  get(name: string): Instance {
    const i = this.processes.find((p) => p.name === name && p.alive);
    if (!i) throw new Error(`no live instance ${name}`);
    return i;
  }

  live(): Instance[] {
    return this.processes.filter((p) => p.alive);
  }

  /** SIGKILL: no shutdown code runs, whatever it held stays claimed until its lease runs out. */
  async kill(name: string): Promise<Instance> {
    const i = this.get(name);
    i.alive = false;
    i.killedAt = Date.now();
    i.child.kill('SIGKILL');
    await i.exited;
    return i;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        p.child.kill('SIGTERM');
        const forced = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
        await p.exited;
        clearTimeout(forced);
      }),
    );
    await this.pool.end();
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, params)).rows as T[];
  }

  /** Log lines at error level or above, and anything on stderr, from every process. */
  problems(): LogProblem[] {
    const out: LogProblem[] = [];
    for (const p of this.processes) {
      for (const line of p.lines) {
        let level = 0;
        try {
          level = (JSON.parse(line) as { level?: number }).level ?? 0;
        } catch {
          level = 60; // a line that is not our JSON log: a crash trace
        }
        if (level >= 50 || /deadlock/i.test(line)) out.push({ instance: p.name, line });
      }
      const stderr = p.stderr().trim();
      if (stderr !== '') out.push({ instance: p.name, line: `stderr: ${stderr}` });
    }
    return out;
  }

  /** Deadlocks PostgreSQL detected in this database (also the ones our retries hid). */
  async deadlocks(): Promise<number> {
    const [r] = await this.sql<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
    return Number(r!.deadlocks);
  }
}

/** Polls until `fn` answers true; throws with `what` when `ms` runs out. */
export async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
