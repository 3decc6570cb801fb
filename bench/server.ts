// A `keepwatch serve` child process on a fresh database, for benchmarks.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = new URL('../bin/keepwatch.js', import.meta.url).pathname;

export interface BenchServer {
  url: string;
  smtpPort: number;
  token: string;
  adminToken: string;
  child: ChildProcess;
  env: Record<string, string>;
  /** The server's own warnings and errors (pino level ≥ 40), as logged: a benchmark's errors need their cause. */
  problems: string[];
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** Node flags placed before bin/keepwatch.js, e.g. `--cpu-prof`: they apply to `serve` only, not to the migrate and token commands. */
  nodeArgs?: string[];
}

export async function startBenchServer(extraEnv: Record<string, string> = {}, options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KEEPWATCH_DATA_DIR: dataDir,
    KEEPWATCH_HOST: '127.0.0.1',
    KEEPWATCH_PORT: '0',
    KEEPWATCH_SMTP_PORT: '0',
    KEEPWATCH_LOG_LEVEL: 'info',
    KEEPWATCH_SECRET_KEY: 'bench-secret-key-0123456789',
    ...extraEnv,
  };
  // The CLI refuses to create a database as a side effect of another command: create it first.
  execFileSync(process.execPath, [BIN, 'migrate'], { env, stdio: 'ignore' });
  const token = (args: string[]) => execFileSync(process.execPath, [BIN, 'token', 'create', ...args], { env }).toString().trim().split('\n').pop()!;
  const ingestToken = token(['--scope', 'ingest', '--name', 'bench']);
  const adminToken = token(['--scope', 'admin', '--name', 'bench-admin']);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let smtpPort = 0;
  const problems: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number; smtpPort?: number; level?: number };
        if ((entry.level ?? 0) >= 40 && problems.length < 200) problems.push(line);
        if (entry.msg === 'keepwatch is serving') {
          smtpPort = entry.smtpPort ?? 0;
          resolve(`http://127.0.0.1:${entry.port}`);
        }
      } catch {
        // ignore
      }
    });
  });
  return {
    url,
    smtpPort,
    token: ingestToken,
    adminToken,
    child,
    env,
    problems,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (!extraEnv.KEEPWATCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
