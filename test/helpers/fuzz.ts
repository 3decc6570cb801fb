// Drives every operation of a served Keepwatch's OpenAPI document with requests generated from its
// schemas (wrong types, extremes, missing and extra fields, non-JSON bodies, empty query values),
// and a mixed load of reads, batches and pings. Shared by test/security/fuzz.test.ts and
// bench/hardening.ts, so it imports nothing but Node and autocannon. `FUZZ_TRACE=<part of a path>`
// prints each request to matching routes and its answer.
import autocannon from 'autocannon';

type Schema = Record<string, any>;

export interface FuzzFinding {
  method: string;
  path: string;
  status: number | 'timeout' | 'dropped';
  case: string;
  detail: string;
}

export interface FuzzReport {
  operations: number;
  requests: number;
  /** How many answers had each status. */
  byStatus: Record<number, number>;
  findings: FuzzFinding[];
}

export interface FuzzOptions {
  url: string;
  adminToken: string;
  /** Ids of existing objects by the path segment that names them (`checks`, `devices`, …), used in
   * path parameters besides made-up ones. */
  ids: Record<string, string[]>;
  seed?: number;
  casesPerOperation?: number;
  timeoutMs?: number;
  /** Operations to leave out, as `METHOD /path` (e.g. ones that end the caller's own session). */
  skip?: (method: string, path: string) => boolean;
}

/** mulberry32: a small seeded generator, so a run is reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

function deep(n: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/** Values no schema wants, or wants only at its edges. */
const EXTREMES: unknown[] = [
  1e308, -1e308, -1, 0, 0.5, 2 ** 53 + 2, -0, 1e-320,
  '', ' ', 'NaN', 'Infinity', '1e308', '-1', 'null', '0000-00-00', '9999-99-99T99:99:99Z', '\u0000', '%00', '../../etc/passwd',
  'x'.repeat(100_000), '\ud800', '😀'.repeat(50),
  null, true, false, [], [null], {}, { $ne: 1 }, deep(200), Array.from({ length: 2000 }, (_, i) => i),
];

/** The extremes that broke reads before bounds existed, tried more often. */
const CRUEL: unknown[] = [1e308, -1e308, -1, 2 ** 53 + 2, 'x'.repeat(100_000), null, deep(200)];

const QUERY_EXTREMES = ['', '\u0000', ' ', '-1', '0', '1e308', 'NaN', 'true', 'x'.repeat(5000), '2026-13-45', '%ZZ', '9999-12-31', '0000-01-01', '[]', '{}'];

function resolve(doc: Schema, s: Schema | undefined): Schema {
  if (!s) return {};
  if (typeof s.$ref === 'string') {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    let out: any = doc;
    for (const p of parts) out = out?.[p];
    return resolve(doc, out);
  }
  return s;
}

/** A value that fits the schema (roughly): the base the mutations start from. */
function valid(doc: Schema, raw: Schema | undefined, rng: Rng, depth = 0, optional = 0.6): unknown {
  const s = resolve(doc, raw);
  if (depth > 6) return null;
  if (s.enum) return rng.pick(s.enum);
  if (s.const !== undefined) return s.const;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return valid(doc, rng.pick(alts.filter((a: Schema) => resolve(doc, a).type !== 'null')) ?? alts[0], rng, depth + 1, optional);
  const type = Array.isArray(s.type) ? rng.pick(s.type.filter((t: string) => t !== 'null')) ?? 'null' : s.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : min + 1000);
      return rng.pick([min, max, Math.round((min + max) / 2)]);
    }
    case 'string': {
      if (s.format === 'date-time') return new Date(Date.UTC(2026, 10, 20) + Math.floor(rng.next() * 1e9)).toISOString();
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'uri') return 'http://127.0.0.1:9/hook';
      if (s.pattern?.includes('[0-9]{4}-')) return '2026-11-20';
      if (s.pattern?.includes(':[0-5]')) return '08:30';
      const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 12));
      return `fuzz-${Math.floor(rng.next() * 1e9).toString(36)}`.padEnd(len, 'x').slice(0, Math.max(len, 1));
    }
    case 'array': {
      const n = Math.max(s.minItems ?? 0, rng.chance(0.5) ? 1 : 0);
      return Array.from({ length: Math.min(n, s.maxItems ?? n) }, () => valid(doc, s.items, rng, depth + 1, optional));
    }
    default: {
      if (!s.properties) return s.additionalProperties && typeof s.additionalProperties === 'object' ? { k: valid(doc, s.additionalProperties, rng, depth + 1, optional) } : {};
      const out: Record<string, unknown> = {};
      const required = new Set<string>(s.required ?? []);
      for (const [k, sub] of Object.entries<Schema>(s.properties)) {
        if (required.has(k) || rng.chance(optional)) out[k] = valid(doc, sub, rng, depth + 1, optional);
      }
      return out;
    }
  }
}

const isNumeric = (doc: Schema, raw: Schema): boolean => {
  const s = resolve(doc, raw);
  const types = [s.type, ...(s.anyOf ?? s.oneOf ?? []).map((a: Schema) => resolve(doc, a).type)].flat();
  return types.includes('number') || types.includes('integer');
};

