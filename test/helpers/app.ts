// A real Keepwatch on a scratch database, listening on a real port, driven over real HTTP.
import pino from 'pino';
import { createKeepwatch, type Keepwatch } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { SYSTEM } from '../../src/domain/access.js';
import type { Clock } from '../../src/lib/clock.js';
import { type ScratchDb, scratchDatabase, testEnv } from './db.js';

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TestApp {
  kw: Keepwatch;
  url: string;
  db: ScratchDb;
  /** A token of this scope (cached per scope unless options are given). */
  token(scope: 'ingest' | 'read' | 'admin', options?: { clientIds?: string[]; dailyLimit?: number; name?: string }): Promise<string>;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Response<T>>;
  close(): Promise<void>;
}

export async function startApp(options: { clock?: Clock; env?: Record<string, string>; shareDatabaseWith?: TestApp } = {}): Promise<TestApp> {
  const shared = options.shareDatabaseWith?.db;
  const db = shared ? { ...shared, drop: async () => {} } : await scratchDatabase();
  const config = loadConfig(testEnv(db, options.env));
  const kw = await createKeepwatch(config, { clock: options.clock, logger: pino({ level: 'error' }) });
  const port = await kw.listen();
  const url = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  const app: TestApp = {
    kw,
    url,
    db,
    async token(scope, opts) {
      if (!opts && tokens.has(scope)) return tokens.get(scope)!;
      const { token } = await kw.services.tokens.create(SYSTEM, {
        scope,
        name: opts?.name,
        clientIds: opts?.clientIds ?? null,
        dailyLimit: opts?.dailyLimit ?? null,
      });
      if (!opts) tokens.set(scope, token);
      return token;
    },
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? await app.token('admin') : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed as any, text };
    },
    async close() {
      await kw.stop();
      await db.drop();
    },
  };
  return app;
}

/** A job report in the SPEC §8 shape, with overrides. */
export function jobReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'veeam-prod',
    external_id: `job-${Math.random().toString(36).slice(2)}`,
    client: 'Acme Widgets',
    device: { name: 'FILESERVER01', class: 'server', type: 'vm' },
    check: { name: 'Nightly backup', kind: 'backup' },
    status: 'succeeded',
    operation: 'backup',
    trigger: 'scheduled',
    started_at: '2026-11-20T01:00:00Z',
    ended_at: '2026-11-20T01:12:31Z',
    bytes: 53687091200,
    message: null,
    error_code: null,
    reason: null,
    ...overrides,
  };
}

/** Retries an assertion until it passes or `ms` runs out (for what a background loop does). */
export async function eventually<T>(fn: () => Promise<T>, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
