// Summary of the V8 CPU profiles that `node --cpu-prof` writes: where a thread's busy time goes,
// as the functions with the most self time and as groups (SQLite, evaluation, HTTP, GC, …), so a
// benchmark run prints its own flame summary instead of someone opening DevTools.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ThreadSummary {
  /** The thread's profile files: one per process (or worker) that ran it. */
  files: string[];
  wallMs: number;
  busyMs: number;
  top: Array<{ name: string; where: string; ms: number }>;
  groups: Array<{ group: string; ms: number }>;
}

export interface ProfileSummary {
  dir: string;
  main: ThreadSummary | null;
  /** Worker threads, one summary per thread id (the profile's file name carries it). */
  workers: Array<{ threadId: number; summary: ThreadSummary }>;
}

// Groups are decided by the innermost frame that has a source file: a native call such as
// better-sqlite3's Statement.all has none, so it counts for the JavaScript that called it
// (Kysely's SQLite driver's executeQuery, whose self time is therefore SQLite's).
const SQLITE = /node_modules\/better-sqlite3\/|node_modules\/kysely\/dist\/(esm\/|cjs\/)?dialect\/sqlite\/|\/dist\/db\/connection\.js/;
const KYSELY = /node_modules\/kysely\//;
const GROUPS: Array<[string, RegExp]> = [
  ['HTTP (Fastify, validation, serialisation, node:http/net)', /node_modules\/(fastify|@fastify|find-my-way|avvio|ajv|fast-json-stringify|fast-uri|secure-json-parse|light-my-request|typebox)|node:_http|node:net|node:internal\/(http|streams|stream_base)|\/dist\/http\//],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream)/],
  ['start-up (module loading and compiling)', /node:internal\/modules\//],
  ['messages to and from worker threads', /node:internal\/worker/],
  ['app code outside the engine (ours: ingest, catalog, domain, lib, …)', /\/dist\//],
  ['Node internals (timers, ticks, crypto, …)', /^node:/],
];
const EVALUATING = /\/dist\/engine\//;

function shortWhere(url: string, line: number): string {
  if (url === '') return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const path = m ? `${m[1]}: ${m[2]}` : url.replace(/^file:\/\/.*?\/dist\//, 'dist/');
  return `${path}:${line + 1}`;
}

/** The group of one sample, from its stack (leaf first). */
function groupOf(stack: ProfileNode[]): string {
  const leaf = stack[0]!.callFrame.functionName;
  if (leaf === '(garbage collector)') return 'GC';
  if (leaf === '(program)') return '(program: V8 and native work no JavaScript frame owns)';
  const framed = stack.find((n) => n.callFrame.url !== '');
  if (!framed) return 'other';
  const url = framed.callFrame.url;
  // Whatever an evaluation calls is the engine's cost, split only into SQL and the rest.
  const evaluating = stack.some((n) => EVALUATING.test(n.callFrame.url));
  if (SQLITE.test(url)) return evaluating ? 'evaluation: SQLite (better-sqlite3 calls)' : 'SQLite (better-sqlite3 calls)';
  if (KYSELY.test(url)) return evaluating ? 'evaluation: Kysely (query building)' : 'Kysely (query building)';
  if (evaluating) return 'evaluation: JavaScript (engine, rules, …)';
  return GROUPS.find(([, re]) => re.test(url))?.[0] ?? 'other JavaScript (dependencies)';
}

function summariseThread(files: string[]): ThreadSummary {
  const self = new Map<string, { name: string; where: string; ms: number }>();
  const groups = new Map<string, number>();
  let wallMs = 0;
  let idleMs = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    wallMs += (p.endTime - p.startTime) / 1000;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, ProfileNode>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const stackCache = new Map<number, ProfileNode[]>();
    const stackOf = (id: number): ProfileNode[] => {
      let s = stackCache.get(id);
      if (!s) {
        s = [];
        for (let n = byId.get(id); n; n = parent.get(n.id)) s.push(n);
        stackCache.set(id, s);
      }
      return s;
    };
    // timeDeltas[i + 1] is the time from sample i to the next: the time sample i stands for.
    for (let i = 0; i < p.samples.length; i++) {
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      const stack = stackOf(p.samples[i]!);
      const f = stack[0]!.callFrame;
      if (f.functionName === '(idle)') {
        idleMs += ms;
        continue;
      }
      const name = f.functionName || '(anonymous)';
      const where = shortWhere(f.url, f.lineNumber);
      const key = `${name}@${where}`;
      const entry = self.get(key) ?? { name, where, ms: 0 };
      entry.ms += ms;
      self.set(key, entry);
      const g = groupOf(stack);
      groups.set(g, (groups.get(g) ?? 0) + ms);
    }
  }
  const busyMs = wallMs - idleMs;
  return {
    files,
    wallMs,
    busyMs,
    top: [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, 15),
    groups: [...groups].map(([group, ms]) => ({ group, ms })).sort((a, b) => b.ms - a.ms),
  };
}

/** Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread. */
export function summariseProfiles(dir: string): ProfileSummary {
  const byThread = new Map<number, string[]>();
  for (const name of readdirSync(dir)) {
    const m = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(name);
    if (!m) continue;
    const tid = Number(m[1]);
    byThread.set(tid, [...(byThread.get(tid) ?? []), join(dir, name)]);
  }
  const main = byThread.get(0);
  byThread.delete(0);
  return {
    dir,
    main: main ? summariseThread(main) : null,
    workers: [...byThread].sort((a, b) => a[0] - b[0]).map(([threadId, files]) => ({ threadId, summary: summariseThread(files) })),
  };
}

const pct = (part: number, whole: number) => `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'} %`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function printProfile(p: ProfileSummary, title: string): void {
  console.log(`\n### ${title}: \`--cpu-prof\` of \`keepwatch serve\` (profiles in ${p.dir})`);
  if (!p.main) {
    console.log('No main-thread profile was written (did the server exit cleanly?).');
    return;
  }
  const m = p.main;
  console.log(`Main thread: busy ${secs(m.busyMs)} of ${secs(m.wallMs)} profiled (${pct(m.busyMs, m.wallMs)}), ${m.files.length} profile(s).\n`);
  console.log('| group (main thread) | self time | share of busy |');
  console.log('|---|---|---|');
  for (const g of m.groups) console.log(`| ${g.group} | ${secs(g.ms)} | ${pct(g.ms, m.busyMs)} |`);
  console.log('\n| function (main thread, most self time) | where | self time | share of busy |');
  console.log('|---|---|---|---|');
  for (const f of m.top) console.log(`| \`${f.name}\` | ${f.where} | ${secs(f.ms)} | ${pct(f.ms, m.busyMs)} |`);
  if (p.workers.length > 0) {
    console.log('\n| worker thread | busy | top groups | top function |');
    console.log('|---|---|---|---|');
    for (const { threadId, summary: w } of p.workers) {
      const groups = w.groups.slice(0, 3).map((g) => `${g.group} ${pct(g.ms, w.busyMs)}`).join('; ');
      const f = w.top[0];
      console.log(`| ${threadId} | ${secs(w.busyMs)} of ${secs(w.wallMs)} (${pct(w.busyMs, w.wallMs)}) | ${groups} | ${f ? `\`${f.name}\` ${f.where} ${pct(f.ms, w.busyMs)}` : ''} |`);
    }
  }
}