/** The paths (through objects, up to three deep) of every number the schema takes. */
function numberPaths(doc: Schema, raw: Schema, prefix: string[] = []): string[][] {
  const s = resolve(doc, raw);
  const object = [s, ...(s.anyOf ?? s.oneOf ?? []).map((a: Schema) => resolve(doc, a))].find((x) => x.properties);
  if (!object || prefix.length >= 3) return [];
  const out: string[][] = [];
  for (const [k, sub] of Object.entries<Schema>(object.properties)) {
    if (isNumeric(doc, sub)) out.push([...prefix, k]);
    else out.push(...numberPaths(doc, sub, [...prefix, k]));
  }
  return out;
}

/** A body with only what is required, and one number set to `value` (its parents filled in). */
function withNumber(doc: Schema, body: Schema, path: string[], value: unknown, rng: Rng): unknown {
  const out = (valid(doc, body, rng, 0, 0) ?? {}) as Record<string, any>;
  let at = out;
  let schema = resolve(doc, body);
  for (const k of path.slice(0, -1)) {
    const objectSchema = [schema, ...(schema.anyOf ?? schema.oneOf ?? []).map((a: Schema) => resolve(doc, a))].find((x) => x.properties) ?? {};
    schema = resolve(doc, objectSchema.properties?.[k]);
    if (at[k] === null || typeof at[k] !== 'object') at[k] = valid(doc, schema, rng, 0, 0) ?? {};
    at = at[k];
  }
  at[path[path.length - 1]!] = value;
  return out;
}

/** Every leaf path of a value (object keys and array indices). */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      out.push([...prefix, k]);
      paths(x, [...prefix, k], out);
    }
  }
  return out;
}

function setAt(v: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(v) as any;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  const last = path[path.length - 1]!;
  if (remove) delete at[last];
  else at[last] = value;
  return copy;
}

interface Sent {
  label: string;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: string;
  contentType?: string;
  auth?: boolean;
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema; required: boolean }>;
  body: Schema | null;
}

export function operations(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params: Schema[] = (op.parameters ?? []).map((p: Schema) => resolve(doc, p));
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {}, required: !!p.required })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return out;
}

