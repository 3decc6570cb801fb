// Engine settings: workspace defaults and per-client overrides (alert categories, thresholds,
// severities, time zone, grid). A change makes every affected device due; the evaluator reads the
// settings fresh for each pass (reader()), so whichever instance takes those devices applies it.
// Other reads (the API, the console) are cached for a few seconds.
import type { Tx } from '../db/transaction.js';
import type { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { SettingsRepository } from '../db/repositories/settings.js';
import type { Principal } from '../domain/access.js';
import { ValidationError, ForbiddenError } from '../domain/errors.js';
import { type ConfigOverride, type EngineConfig, mergeConfig, overrideProblems } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { AuditService } from '../ops/audit.js';

const TTL_MS = 5000;

/** The configuration in force for a client (null: the workspace's), read within `tx`. */
export type SettingsReader = (clientId: string | null, tx: Tx) => Promise<EngineConfig>;
const WORKSPACE = 'workspace';
const clientScope = (id: string) => `client:${id}`;

export class SettingsService {
  private readonly cache = new Map<string, { doc: ConfigOverride | null; expires: number }>();

  constructor(
    private readonly repo: SettingsRepository,
    private readonly evaluation: EvaluationRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => {},
  ) {}

  private async doc(scope: string, tx?: Tx): Promise<ConfigOverride | null> {
    const now = this.clock.now();
    const hit = this.cache.get(scope);
    if (hit && hit.expires > now) return hit.doc;
    const text = await this.repo.get(scope, tx);
    const doc = text === null ? null : (JSON.parse(text) as ConfigOverride);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(scope, { doc, expires: now + TTL_MS });
    return doc;
  }

  /** Reads the settings as stored now, each scope once, for one evaluation pass: another instance
   * may have changed them since this one cached them, and enqueued every device to say so. */
  reader(): SettingsReader {
    return settingsReader(this.repo);
  }

  /** The configuration in force for a client (null: the workspace's). Inside a transaction, pass it. */
  async effective(clientId: string | null, tx?: Tx): Promise<EngineConfig> {
    const workspace = await this.doc(WORKSPACE, tx);
    return clientId === null ? mergeConfig(workspace) : mergeConfig(workspace, await this.doc(clientScope(clientId), tx));
  }

  async workspaceOverride(): Promise<ConfigOverride> {
    return (await this.doc(WORKSPACE)) ?? {};
  }

  async clientOverride(clientId: string): Promise<ConfigOverride> {
    return (await this.doc(clientScope(clientId))) ?? {};
  }

  async setWorkspace(actor: Principal, override: ConfigOverride): Promise<EngineConfig> {
    // The workspace's settings apply to every client: someone limited to some may not change them.
    if (actor.clientIds !== null) throw new ForbiddenError('a user or token limited to clients may change only those clients’ settings');
    await this.save(actor, WORKSPACE, override, null);
    return this.effective(null);
  }

  async setClient(actor: Principal, clientId: string, override: ConfigOverride): Promise<EngineConfig> {
    // The daily review is one workspace's routine with one deadline (docs/review.md).
    if (override.review_due_hour !== undefined) throw ValidationError.field('review_due_hour', 'is a workspace setting: set it in PUT /api/v1/settings');
    await this.save(actor, clientScope(clientId), override, clientId);
    return this.effective(clientId);
  }

  private async save(actor: Principal, scope: string, override: ConfigOverride, clientId: string | null): Promise<void> {
    const problems = overrideProblems(override);
    if (problems.length > 0) throw new ValidationError(problems);
    const now = this.clock.now();
    await this.repo.put(scope, JSON.stringify(override), now, actor.name);
    this.cache.delete(scope);
    await this.audit.record(actor, { action: 'settings.update', targetType: 'settings', targetId: scope, clientId, details: { ...override } });
    // Thresholds changed: every device they govern must be looked at again.
    await this.evaluation.queue.enqueueAll(now, newId(now), clientId);
    this.onQueued();
  }
}

/** The settings as stored now, each scope read once: one evaluation pass's view (also used by the
 * evaluation threads, which have a connection of their own and no cache to go stale). */
export function settingsReader(repo: SettingsRepository): SettingsReader {
  const docs = new Map<string, ConfigOverride | null>();
  const doc = async (scope: string, tx: Tx) => {
    if (!docs.has(scope)) {
      const text = await repo.get(scope, tx);
      docs.set(scope, text === null ? null : (JSON.parse(text) as ConfigOverride));
    }
    return docs.get(scope)!;
  };
  return async (clientId, tx) => {
    const workspace = await doc(WORKSPACE, tx);
    return clientId === null ? mergeConfig(workspace) : mergeConfig(workspace, await doc(clientScope(clientId), tx));
  };
}
