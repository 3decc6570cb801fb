// Integration health, as connectors report it after every sync attempt. A change between broken
// and healthy re-evaluates the integration's alerts and every device it feeds (their schedule
// alerts are held back while it is broken).
import type { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { IntegrationRepository } from '../db/repositories/integrations.js';
import type { IntegrationHealthRow } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { EvaluationService } from './evaluation.js';

export type SyncOutcome = { ok: true } | { ok: false; kind: 'auth' | 'quota'; error: string } | { ok: false; kind: 'other'; error: string };

export interface IntegrationIdentity {
  id: string;
  name: string;
  type: string;
  /** The `source` of the jobs it reports. */
  source: string;
}

export class IntegrationService {
  constructor(
    private readonly repo: IntegrationRepository,
    private readonly evaluationRepo: EvaluationRepository,
    private readonly evaluation: EvaluationService,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => {},
  ) {}

  async list(): Promise<IntegrationHealthRow[]> {
    return this.repo.all();
  }

  /** An integration that is deleted: its alerts resolve, the devices it held back are re-evaluated, and it leaves the list. */
  async remove(who: IntegrationIdentity): Promise<void> {
    if (!(await this.repo.find(who.id))) return;
    await this.report(who, { ok: true });
    await this.repo.delete(who.id);
  }

  /** Records how a sync went. Auth and quota failures persist until a sync succeeds. */
  async report(who: IntegrationIdentity, outcome: SyncOutcome): Promise<void> {
    const now = this.clock.now();
    const current = await this.repo.find(who.id);
    const wasBroken = current ? current.auth_error !== null || current.quota_error !== null : false;
    const row: IntegrationHealthRow = {
      id: who.id,
      name: who.name,
      type: who.type,
      source: who.source,
      auth_error: current?.auth_error ?? null,
      auth_since: current?.auth_since ?? null,
      quota_error: current?.quota_error ?? null,
      quota_since: current?.quota_since ?? null,
      last_success_at: current?.last_success_at ?? null,
      updated_at: now,
    };
    if (outcome.ok) {
      Object.assign(row, { auth_error: null, auth_since: null, quota_error: null, quota_since: null, last_success_at: now });
    } else if (outcome.kind === 'auth') {
      Object.assign(row, { auth_error: outcome.error, auth_since: row.auth_since ?? now });
    } else if (outcome.kind === 'quota') {
      Object.assign(row, { quota_error: outcome.error, quota_since: row.quota_since ?? now });
    }
    await this.repo.upsert(row);
    const isBroken = row.auth_error !== null || row.quota_error !== null;
    if (isBroken !== wasBroken) {
      await this.evaluationRepo.queue.enqueueSource(who.source, now, newId(now));
      this.onQueued();
    }
    await this.evaluation.evaluateIntegration(who.id);
  }
}
