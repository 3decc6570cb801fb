// Every outbound connection Keepwatch makes to an address a user typed (channels, PSA, paging,
// connectors, Graph and IMAP mailboxes) goes through here. The name is resolved and each address
// checked against the policy (policy.ts) at connect time, in the socket's own `lookup`, so the
// address checked is the address connected to and DNS rebinding cannot slip past it. An IP
// literal never goes through `lookup`, so it is checked before the socket is made.
//
// The allow list is process-wide: set once from the config when Keepwatch is built.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type TLSSocket } from 'node:tls';
import { type AllowEntry, outboundAllowed, refusalMessage } from './policy.js';

export { type AllowEntry, parseOutboundAllow } from './policy.js';

let allowList: readonly AllowEntry[] = [];
/** Bumped with each new allow list: kept-alive connections made under an older one are not reused. */
let generation = 0;
const made = new WeakMap<Duplex, number>();

/**
 * Sets the process's allow list (KEEPWATCH_OUTBOUND_ALLOW, parsed by the config). Idle kept-alive
 * connections are closed, and busy ones are not kept once done, so none made under the old list
 * is used under the new one.
 */
export function setOutboundAllow(entries: readonly AllowEntry[]): void {
  allowList = entries;
  generation++;
  for (const agent of [outboundAgents.http, outboundAgents.https, ...trustAgents.values()]) {
    for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }
}

/** A connection the policy refused: permanent, never worth retrying. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
  readonly code = 'ERR_OUTBOUND_REFUSED';
  constructor(readonly address: string) {
    super(refusalMessage(address));
  }
}

export function isOutboundRefused(err: unknown): err is OutboundRefusedError {
  return (err as { code?: unknown } | null)?.code === 'ERR_OUTBOUND_REFUSED';
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '');

/** Throws OutboundRefusedError when `host` is an IP literal the policy refuses (names are checked by `lookup`). */
export function checkLiteral(host: string, port: number): void {
  const h = bare(host);
  if (isIP(h) !== 0 && !outboundAllowed(allowList, { host: h, address: h, port })) throw new OutboundRefusedError(h);
}

type LookupAddress = { address: string; family: number };

type Resolve = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for net/tls sockets to `host:port`: resolves (each time a socket connects), drops
 * the addresses the policy refuses, fails when none is left. `resolve` is for tests.
 */
export function guardedLookup(host: string, port: number, resolve: Resolve = dns.lookup): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions | number, callback: (...args: unknown[]) => void) => {
    const opts: dns.LookupOptions = typeof options === 'number' ? { family: options } : { ...options };
    const all = opts.all === true;
    resolve(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const ok = addresses.filter((a) => outboundAllowed(allowList, { host, address: a.address, port }));
      if (ok.length === 0) return callback(new OutboundRefusedError(addresses[0]?.address ?? hostname));
      if (all) return callback(null, ok);
      return callback(null, ok[0]!.address, ok[0]!.family);
    });
  }) as LookupFunction;
}

/** Options for `net.connect`/`tls.connect` (and libraries that pass them through) to `host:port`. */
export function socketOptions(host: string, port: number): { lookup: LookupFunction } {
  checkLiteral(host, port);
  return { lookup: guardedLookup(host, port) };
}

type ConnectOptions = { host?: string | null; hostname?: string | null; port?: number | string | null };
type Created = (err: Error | null, socket?: Duplex) => void;

function guardedConnect<O extends ConnectOptions>(options: O, defaultPort: number, cb: Created, connect: (o: O & { lookup: LookupFunction }) => Duplex | undefined): Duplex | undefined {
  const host = bare(String(options.host ?? options.hostname ?? 'localhost'));
  const port = Number(options.port ?? defaultPort);
  try {
    const socket = connect({ ...options, ...socketOptions(host, port) });
    if (socket) made.set(socket, generation);
    return socket;
  } catch (err) {
    process.nextTick(() => cb(err as Error));
    return undefined;
  }
}

/**
 * Keeps a finished connection for reuse only when it was made under the current allow list.
 * (Node's `keepSocketAlive` answers whether to keep it; @types/node types it as void.)
 */
function keepingCurrent<A extends http.Agent>(agent: A): A {
  const target = agent as unknown as { keepSocketAlive(socket: Duplex): boolean };
  const keep = target.keepSocketAlive.bind(agent);
  target.keepSocketAlive = (socket) => made.get(socket) === generation && keep(socket);
  return agent;
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: ConnectOptions, cb: Created): Duplex | undefined {
    return guardedConnect(options, 80, cb, (o) => super.createConnection(o as never, cb as never) as Duplex);
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: ConnectOptions, cb: Created): Duplex | undefined {
    return guardedConnect(options, 443, cb, (o) => super.createConnection(o as never, cb as never) as Duplex);
  }
}

