// The Acronis Cyber Protect Cloud connector (issue #19): a partner's API client reads its
// customers and their backup activities; see docs/connectors/acronis.md.
import { tlsPolicyOf } from '../common/config.js';
import { Throttle } from '../http.js';
import type { Connector, ConnectorDeps, ConnectorType, SyncContext, SyncResult, TestReport, TestStep } from '../types.js';
import { AcronisApi } from './api.js';
import { type AcronisConfig, AcronisConfigSchema, resolveAcronisConfig } from './config.js';
import { ACTIVITIES_PATH, AcronisSync, ownTenant } from './sync.js';

/** How long a sync keeps waiting out continuous throttling before it gives up (integration_quota). */
export const THROTTLE_PATIENCE_MS = 5 * 60_000;

class AcronisConnector implements Connector {
  constructor(
    private readonly cfg: AcronisConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private api(signal?: AbortSignal): { api: AcronisApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: tlsPolicyOf(this.cfg) };
    return { api: new AcronisApi(this.cfg.url, this.cfg.client_id, this.cfg.client_secret, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.api(ctx.signal);
    const sync = new AcronisSync(this.cfg, api, ctx);
    try {
      const result = await sync.run();
      return { ...result, counts: { ...result.counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
    } finally {
      this.deps.logger.debug({ counts: sync.counts, requests: api.requests }, 'acronis sync finished');
    }
  }

  /** Token, then the API client's tenant and its children, then the activity list: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { api } = this.api();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    const step = async (name: string, fn: () => Promise<string>): Promise<boolean> => {
      try {
        steps.push({ step: name, ok: true, message: await fn() });
        return true;
      } catch (err) {
        steps.push({ step: name, ok: false, message: (err as Error).message });
        return false;
      }
    };
    const token = await step('token', async () => {
      await api.login();
      return `${new URL(this.cfg.url).host} issued a token to API client ${this.cfg.client_id}`;
    });
    if (!token) return done();
    let tenantId = '';
    const tenantOk = await step('tenant', async () => {
      const t = await ownTenant(api, this.cfg.client_id);
      tenantId = t.id;
      const children = await api.get<{ items?: unknown[] }>(`/api/2/tenants/${encodeURIComponent(t.id)}/children`);
      return `tenant ${t.name ?? t.id} (${t.kind ?? 'unknown kind'}) with ${children?.items?.length ?? 0} child tenant(s)`;
    });
    if (!tenantOk || tenantId === '') return done();
    await step('activities', async () => {
      const page = await api.get<{ items?: unknown[] }>(ACTIVITIES_PATH, { limit: 1, policyType: 'backup' });
      return `the Task Manager answered (${page?.items?.length ?? 0} backup activit${page?.items?.length === 1 ? 'y' : 'ies'} on the first page)`;
    });
    return done();
  }
}

export const acronisConnector: ConnectorType<AcronisConfig> = {
  type: 'acronis',
  secretFields: ['client_secret'],
  configSchema: AcronisConfigSchema,
  resolve: (config) => resolveAcronisConfig(config),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new AcronisConnector(config, deps),
};
