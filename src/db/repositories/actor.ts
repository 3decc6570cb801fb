// Who did something, as the audit log and alert history store it.
import type { Principal } from '../../domain/access.js';

export function actorColumns(actor: Pick<Principal, 'kind' | 'id' | 'name'>): { actor_type: string; actor_id: string | null; actor_name: string | null } {
  return { actor_type: actor.kind, actor_id: actor.id, actor_name: actor.name };
}