/** The requests one operation gets: a fitting one, then mutations of it, then malformed bodies. */
function cases(doc: Schema, op: Operation, rng: Rng, ids: Record<string, string[]>, n: number): Sent[] {
  const bogus = ['\u0000', '00000000-0000-7000-8000-000000000000', 'x'.repeat(300), '%00', '..', ' ', 'null'];
  // The id of an object of the kind the path names (`/checks/{id}` → a check) most of the time.
  const param = (name: string) => {
    const segment = op.path.split('/').at(op.path.split('/').indexOf(`{${name}}`) - 1) ?? '';
    const known = ids[segment] ?? [];
    return known.length > 0 && rng.chance(0.8) ? rng.pick(known) : rng.pick([...bogus, ...Object.values(ids).flat()]);
  };
  const params = () => Object.fromEntries(op.pathParams.map((p) => [p, param(p)]));
  const query = () => Object.fromEntries(op.query.filter((q) => q.required || rng.chance(0.5)).map((q) => [q.name, String(valid(doc, q.schema, rng))]));
  const out: Sent[] = [];
  const base = op.body ? valid(doc, op.body, rng) : undefined;
  const json = (v: unknown) => JSON.stringify(v);
  out.push({ label: 'fitting', params: params(), query: query(), body: base === undefined ? undefined : json(base) });
  out.push({ label: 'no auth', params: params(), query: query(), body: base === undefined ? undefined : json(base), auth: false });
  for (const q of op.query) {
    out.push({ label: `query ${q.name}=''`, params: params(), query: { ...query(), [q.name]: '' } });
    out.push({ label: `query ${q.name} extreme`, params: params(), query: { ...query(), [q.name]: rng.pick(QUERY_EXTREMES) } });
  }
  if (base !== undefined && op.body) {
    for (const path of numberPaths(doc, op.body)) {
      for (const value of [1e308, -1e308, -1, 0.5, 2 ** 53 + 2]) {
        out.push({ label: `${path.join('.')} = ${value}`, params: params(), body: json(withNumber(doc, op.body, path, value, rng)) });
      }
    }
    const leaves = paths(base);
    for (let i = 0; i < n; i++) {
      const extreme = rng.chance(0.5) ? rng.pick(CRUEL) : rng.pick(EXTREMES);
      if (leaves.length > 0 && i % 4 !== 3) {
        const at = rng.pick(leaves);
        out.push({ label: `${at.join('.')} = ${String(json(extreme)).slice(0, 40)}`, params: params(), body: json(setAt(base, at, extreme)) });
      } else if (leaves.length > 0 && rng.chance(0.5)) {
        const at = rng.pick(leaves);
        out.push({ label: `without ${at.join('.')}`, params: params(), body: json(setAt(base, at, undefined, true)) });
      } else {
        out.push({ label: 'whole body extreme', params: params(), body: json(extreme) });
      }
    }
    out.push({ label: 'extra field', params: params(), body: json(typeof base === 'object' && base !== null ? { ...base, zz_unknown: 1e308 } : base) });
    out.push({ label: 'non-JSON body', params: params(), body: '{"a": 1,', contentType: 'application/json' });
    out.push({ label: 'empty JSON body', params: params(), body: '', contentType: 'application/json' });
    out.push({ label: 'text body', params: params(), body: 'hello', contentType: 'text/plain' });
    out.push({ label: 'form body', params: params(), body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
    out.push({ label: 'huge number text', params: params(), body: `{"x": 1${'0'.repeat(400)}}`, contentType: 'application/json' });
  } else if (op.method !== 'GET') {
    out.push({ label: 'unexpected body', params: params(), body: json(rng.pick(EXTREMES)), contentType: 'application/json' });
  }
  return out;
}

function urlOf(base: string, op: Operation, sent: Sent): string {
  let path = op.path;
  for (const [k, v] of Object.entries(sent.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const qs = new URLSearchParams(sent.query ?? {}).toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

/** Sends the generated requests one at a time and reports every 5xx, timeout and dropped connection. */
export async function fuzzOpenApi(o: FuzzOptions): Promise<FuzzReport> {
  const rng = prng(o.seed ?? 17);
  const doc = (await (await fetch(`${o.url}/api/openapi.json`)).json()) as Schema;
  // Reads, then writes, then deletes: the objects the writes aim at are still there.
  const rank = (m: string) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].indexOf(m);
  const ops = operations(doc)
    .filter((op) => !o.skip?.(op.method, op.path))
    .sort((a, b) => rank(a.method) - rank(b.method));
  const findings: FuzzFinding[] = [];
  const byStatus: Record<number, number> = {};
  let requests = 0;
  for (const op of ops) {
    for (const sent of cases(doc, op, rng, o.ids, o.casesPerOperation ?? 8)) {
      const headers: Record<string, string> = {};
      if (sent.auth !== false) headers.authorization = `Bearer ${o.adminToken}`;
      const hasBody = sent.body !== undefined && op.method !== 'GET';
      if (hasBody) headers['content-type'] = sent.contentType ?? 'application/json';
      requests++;
      const finding = (status: FuzzFinding['status'], detail: string) =>
        findings.push({ method: op.method, path: op.path, status, case: sent.label, detail: detail.slice(0, 300) });
      try {
        const res = await fetch(urlOf(o.url, op, sent), {
          method: op.method,
          headers,
          body: hasBody ? sent.body : undefined,
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        if (process.env.FUZZ_TRACE && op.path.includes(process.env.FUZZ_TRACE)) console.log(op.method, urlOf(o.url, op, sent).slice(0, 120), sent.label, String(sent.body).slice(0, 200), res.status, text.slice(0, 200));
        if (res.status >= 500) finding(res.status, text);
      } catch (err) {
        const e = err as Error & { cause?: Error };
        finding(e.name === 'TimeoutError' ? 'timeout' : 'dropped', `${e.message} ${e.cause?.message ?? ''}`);
      }
    }
  }
  return { operations: ops.length, requests, byStatus, findings };
}

export interface MixedLoadResult {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  socketErrors: number;
  timeouts: number;
  rps: number;
  p99: number;
}

/** `connections` connections for `seconds`: list reads, 100-job batches and pings, interleaved. */
export async function mixedLoad(o: { url: string; adminToken: string; ingestToken: string; pingKey: string; connections: number; seconds: number }): Promise<MixedLoadResult> {
  let n = 0;
  const batch = () =>
    JSON.stringify({
      jobs: Array.from({ length: 100 }, (_, i) => ({
        source: 'load',
        external_id: `load-${process.pid}-${n}-${i}`,
        client: `Load client ${i % 5}`,
        device: { name: `LOAD-${i % 20}` },
        check: { name: 'Nightly', kind: 'backup' },
        status: i % 10 === 0 ? 'failed' : 'succeeded',
        started_at: new Date(Date.now() - 600_000).toISOString(),
        ended_at: new Date(Date.now() - 60_000).toISOString(),
        bytes: 1_000_000 + i,
      })),
    });
  const read = (path: string) => ({ method: 'GET' as const, path, headers: { authorization: `Bearer ${o.adminToken}` } });
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 30,
    requests: [
      read('/api/v1/checks?limit=50'),
      {
        method: 'POST',
        path: '/api/v1/jobs',
        headers: { authorization: `Bearer ${o.ingestToken}`, 'content-type': 'application/json' },
        setupRequest: (req: any) => {
          n++;
          return { ...req, body: batch() };
        },
      },
      read('/api/v1/devices?limit=50'),
      { method: 'GET', path: `/ping/${o.pingKey}` },
      read('/api/v1/alerts'),
      read('/api/v1/grid'),
    ],
  });
  const byStatus: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) byStatus[code] = (v as { count: number }).count;
  const serverErrors = Object.entries(byStatus).filter(([code]) => Number(code) >= 500).reduce((a, [, c]) => a + c, 0);
  return {
    requests: result.requests.total,
    byStatus,
    serverErrors,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    rps: result.requests.average,
    p99: result.latency.p99,
  };
}