/** Keep-alive agents whose every new connection is checked. */
export const outboundAgents = {
  http: keepingCurrent(new GuardedHttpAgent({ keepAlive: true, maxSockets: 16 })),
  https: keepingCurrent(new GuardedHttpsAgent({ keepAlive: true, maxSockets: 16 })),
};

/**
 * How an https:// address's certificate is trusted. Absent (or neither field set): Node's trust
 * store, NODE_EXTRA_CA_CERTS included. `fingerprint`: the certificate whose SHA-256 fingerprint
 * this is (hex, colons and case aside), whoever issued it. `insecure`: any certificate.
 */
export interface TlsTrust {
  fingerprint?: string | null;
  insecure?: boolean;
}

/** Lower-case hex without colons. */
const bareFingerprint = (fp: string) => fp.replace(/:/g, '').trim().toLowerCase();
/** Upper-case hex pairs joined by colons, as `openssl x509 -fingerprint -sha256` and browsers show it. */
export const colonFingerprint = (fp: string) => (bareFingerprint(fp).match(/../g) ?? []).join(':').toUpperCase();

/** The server's certificate is not the pinned one: permanent until the pin or the certificate changes. */
export class TlsPinMismatchError extends Error {
  override name = 'TlsPinMismatchError';
  readonly code = 'ERR_TLS_PIN_MISMATCH';
  constructor(
    readonly got: string,
    readonly want: string,
  ) {
    super(`certificate fingerprint ${colonFingerprint(got)} does not match the pinned ${colonFingerprint(want)}`);
  }
}

/**
 * An https agent for a pinned or an explicitly insecure trust: the chain is not checked by Node
 * (`rejectUnauthorized: false`); a pinned agent compares the peer certificate's SHA-256 with the
 * pin once the handshake is done and hands the socket to the request only when it matches, so
 * nothing (no credentials) is written to a server that did not show the pinned certificate.
 * Sessions are not resumed, so every connection shows its certificate. Connections are checked
 * against the allow list like every other.
 */
class TrustingHttpsAgent extends GuardedHttpsAgent {
  constructor(private readonly pin: string | null) {
    super({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false, maxCachedSessions: 0 });
  }

  override createConnection(options: ConnectOptions, cb: Created): Duplex | undefined {
    let settled = false;
    const settle = (err: Error | null, socket?: Duplex) => {
      if (settled) return;
      settled = true;
      cb(err, socket);
    };
    const socket = super.createConnection({ ...options, rejectUnauthorized: false } as ConnectOptions, (err) => settle(err));
    if (!socket) return undefined;
    const secure = socket as TLSSocket;
    secure.once('error', (err) => settle(err));
    secure.once('secureConnect', () => {
      if (this.pin === null) return settle(null, socket);
      const got = secure.getPeerCertificate()?.fingerprint256 ?? '';
      if (bareFingerprint(got) === this.pin) return settle(null, socket);
      const err = new TlsPinMismatchError(got || 'none', this.pin);
      settle(err);
      socket.destroy(err);
    });
    return undefined;
  }
}

const trustAgents = new Map<string, http.Agent>();

/** The agent for a trust: Node's default one, or a pinned or insecure one (one per pin, kept). */
function httpsAgentFor(trust: TlsTrust | undefined): http.Agent {
  const pin = trust?.fingerprint ? bareFingerprint(trust.fingerprint) : null;
  if (pin === null && trust?.insecure !== true) return outboundAgents.https;
  const key = pin === null ? 'insecure' : `pin:${pin}`;
  let agent = trustAgents.get(key);
  if (!agent) {
    agent = keepingCurrent(new TrustingHttpsAgent(pin));
    trustAgents.set(key, agent);
  }
  return agent;
}

export function agentFor(url: URL, trust?: TlsTrust): http.Agent {
  return url.protocol === 'https:' ? httpsAgentFor(trust) : outboundAgents.http;
}

/** Codes of a certificate Node's trust store does not vouch for (self-signed, unknown issuer, expired, wrong name). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True for a failed TLS verification against Node's trust store. */
export function isUntrustedCertificate(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNTRUSTED.has(code);
}

