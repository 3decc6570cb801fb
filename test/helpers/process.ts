// Keepwatch as a real child process: `node bin/keepwatch.js …`, as a user runs it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const BIN = new URL('../../bin/keepwatch.js', import.meta.url).pathname;

export async function cli(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
}

export async function cliFails(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await cli(args, env);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`keepwatch ${args.join(' ')} succeeded; expected it to fail`);
}

export interface Server {
  child: ChildProcess;
  url: string;
  smtpPort: number;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Every line the process wrote to stdout (its JSON log), as it arrives. */
  lines: string[];
  stderr(): string;
}

/** Starts `keepwatch serve` and resolves once it logs that it is serving. */
export function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, KEEPWATCH_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), timeoutMs);
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number; smtpPort?: number };
        if (entry.msg === 'keepwatch is serving') {
          clearTimeout(timer);
          resolve({ child, url: `http://127.0.0.1:${entry.port}`, smtpPort: entry.smtpPort ?? 0, exited, lines, stderr: () => stderr });
        }
      } catch {
        // not a log line
      }
    });
  });
}
