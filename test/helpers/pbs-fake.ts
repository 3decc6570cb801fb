// A local stand-in for a Proxmox Backup Server's REST API, played from its published reference
// (https://pbs.proxmox.com/docs/api-viewer/) and the server's source (proxmox/proxmox-backup:
// src/api2/node/tasks.rs, pbs-api-types/src/datastore.rs, proxmox-rest-server/src/formatter.rs),
// over http or https with a self-signed certificate made for it, as PBS makes one at install.
//
// What it serves, as the server does: answers `{ "data": … }` (the task list also `total`);
// errors with their HTTP status and the message as the body; API tokens in
// `Authorization: PBSAPIToken=<user@realm!name>:<secret>`. Reconstructed, and said so: the exact
// wording of the authentication failure message.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  worker_type: string;
  worker_id: string | null;
  user: string;
  endtime?: number;
  status?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

export interface FakePbs {
  url: string;
  /** SHA-256 fingerprint of its certificate (https only), upper-case hex with colons. */
  fingerprint: string | null;
  tokenId: string;
  tokenSecret: string;
  tasks: FakeTask[];
  datastores: Array<{ store: string; comment?: string }>;
  usage: Array<Record<string, unknown>>;
  snapshots: Map<string, Array<Record<string, unknown>>>;
  /** store → error answered to its snapshot list. */
  failing: Map<string, { status: number; message: string }>;
  requests: FakeRequest[];
  /** The next `n` calls answer 429 with Retry-After. */
  throttle(n: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

/** A UPID as PBS writes it: `UPID:node:pid:pstart:task-id:starttime:worker_type:worker_id:user:` (hex fields; the worker id escaped systemd-style: `/` → `-`, other bytes but `[A-Za-z0-9_.]` → `\\xNN`). */
export function upid(node: string, starttime: number, type: string, workerId: string | null, user: string, n = 0): string {
  const hex = (v: number, w: number) => v.toString(16).toUpperCase().padStart(w, '0');
  const wid = [...(workerId ?? '')].map((c) => (c === '/' ? '-' : /[A-Za-z0-9_.]/.test(c) ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
  return `UPID:${node}:${hex(2000 + n, 8)}:${hex(1_000_000 + n, 8)}:${hex(n, 8)}:${hex(starttime, 8)}:${type}:${wid}:${user}:`;
}

let seq = 0;
/** A task as the task list shows it; finished when `status` is given. */
export function task(type: string, workerId: string | null, starttime: number, status?: string, durationS = 600, user = 'root@pam'): FakeTask {
  const n = ++seq;
  return {
    upid: upid('pbs', starttime, type, workerId, user, n),
    node: 'pbs',
    pid: 2000 + n,
    pstart: 1_000_000 + n,
    starttime,
    worker_type: type,
    worker_id: workerId,
    user,
    ...(status === undefined ? {} : { endtime: starttime + durationS, status }),
  };
}

function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'pbs-fake-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=pbs.example', '-addext', 'subjectAltName=DNS:pbs.example,IP:127.0.0.1'], {
      stdio: 'ignore',
    });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakePbs(options: { tls?: boolean } = {}): Promise<FakePbs> {
  const forced: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
  let pem: { key: Buffer; cert: Buffer } | null = null;
  const fake: FakePbs = {
    url: '',
    fingerprint: null,
    tokenId: 'keepwatch@pbs!monitor',
    tokenSecret: 'b2a4f7c2-3b3e-4d53-9f1e-6c1d2a8e9f00',
    tasks: [],
    datastores: [],
    usage: [],
    snapshots: new Map(),
    failing: new Map(),
    requests: [],
    throttle(n, retryAfterSeconds) {
      for (let i = 0; i < n; i++) forced.push({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: 'too many requests' });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(body);
  };
  const data = (res: ServerResponse, value: unknown, extra: Record<string, unknown> = {}) => send(res, 200, JSON.stringify({ data: value, ...extra }));

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const r: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    fake.requests.push(r);
    const f = forced.shift();
    if (f) return send(res, f.status, f.body, f.headers);
    if (req.headers.authorization !== `PBSAPIToken=${fake.tokenId}:${fake.tokenSecret}`) {
      // Reconstructed wording: the rest server answers 401 with "authentication failed - <reason>".
      return send(res, 401, 'authentication failed - invalid token secret');
    }
    const p = url.pathname;
    // GET /api2/json/version — https://pbs.proxmox.com/docs/api-viewer/#/version
    if (p === '/api2/json/version') return data(res, { version: '3.2', release: '7', repoid: 'a1b2c3d4' });
    // GET /api2/json/admin/datastore — DataStoreListItem[] — https://pbs.proxmox.com/docs/api-viewer/#/admin/datastore
    if (p === '/api2/json/admin/datastore') return data(res, fake.datastores);
    // GET /api2/json/status/datastore-usage — DataStoreStatusListItem[] — https://pbs.proxmox.com/docs/api-viewer/#/status/datastore-usage
    if (p === '/api2/json/status/datastore-usage') return data(res, fake.usage);
    // GET /api2/json/admin/datastore/{store}/snapshots — SnapshotListItem[] — https://pbs.proxmox.com/docs/api-viewer/#/admin/datastore/{store}/snapshots
    const snaps = /^\/api2\/json\/admin\/datastore\/([^/]+)\/snapshots$/.exec(p);
    if (snaps) {
      const store = decodeURIComponent(snaps[1]!);
      const fail = fake.failing.get(store);
      if (fail) return send(res, fail.status, fail.message);
      if (!fake.datastores.some((d) => d.store === store)) return send(res, 400, `no such datastore '${store}'`);
      return data(res, fake.snapshots.get(store) ?? []);
    }
    // GET /api2/json/nodes/{node}/tasks — TaskListItem[], newest first; `since` (start time, epoch),
    // `start`/`limit` (default 50, 0 = all), `total` as tasks.rs counts it (one more while a page is full).
    // https://pbs.proxmox.com/docs/api-viewer/#/nodes/{node}/tasks
    if (/^\/api2\/json\/nodes\/[^/]+\/tasks$/.test(p)) {
      const since = url.searchParams.has('since') ? Number(url.searchParams.get('since')) : null;
      const start = Number(url.searchParams.get('start') ?? 0);
      const limitParam = Number(url.searchParams.get('limit') ?? 50);
      const limit = limitParam > 0 ? limitParam : Number.MAX_SAFE_INTEGER;
      // Running tasks first, then the archive newest first, as TaskListInfoIterator reads them.
      const all = [...fake.tasks].sort((a, b) => Number(a.endtime !== undefined) - Number(b.endtime !== undefined) || b.starttime - a.starttime);
      const matching = all.filter((t) => since === null || t.starttime >= since);
      const page = matching.slice(start, start + limit);
      const total = page.length + start + (page.length > 0 && page.length >= limit ? 1 : 0);
      return data(res, page, { total });
    }
    return send(res, 404, `Path '${p}' not found.`);
  };

  let server: Server;
  if (options.tls) {
    pem = selfSigned();
    server = createHttpsServer({ key: pem.key, cert: pem.cert }, handler);
    const der = new X509Certificate(pem.cert).raw;
    fake.fingerprint =
      createHash('sha256')
        .update(der)
        .digest('hex')
        .toUpperCase()
        .match(/.{2}/g)
        ?.join(':') ?? null;
  } else {
    server = createHttpServer(handler);
  }
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A snapshot as the snapshot list shows it. */
export function snapshot(type: string, id: string, backupTime: number, size: number, verification: 'ok' | 'failed' | null = null, verifyUpid = ''): Record<string, unknown> {
  return {
    'backup-type': type,
    'backup-id': id,
    'backup-time': backupTime,
    files: [{ filename: 'index.json.blob', size: 558, 'crypt-mode': 'none' }, { filename: type === 'host' ? 'root.pxar.didx' : 'drive-scsi0.img.fidx', size, 'crypt-mode': 'none' }],
    size,
    owner: 'root@pam',
    protected: false,
    ...(verification === null ? {} : { verification: { state: verification, upid: verifyUpid } }),
  };
}
