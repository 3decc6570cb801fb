// The only module that reads process.env. Everything else receives a frozen Config.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AllowEntry, parseOutboundAllow } from '../lib/outbound/policy.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://…` switches to PostgreSQL; null means the embedded SQLite file under dataDir. */
  readonly databaseUrl: string | null;
  readonly pgPoolSize: number;
  readonly smtpPort: number;
  /** null: generated on first run and kept in dataDir (SQLite only). */
  readonly secretKey: string | null;
  readonly mailUrl: string | null;
  readonly mailFrom: string;
  readonly publicUrl: string;
  readonly logLevel: LogLevel;
  /** Run the background loops (evaluator, deliveries, syncs) in this process. */
  readonly workers: boolean;
  /**
   * Threads that read and evaluate devices' snapshots, each with its own database connection, so
   * the thread serving HTTP and SMTP only writes the results (docs/engine.md, "Where evaluation
   * runs"). 0: evaluate on the main thread. null (not set): one fewer than the cores (1–4) for
   * a server, one per core (up to 4) for `keepwatch evaluate`, which serves nothing meanwhile.
   */
  readonly evalThreads: number | null;
  /** Days to keep jobs and audit entries; 0 keeps them forever. */
  readonly retainJobsDays: number;
  readonly retainAuditDays: number;
  readonly retainDeliveriesDays: number;
  /** A bearer token that may read /metrics and nothing else; null: read tokens only. */
  readonly metricsToken: string | null;
  /** Label devices and alerts by client in /metrics (one series per client: mind the cardinality). */
  readonly metricsClientLabels: boolean;
  readonly inboundMail: InboundMailConfig;
  /**
   * KEEPWATCH_OUTBOUND_ALLOW: the internal hosts, addresses and networks (each optionally with a
   * port) that outbound requests to user-given URLs may reach; empty: public addresses only.
   */
  readonly outboundAllow: readonly AllowEntry[];
}

