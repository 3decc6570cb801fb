// The Azure Backup / Site Recovery connector (SPEC §2.4): an Entra ID app registration with
// Reader on a subscription; see docs/azure.md for what it reads and how it maps it.
import { Throttle } from '../http.js';
import { type Connector, ConnectorAuthError, type ConnectorDeps, type ConnectorType, type SyncContext, type SyncResult, type TestReport, type TestStep } from '../types.js';
import { Arm } from './arm.js';
import { TokenSource } from './auth.js';
import { type AzureConfig, AzureConfigSchema, resolveAzureConfig } from './config.js';
import type { VaultRef } from './parse.js';
import { AzureSync, BACKUP_API, listVaults } from './sync.js';

/** How long a sync keeps waiting out continuous throttling before it gives up (integration_quota). */
export const THROTTLE_PATIENCE_MS = 5 * 60_000;
/** Vaults whose read access `test` checks. */
const TEST_VAULTS = 20;

class AzureConnector implements Connector {
  constructor(
    private readonly cfg: AzureConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private clients(signal?: AbortSignal): { tokens: TokenSource; arm: Arm; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal };
    const scope = `${new URL(this.cfg.management_url).origin}/.default`;
    const tokens = new TokenSource(
      { loginUrl: this.cfg.login_url, tenantId: this.cfg.tenant_id, clientId: this.cfg.client_id, clientSecret: this.cfg.client_secret, scope },
      http,
      throttle,
    );
    return { tokens, arm: new Arm(this.cfg.management_url, tokens, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { arm, throttle } = this.clients(ctx.signal);
    const sync = new AzureSync(this.cfg, arm, ctx);
    try {
      const result = await sync.run();
      return { ...result, counts: { ...result.counts, requests: arm.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
    } finally {
      this.deps.logger.debug({ counts: sync.counts, requests: arm.requests }, 'azure sync finished');
    }
  }

  /** Token, then the subscription's vault list, then read access to each vault: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { tokens, arm } = this.clients();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    try {
      tokens.invalidate();
      await tokens.token();
      steps.push({ step: 'token', ok: true, message: `Entra ID issued a token to app ${this.cfg.client_id} in tenant ${this.cfg.tenant_id}` });
    } catch (err) {
      steps.push({ step: 'token', ok: false, message: (err as Error).message });
      return done();
    }
    let vaults: VaultRef[];
    try {
      vaults = await listVaults(arm, this.cfg.subscription_id);
      steps.push({ step: 'subscription', ok: true, message: `subscription ${this.cfg.subscription_id}: ${vaults.length} Recovery Services vault(s)${vaults.length > 0 ? ` (${vaults.map((v) => v.name).join(', ')})` : ''}` });
    } catch (err) {
      if (err instanceof ConnectorAuthError) {
        steps.push({ step: 'permission', ok: false, message: `${err.message} — give the app the Reader role on subscription ${this.cfg.subscription_id}` });
      } else {
        steps.push({ step: 'subscription', ok: false, message: (err as Error).message });
      }
      return done();
    }
    const denied: string[] = [];
    for (const v of vaults.slice(0, TEST_VAULTS)) {
      try {
        await arm.get(`${v.id}/backupProtectedItems?api-version=${BACKUP_API}`);
      } catch (err) {
        denied.push(`${v.name}: ${(err as Error).message}`);
      }
    }
    steps.push(
      denied.length === 0
        ? { step: 'permission', ok: true, message: `read access to ${Math.min(vaults.length, TEST_VAULTS)} vault(s)` }
        : { step: 'permission', ok: false, message: `cannot read ${denied.length} vault(s): ${denied.join('; ')}` },
    );
    return done();
  }
}

export const azureConnector: ConnectorType<AzureConfig> = {
  type: 'azure',
  secretFields: ['client_secret'],
  configSchema: AzureConfigSchema,
  resolve: resolveAzureConfig,
  // The default client is the connector's name when it is created: renaming it later must not move devices.
  initialConfig: (config, name) => ({ ...config, client: typeof config.client === 'string' && config.client.trim() !== '' ? config.client : name }),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new AzureConnector(config, deps),
};

