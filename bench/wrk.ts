// Load from wrk (C, from Debian's packages): far lighter than a Node load generator, which on a
// 2-core machine would take the CPU the server needs. Lua scripts make every job unique.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** What the errors were, e.g. "non-2xx 2, timeout 1" (wrk's own words); empty when none. */
  errorKinds?: string;
}

const JOB = (prefix: string) => `
local function job(n)
  return string.format('{"source":"bench","external_id":"${prefix}-%d-%d","client":"Client %d","device":{"name":"DEV-%d","class":"server","type":"vm"},"check":{"name":"Nightly backup","kind":"backup"},"status":"%s","started_at":"2026-11-20T01:00:00Z","ended_at":"2026-11-20T01:12:31Z","bytes":53687091200}',
    thread_id, n, n % 20, n % 2000, (n % 17 == 0) and "failed" or "succeeded")
end
`;

export const scripts = {
  single: (token: string) => `${JOB('single')}
local n = 0
thread_id = math.random(1, 1e9)
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/jobs", { ["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json" }, job(n))
end`,
  batch: (token: string) => `${JOB('batch')}
local n = 0
thread_id = math.random(1, 1e9)
function request()
  local parts = {}
  for i = 1, 1000 do n = n + 1; parts[i] = job(n) end
  return wrk.format("POST", "/api/v1/jobs", { ["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json" }, '{"jobs":[' .. table.concat(parts, ",") .. ']}')
end`,
  paths: (paths: string[]) => `
local paths = { ${paths.map((p) => `"${p}"`).join(', ')} }
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end`,
};

function ms(value: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(value);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

export async function wrk(url: string, script: string, connections: number, seconds: number): Promise<LoadResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'kw-wrk-')), 'script.lua');
  writeFileSync(file, script);
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', file, url], {
    maxBuffer: 1 << 20,
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const p50 = ms(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? '');
  const p99 = ms(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const kinds: Array<[string, number]> = [['non-2xx', non2xx], ...['connect', 'read', 'write', 'timeout'].map((k, i): [string, number] => [k, Number(socket?.[i + 1] ?? 0)])];
  const errors = kinds.reduce((sum, [, n]) => sum + n, 0);
  const errorKinds = kinds.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  return { rps, p50, p99, errors, errorKinds };
}
