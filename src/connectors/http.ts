// HTTP for pull connectors: every call has a timeout, server errors and dropped connections are
// retried a few times with back-off, and throttling (429, or 503 with Retry-After) is waited
// out as the server asks. Throttling shares one patience per sync: once the source has kept
// throttling for longer than that, every further call fails at once with ConnectorQuotaError,
// so a throttled subscription does not turn one sync into hours of waiting.
import { isOutboundRefused, isUntrustedCertificate, outboundFetch, peerFingerprint } from '../lib/outbound/index.js';
import { ConnectorQuotaError } from './types.js';

/** How an https:// URL's certificate is trusted (config fields `fingerprint` and `insecure_tls`). */
export interface TlsPolicy {
  /** SHA-256 fingerprint of the server's certificate (hex, colons optional): pinned, so a self-signed one is accepted. */
  fingerprint?: string | null;
  /** Accept any certificate (explicit opt-in; the console says it is unsafe). */
  insecure?: boolean;
}

export interface HttpDeps {
  now(): number;
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal;
  /** Absent: Node's trust store (plus NODE_EXTRA_CA_CERTS), as for every outbound call. */
  tls?: TlsPolicy;
}

export class ConnectorHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ConnectorHttpError';
  }
}

const TIMEOUT_MS = 60_000;
const RETRIES = 3;
const MAX_BACKOFF_MS = 60_000;

/** Shared by every request of one sync. */
export class Throttle {
  throttled = 0;
  waitedMs = 0;
  private since: number | null = null;
  private exhausted: string | null = null;

  constructor(readonly patienceMs: number) {}

  /** The wait before retrying a throttled call; throws once throttling has lasted past patience. */
  onThrottled(now: number, waitMs: number, host: string): number {
    this.throttled++;
    this.since ??= now;
    if (now - this.since + waitMs > this.patienceMs) {
      const minutes = Math.max(1, Math.round((now - this.since) / 60_000));
      this.exhausted = `${host} kept answering 429 (throttled) for ${minutes} min (last Retry-After ${Math.round(waitMs / 1000)} s); gave up for this sync`;
      throw new ConnectorQuotaError(this.exhausted);
    }
    this.waitedMs += waitMs;
    return waitMs;
  }

  onSuccess(): void {
    this.since = null;
  }

  check(): void {
    if (this.exhausted !== null) throw new ConnectorQuotaError(this.exhausted);
  }
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const backoff = (attempt: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);

/** fetch (through the outbound policy) with timeout, retries and throttling. Answers the final response, whatever its status. */
export async function request(url: string, init: RequestInit, deps: HttpDeps, throttle: Throttle): Promise<Response> {
  const host = new URL(url).host;
  let failures = 0;
  let throttles = 0;
  for (;;) {
    throttle.check();
    deps.signal?.throwIfAborted();
    let res: Response;
    try {
      const signals = [AbortSignal.timeout(TIMEOUT_MS), ...(deps.signal ? [deps.signal] : [])];
      res = await outboundFetch(url, { ...init, signal: AbortSignal.any(signals), ...(deps.tls && { tls: deps.tls }) });
    } catch (err) {
      deps.signal?.throwIfAborted();
      // An address KEEPWATCH_OUTBOUND_ALLOW does not allow, or a certificate that is not the pinned one: no retry will change that.
      if (isOutboundRefused(err) || isPinMismatch(err)) throw new ConnectorHttpError((err as Error).message, null);
      if (isUntrustedCertificate(err)) throw new ConnectorHttpError(await untrustedMessage(url, err as Error), null);
      if (failures++ < RETRIES) {
        await deps.sleep(backoff(failures - 1));
        continue;
      }
      throw new ConnectorHttpError(`cannot reach ${host}: ${(err as Error).cause ?? (err as Error).message}`, null);
    }
    const after = retryAfterMs(res.headers.get('retry-after'), deps.now());
    if (res.status === 429 || (res.status === 503 && after !== null)) {
      await res.body?.cancel();
      await deps.sleep(throttle.onThrottled(deps.now(), after ?? backoff(throttles++), host));
      continue;
    }
    if (res.status >= 500 && failures++ < RETRIES) {
      await res.body?.cancel();
      await deps.sleep(backoff(failures - 1));
      continue;
    }
    throttle.onSuccess();
    return res;
  }
}

const isPinMismatch = (err: unknown) => (err as { code?: unknown } | null)?.code === 'ERR_TLS_PIN_MISMATCH';

/** Why Node refused the certificate, and the fingerprint to pin if the user trusts it (config field `fingerprint`). */
async function untrustedMessage(url: string, err: Error): Promise<string> {
  const { host } = new URL(url);
  const code = (err as { code?: string }).code;
  const why = `the certificate of ${host} is not trusted (${code}: ${err.message})`;
  try {
    const fp = await peerFingerprint(url);
    return `${why}; if it is the server's own certificate, pin it: set fingerprint to ${fp} (or add its CA through NODE_EXTRA_CA_CERTS)`;
  } catch {
    return `${why}; pin the server's certificate with fingerprint (its SHA-256 fingerprint), or add its CA through NODE_EXTRA_CA_CERTS`;
  }
}

/** The body as JSON; null when it is not JSON. */
export async function jsonBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