/** The SMTP listener and stored e-mail (docs/email.md). */
export interface InboundMailConfig {
  /** Lower-case domains accepted; null: any. */
  readonly domains: readonly string[] | null;
  /** Local parts or addresses that accept any mail for matching rules; `*`: every address. */
  readonly inboxes: readonly string[];
  readonly maxBytes: number;
  readonly auth: { readonly user: string; readonly password: string } | null;
  readonly tlsKeyFile: string | null;
  readonly tlsCertFile: string | null;
  readonly retentionDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  /** Reads NAME, or the contents of the file named by NAME_FILE (for secrets). */
  string(name: string): string | undefined {
    const direct = this.env[name];
    if (direct !== undefined && direct !== '') return direct;
    const file = this.env[`${name}_FILE`];
    if (file === undefined || file === '') return undefined;
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      this.problems.push(`${name}_FILE: cannot read ${file}: ${(err as Error).message}`);
      return undefined;
    }
  }

  port(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      this.problems.push(`${name}: expected a TCP port (0-65535), got "${raw}"`);
      return fallback;
    }
    return n;
  }

  /** A whole number of days, 0 or more. */
  days(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      this.problems.push(`${name}: expected a whole number of days (0 keeps forever), got "${raw}"`);
      return fallback;
    }
    return n;
  }

  positiveInt(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      this.problems.push(`${name}: expected a positive integer, got "${raw}"`);
      return fallback;
    }
    return n;
  }

  /** A whole number from 0 to `max`. */
  count<F extends number | null>(name: string, fallback: F, max: number): number | F {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n > max) {
      this.problems.push(`${name}: expected a whole number from 0 to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name}: expected true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | null {
    const raw = this.string(name);
    if (raw === undefined) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
        return null;
      }
      return raw;
    } catch {
      this.problems.push(`${name}: not a valid URL`);
      return null;
    }
  }
}

function list(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  return items.length > 0 ? items : null;
}

function inboundMail(r: Reader): InboundMailConfig {
  const user = r.string('KEEPWATCH_SMTP_USER');
  const password = r.string('KEEPWATCH_SMTP_PASSWORD');
  if ((user === undefined) !== (password === undefined)) {
    r.problems.push('KEEPWATCH_SMTP_USER and KEEPWATCH_SMTP_PASSWORD: set both or neither');
  }
  const tlsKeyFile = r.string('KEEPWATCH_SMTP_TLS_KEY') ?? null;
  const tlsCertFile = r.string('KEEPWATCH_SMTP_TLS_CERT') ?? null;
  if ((tlsKeyFile === null) !== (tlsCertFile === null)) {
    r.problems.push('KEEPWATCH_SMTP_TLS_KEY and KEEPWATCH_SMTP_TLS_CERT: set both or neither');
  }
  return {
    domains: list(r.string('KEEPWATCH_MAIL_DOMAINS')),
    inboxes: list(r.string('KEEPWATCH_MAIL_INBOXES')) ?? ['backups'],
    maxBytes: r.positiveInt('KEEPWATCH_SMTP_MAX_BYTES', 25 * 1024 * 1024),
    auth: user !== undefined && password !== undefined ? { user, password } : null,
    tlsKeyFile,
    tlsCertFile,
    retentionDays: r.positiveInt('KEEPWATCH_EMAIL_RETENTION_DAYS', 30),
  };
}

function outboundAllow(r: Reader): readonly AllowEntry[] {
  const raw = r.string('KEEPWATCH_OUTBOUND_ALLOW');
  if (raw === undefined) return [];
  const parsed = parseOutboundAllow(raw);
  if ('problems' in parsed) {
    for (const p of parsed.problems) r.problems.push(`KEEPWATCH_OUTBOUND_ALLOW: ${p}; expected hosts, IPs or CIDRs, each optionally with :port`);
    return [];
  }
  return Object.freeze(parsed.entries);
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const port = r.port('KEEPWATCH_PORT', 8080);
  const databaseUrl = r.url('KEEPWATCH_DATABASE_URL', ['postgres:', 'postgresql:']);
  const secretKey = r.string('KEEPWATCH_SECRET_KEY') ?? null;
  if (secretKey !== null && secretKey.length < 16) {
    r.problems.push('KEEPWATCH_SECRET_KEY: must be at least 16 characters');
  }
  if (databaseUrl !== null && secretKey === null) {
    r.problems.push(
      'KEEPWATCH_SECRET_KEY: required with PostgreSQL, so every instance encrypts secrets with the same key',
    );
  }
  const logLevel = (r.string('KEEPWATCH_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    r.problems.push(`KEEPWATCH_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const publicUrl = r.url('KEEPWATCH_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const config: Config = {
    host: r.string('KEEPWATCH_HOST') ?? '0.0.0.0',
    port,
    dataDir: resolve(r.string('KEEPWATCH_DATA_DIR') ?? './data'),
    databaseUrl,
    pgPoolSize: r.positiveInt('KEEPWATCH_PG_POOL_SIZE', 10),
    smtpPort: r.port('KEEPWATCH_SMTP_PORT', 2525),
    secretKey,
    mailUrl: r.url('KEEPWATCH_MAIL_URL', ['smtp:', 'smtps:']),
    mailFrom: r.string('KEEPWATCH_MAIL_FROM') ?? 'Keepwatch <keepwatch@localhost>',
    publicUrl: publicUrl.replace(/\/+$/, ''),
    logLevel,
    workers: r.bool('KEEPWATCH_WORKERS', true),
    evalThreads: r.count('KEEPWATCH_EVAL_THREADS', null, 16),
    retainJobsDays: r.days('KEEPWATCH_RETAIN_JOBS_DAYS', 400),
    retainAuditDays: r.days('KEEPWATCH_RETAIN_AUDIT_DAYS', 730),
    retainDeliveriesDays: r.days('KEEPWATCH_RETAIN_DELIVERIES_DAYS', 90),
    metricsToken: r.string('KEEPWATCH_METRICS_TOKEN') ?? null,
    metricsClientLabels: r.bool('KEEPWATCH_METRICS_CLIENT_LABELS', false),
    inboundMail: inboundMail(r),
    outboundAllow: outboundAllow(r),
  };
  if (config.metricsToken !== null && config.metricsToken.length < 16) r.problems.push('KEEPWATCH_METRICS_TOKEN: must be at least 16 characters');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}
