import type { Tx } from '../db/transaction.js';
import { actorColumns } from '../db/repositories/actor.js';
import type { AuditRepository } from '../db/repositories/audit.js';
import type { Principal } from '../domain/access.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  clientId?: string | null;
  details?: Record<string, unknown>;
}

/** Every state change made by a person (or a CLI command) is written here, in the same transaction when given one. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(actor: Principal, event: AuditEvent, tx?: Tx): Promise<void> {
    await this.repo.append(
      {
        id: newId(),
        at: this.clock.now(),
        ...actorColumns(actor),
        action: event.action,
        target_type: event.targetType ?? null,
        target_id: event.targetId ?? null,
        client_id: event.clientId ?? null,
        details: event.details ? JSON.stringify(event.details) : null,
      },
      tx,
    );
  }
}
