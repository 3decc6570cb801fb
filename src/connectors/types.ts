// The interface every pull connector implements (Azure Backup first; Veeam, Datto and SaaS
// backup services later). A connector type validates its configuration, tests a connection, and
// syncs: from a cursor it produces normalised jobs (device facts ride in each job's `device`)
// and a new cursor. It never touches the database: jobs go out through `emit`, which answers
// only once they are stored, and the runner saves the new cursor only after the sync returns.

import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { NormalisedJob } from '../domain/job.js';
import type { SyncOutcome } from '../engine/integrations.js';

export type ConnectorConfig = Record<string, unknown>;

/** What a sync learned about jobs it may re-read: enough to skip unchanged ones. */
export interface KnownJob {
  rawStatus: string;
  hasBytes: boolean;
}

/** A platform's tenant (VSPC company, Datto/Acronis customer, Cove partner...), as the connector read it. */
export interface Tenant {
  /** The platform's own id of the tenant (stable across renames). */
  id: string;
  name: string;
}

export interface SyncContext {
  /** The `source` every job of this connector carries. */
  source: string;
  /**
   * The Keepwatch client name to put in the jobs of a platform tenant: the mapping set for it in
   * the console (GET/PUT /api/v1/connectors/<id>/tenants), else an existing client of exactly its
   * name, else its own name (a new client). Records the tenant as seen by this sync.
   */
  clientFor(tenant: Tenant): string;
  /** The cursor the last successful sync returned; null on the first sync. */
  cursor: unknown;
  /** The moment the sync started: the end of its window. */
  now: number;
  /** Stores jobs; resolves once they are committed. Answers how many were new. */
  emit(jobs: NormalisedJob[]): Promise<{ created: number }>;
  /** The stored state of these external ids (of this connector's source), by external id. */
  known(externalIds: string[]): Promise<Map<string, KnownJob>>;
  /** Aborted when the run loses its lease: stop early, the cursor will not be saved. */
  signal: AbortSignal;
}

/** A failure scoped to one part of a sync (a vault), which did not stop the rest. */
export interface PartError {
  scope: string;
  kind: 'auth' | 'quota' | 'other';
  message: string;
}

export interface SyncResult {
  cursor: unknown;
  /** Health for IntegrationService.report: auth and quota problems raise integration alerts. */
  outcome: SyncOutcome;
  counts: Record<string, number>;
  errors: PartError[];
}

export interface TestStep {
  /** e.g. `token`, `subscription`, `permission`. */
  step: string;
  ok: boolean;
  message: string;
}

export interface TestReport {
  ok: boolean;
  steps: TestStep[];
}

export interface Connector {
  sync(ctx: SyncContext): Promise<SyncResult>;
  test(): Promise<TestReport>;
}

export interface ConnectorDeps {
  /** Epoch ms (token expiry, Retry-After dates). */
  now(): number;
  /** Waits out throttling; with a ManualClock, time moves instead. */
  sleep(ms: number): Promise<void>;
  logger: Logger;
}

export interface ConnectorType<C extends ConnectorConfig = ConnectorConfig> {
  type: string;
  /** Fields of `config` that are write-only and sealed at rest. */
  secretFields: readonly string[];
  /** JSON schema of a complete config as the API accepts it (validation and OpenAPI). */
  configSchema: TSchema;
  /**
   * Checks what a schema cannot (combinations) and fills in defaults. `name` is the connector's
   * name (some defaults derive from it). Throws ValidationError naming `config.<field>`.
   */
  resolve(config: ConnectorConfig, name: string): C;
  /** Settings fixed when the connector is created (defaults that must not follow a later rename). */
  initialConfig?(config: ConnectorConfig, name: string): ConnectorConfig;
  intervalMs(config: C): number;
  create(config: C, deps: ConnectorDeps): Connector;
}

/** Thrown by a connector when credentials or permissions are refused. */
export class ConnectorAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorAuthError';
  }
}

/** Thrown when the source's throttling did not let up within the sync's patience. */
export class ConnectorQuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorQuotaError';
  }
}

/** How a thrown error reads as sync health. */
export function outcomeOf(err: unknown): SyncOutcome {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConnectorAuthError) return { ok: false, kind: 'auth', error: message };
  if (err instanceof ConnectorQuotaError) return { ok: false, kind: 'quota', error: message };
  return { ok: false, kind: 'other', error: message };
}

/** A sync's health from the parts that failed: credentials refused anywhere first, then throttling; else ok. */
export function outcomeOfParts(errors: readonly PartError[]): SyncOutcome {
  const auth = errors.find((e) => e.kind === 'auth');
  if (auth) return { ok: false, kind: 'auth', error: `${auth.scope}: ${auth.message}` };
  const quota = errors.find((e) => e.kind === 'quota');
  if (quota) return { ok: false, kind: 'quota', error: quota.message };
  return { ok: true };
}
