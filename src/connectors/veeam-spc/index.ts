// The Veeam Service Provider Console connector (issue #19): a read-only REST API key; see
// docs/connectors/veeam-spc.md for what it reads and how it maps it.
import { tlsPolicyOf } from '../common/config.js';
import { ConnectorHttpError, Throttle } from '../http.js';
import { type Connector, ConnectorAuthError, type ConnectorDeps, type ConnectorType, type SyncContext, type SyncResult, type TestReport, type TestStep } from '../types.js';
import { VspcApi } from './api.js';
import { resolveVspcConfig, type VspcConfig, VspcConfigSchema } from './config.js';
import { PATHS, VspcSync } from './sync.js';

/** How long a sync keeps waiting out continuous throttling before it gives up (integration_quota). */
export const THROTTLE_PATIENCE_MS = 5 * 60_000;

class VspcConnector implements Connector {
  constructor(
    private readonly cfg: VspcConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private client(signal?: AbortSignal): { api: VspcApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: tlsPolicyOf(this.cfg) };
    return { api: new VspcApi(this.cfg.url, this.cfg.api_key, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.client(ctx.signal);
    const sync = new VspcSync(api, ctx, this.cfg.overlap_minutes);
    try {
      const result = await sync.run();
      return { ...result, counts: { ...result.counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
    } finally {
      this.deps.logger.debug({ counts: sync.counts, requests: api.requests }, 'veeam-spc sync finished');
    }
  }

  /**
   * `reach` (the console answers at all), `auth` (it accepts the key), `permission` (the key may
   * read companies, jobs and protected machines): the first failure says what is wrong.
   */
  async test(): Promise<TestReport> {
    const { api } = this.client();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    let companies: number;
    try {
      const page = await api.get<{ data?: unknown[]; meta?: { pagingInfo?: { total?: number } } }>(PATHS.companies, { limit: '1', offset: '0' });
      steps.push({ step: 'reach', ok: true, message: `${this.cfg.url} answered the REST API v3` });
      companies = page.meta?.pagingInfo?.total ?? page.data?.length ?? 0;
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof ConnectorAuthError && /\(401\)/.test(message)) {
        steps.push({ step: 'reach', ok: true, message: `${this.cfg.url} answered the REST API v3` });
        steps.push({ step: 'auth', ok: false, message: `${message} — create a Simple REST API key (Configuration > Access Management > REST API Keys) and paste it whole` });
      } else if (err instanceof ConnectorAuthError) {
        steps.push({ step: 'reach', ok: true, message: `${this.cfg.url} answered the REST API v3` });
        steps.push({ step: 'auth', ok: true, message: 'the console accepted the API key' });
        steps.push({ step: 'permission', ok: false, message: `${message} — the key must belong to a Portal Administrator (read-only is enough)` });
      } else if (err instanceof ConnectorHttpError && err.status !== null && err.status < 500) {
        steps.push({ step: 'reach', ok: false, message: `${message} — is ${this.cfg.url} the console's REST address (port 1280)?` });
      } else {
        steps.push({ step: 'reach', ok: false, message });
      }
      return done();
    }
    steps.push({ step: 'auth', ok: true, message: 'the console accepted the API key' });
    const denied: string[] = [];
    for (const path of [PATHS.serverJobs, PATHS.agentJobs, PATHS.vms, PATHS.computers]) {
      try {
        await api.get(path, { limit: '1', offset: '0' });
      } catch (err) {
        denied.push(`${path}: ${(err as Error).message}`);
      }
    }
    steps.push(
      denied.length === 0
        ? { step: 'permission', ok: true, message: `read ${companies} compan${companies === 1 ? 'y' : 'ies'}, backup server and agent jobs, protected VMs and computers` }
        : { step: 'permission', ok: false, message: `${companies} compan${companies === 1 ? 'y' : 'ies'} readable, but not: ${denied.join('; ')}` },
    );
    return done();
  }
}

export const vspcConnector: ConnectorType<VspcConfig> = {
  type: 'veeam-spc',
  secretFields: ['api_key'],
  configSchema: VspcConfigSchema,
  resolve: (config) => resolveVspcConfig(config),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new VspcConnector(config, deps),
};