/** The certificate an https:// address shows, read without trusting it. */
export interface PeerCertificate {
  /** SHA-256 fingerprint, upper-case hex pairs joined by colons. */
  fingerprint: string;
  /** Whether Node's trust store (NODE_EXTRA_CA_CERTS included) accepts it for this host name. */
  trusted: boolean;
  /** Why it is not trusted (e.g. `self-signed certificate`), null when it is. */
  reason: string | null;
}

/**
 * The certificate an https:// address shows, read without trusting it (nothing is sent), through
 * the allow list. For messages and test steps that tell a user what to pin.
 */
export function peerCertificate(url: string | URL, timeoutMs = 10_000): Promise<PeerCertificate> {
  const target = new URL(url);
  const host = bare(target.hostname);
  const port = Number(target.port || 443);
  return new Promise((resolve, reject) => {
    let socket: TLSSocket;
    try {
      socket = tls.connect({ host, port, servername: isIP(host) === 0 ? host : undefined, rejectUnauthorized: false, ...socketOptions(host, port) });
    } catch (err) {
      reject(err as Error);
      return;
    }
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake from ${target.host} within ${timeoutMs / 1000} s`)));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const fp = socket.getPeerCertificate()?.fingerprint256;
      const reason = socket.authorizationError ? String((socket.authorizationError as Error).message ?? socket.authorizationError) : null;
      const trusted = socket.authorized;
      socket.end();
      if (fp) resolve({ fingerprint: colonFingerprint(fp), trusted, reason });
      else reject(new Error(`${target.host} presented no certificate`));
    });
  });
}

/** The SHA-256 fingerprint (colon form) of the certificate an https:// address shows. */
export async function peerFingerprint(url: string, timeoutMs = 10_000): Promise<string> {
  return (await peerCertificate(url, timeoutMs)).fingerprint;
}

/** An answer as it came: status, headers, and the body up to the limit asked for. */
export interface OutboundAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface OutboundRequest {
  method: string;
  headers: Record<string, string | number>;
  body: string | null;
  /** Aborts the request; it fails with the signal's reason (a `TimeoutError` for `AbortSignal.timeout`). */
  signal?: AbortSignal;
  /** Bytes of the body kept (the rest is read and dropped); all when absent. */
  maxBody?: number;
  /** How an https:// certificate is trusted; absent: Node's trust store. */
  tls?: TlsTrust;
}

/** One HTTP(S) request through the guarded agents. Redirects are answered, never followed. */
export function outboundRequest(url: string, o: OutboundRequest): Promise<OutboundAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(new TypeError(`invalid URL: ${(err as Error).message}`));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new TypeError(`invalid URL: ${target.protocol} is not http or https`));
      return;
    }
    const max = o.maxBody ?? Number.POSITIVE_INFINITY;
    const req = (target.protocol === 'https:' ? https : http).request(target, { method: o.method, agent: agentFor(target, o.tls), headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < max) chunks.push(c);
        size += c.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        o.signal?.removeEventListener('abort', abort);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: body.length > max ? body.subarray(0, max) : body });
      });
    });
    const abort = () => {
      reject(o.signal?.reason);
      req.destroy();
    };
    if (o.signal?.aborted) abort();
    else o.signal?.addEventListener('abort', abort, { once: true });
    req.on('error', (err) => {
      o.signal?.removeEventListener('abort', abort);
      reject(err);
    });
    req.end(o.body ?? undefined);
  });
}

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * `fetch` through the guarded agents (redirects are not followed; the body is read whole; string
 * bodies only). For clients written against fetch (connectors, Graph).
 */
export async function outboundFetch(url: string, init: RequestInit & { tls?: TlsTrust } = {}): Promise<Response> {
  const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers).entries());
  const body = init.body === undefined || init.body === null ? null : init.body instanceof URLSearchParams ? init.body.toString() : init.body;
  if (body !== null && typeof body !== 'string') throw new TypeError('outboundFetch sends string bodies only');
  if (body !== null) headers['content-length'] = String(Buffer.byteLength(body));
  const a = await outboundRequest(url, { method: init.method ?? 'GET', headers, body, signal: init.signal ?? undefined, ...(init.tls && { tls: init.tls }) });
  if (a.status < 200 || a.status > 599) throw new Error(`unexpected HTTP status ${a.status}`);
  const out = new Headers();
  for (const [k, v] of Object.entries(a.headers)) {
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else if (v !== undefined) out.set(k, v);
  }
  return new Response(NO_BODY.has(a.status) ? null : a.body, { status: a.status, statusText: a.statusText, headers: out });
}
