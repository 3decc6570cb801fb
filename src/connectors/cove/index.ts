// The N-able Cove Data Protection connector (issue #19): the Cove JSON-RPC API's device statistics
// under the API user's partner; see docs/connectors/cove.md for what it reads and how it maps it.
// Cove answers each device's current state, not a session history: every sync reads every device
// and records the last session of each data source; a session already stored with the same status
// is skipped, so a sync records only what changed.
import type { NormalisedJob } from '../../domain/job.js';
import { emitChanged } from '../common/changed.js';
import { Throttle } from '../http.js';
import {
  type Connector,
  ConnectorAuthError,
  type ConnectorDeps,
  type ConnectorType,
  type PartError,
  type SyncContext,
  type SyncResult,
  type TestReport,
  type TestStep,
} from '../types.js';
import { CoveApi, CoveRpcError } from './api.js';
import { type CoveConfig, CoveConfigSchema, resolveCoveConfig } from './config.js';
import { accountJobs, COLUMNS, settingsOf, tenantOf } from './map.js';

export const THROTTLE_PATIENCE_MS = 5 * 60_000;

/** A refusal of the statistics call for lack of rights (N-able's "Operation failed because of security reasons"). */
function asAuth(err: unknown): unknown {
  if (err instanceof CoveRpcError && /security reasons|access denied|permission/i.test(err.message)) {
    return new ConnectorAuthError(`${err.message} — give the API user a role that may read device statistics`);
  }
  return err;
}

class CoveConnector implements Connector {
  constructor(
    private readonly cfg: CoveConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private client(signal?: AbortSignal): { api: CoveApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: this.cfg.tls };
    return { api: new CoveApi(this.cfg.url, { partner: this.cfg.partner, username: this.cfg.username, password: this.cfg.password }, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.client(ctx.signal);
    const counts = { devices: 0, devices_skipped: 0, sessions_seen: 0, jobs_recorded: 0, jobs_created: 0, jobs_unchanged: 0 };
    const errors: PartError[] = [];
    try {
      await api.login();
      for await (const page of api.accounts(COLUMNS)) {
        ctx.signal.throwIfAborted();
        counts.devices += page.length;
        const jobs: NormalisedJob[] = [];
        for (const account of page) {
          try {
            const settings = settingsOf(account);
            const client = ctx.clientFor(tenantOf(account, settings));
            const mapped = accountJobs(account, { source: ctx.source, client });
            if (mapped.length === 0) counts.devices_skipped++;
            jobs.push(...mapped);
          } catch (err) {
            // One unreadable device row does not stop the others.
            errors.push({ scope: `device ${account.AccountId ?? '?'}`, kind: 'other', message: (err as Error).message });
          }
        }
        counts.sessions_seen += jobs.length;
        await emitChanged(ctx, jobs, counts);
      }
    } catch (err) {
      throw asAuth(err);
    } finally {
      this.deps.logger.debug({ counts, requests: api.requests }, 'cove sync finished');
    }
    return {
      cursor: { v: 1, at: ctx.now },
      outcome: { ok: true },
      counts: { ...counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs },
      errors,
    };
  }

  /** Login, then one page of device statistics: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { api } = this.client();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    try {
      await api.login();
      steps.push({ step: 'login', ok: true, message: `logged in as ${this.cfg.username} under partner "${api.partnerName ?? this.cfg.partner}" (id ${api.partnerId})` });
    } catch (err) {
      steps.push({ step: 'login', ok: false, message: (err as Error).message });
      return done();
    }
    try {
      let first: number | null = null;
      for await (const page of api.accounts(COLUMNS, 1)) {
        first = page.length;
        break;
      }
      steps.push({ step: 'statistics', ok: true, message: first === 0 ? 'device statistics readable; no devices under this partner yet' : 'device statistics readable' });
    } catch (err) {
      const e = asAuth(err);
      steps.push({ step: e instanceof ConnectorAuthError ? 'permission' : 'statistics', ok: false, message: (e as Error).message });
    }
    return done();
  }
}

export const coveConnector: ConnectorType<CoveConfig> = {
  type: 'cove',
  secretFields: ['password'],
  configSchema: CoveConfigSchema,
  resolve: (config) => resolveCoveConfig(config),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new CoveConnector(config, deps),
};
