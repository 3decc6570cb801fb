// The Veeam Backup & Replication connector (issue #19): a backup server's REST API read with a
// user holding the Veeam Backup Viewer role; see docs/connectors/veeam-vbr.md.
import { tlsPolicyOf } from '../common/config.js';
import { Throttle } from '../http.js';
import { type Connector, ConnectorAuthError, type ConnectorDeps, type ConnectorType, type SyncContext, type SyncResult, type TestReport, type TestStep } from '../types.js';
import { type Page, VbrApi } from './api.js';
import { resolveVbrConfig, type VbrConfig, VbrConfigSchema } from './config.js';
import { REPOSITORY_STATES_PATH, SESSIONS_PATH, VbrSync } from './sync.js';

/** How long a sync keeps waiting out continuous throttling before it gives up (integration_quota). */
export const THROTTLE_PATIENCE_MS = 5 * 60_000;

class VbrConnector implements Connector {
  constructor(
    private readonly cfg: VbrConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private api(signal?: AbortSignal): { api: VbrApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: tlsPolicyOf(this.cfg) };
    return { api: new VbrApi(this.cfg.url, this.cfg.username, this.cfg.password, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.api(ctx.signal);
    const sync = new VbrSync(this.cfg, api, ctx);
    try {
      const result = await sync.run();
      return { ...result, counts: { ...result.counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
    } finally {
      this.deps.logger.debug({ counts: sync.counts, requests: api.requests }, 'veeam-vbr sync finished');
    }
  }

  /** Token, then the session list, then the repository states: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { api } = this.api();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    const host = new URL(this.cfg.url).host;
    try {
      await api.login();
      steps.push({ step: 'token', ok: true, message: `${host} issued a token to ${this.cfg.username}` });
    } catch (err) {
      steps.push({ step: 'token', ok: false, message: (err as Error).message });
      return done();
    }
    const read = async (step: string, path: string, what: string) => {
      try {
        const page = await api.get<Page<unknown>>(path, { limit: 1 });
        steps.push({ step, ok: true, message: `${page?.pagination?.total ?? page?.data?.length ?? 0} ${what}` });
        return true;
      } catch (err) {
        const hint = err instanceof ConnectorAuthError ? ` — give ${this.cfg.username} the Veeam Backup Viewer role` : '';
        steps.push({ step, ok: false, message: `${(err as Error).message}${hint}` });
        return false;
      }
    };
    if (!(await read('sessions', SESSIONS_PATH, 'session(s) on the backup server'))) return done();
    await read('repositories', REPOSITORY_STATES_PATH, 'backup repositories');
    return done();
  }
}

export const veeamVbrConnector: ConnectorType<VbrConfig> = {
  type: 'veeam-vbr',
  secretFields: ['password'],
  configSchema: VbrConfigSchema,
  resolve: resolveVbrConfig,
  // The default client is the connector's name when it is created: renaming it later must not move devices.
  initialConfig: (config, name) => ({ ...config, client: typeof config.client === 'string' && config.client.trim() !== '' ? config.client : name }),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new VbrConnector(config, deps),
};
