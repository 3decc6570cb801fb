// The audit log and the leases that elect one instance for singleton work.
import type { Insertable } from 'kysely';

export interface AuditLogTable {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_id: string | null;
  details: string | null;
}

export interface LeasesTable {
  name: string;
  holder: string;
  until: number;
}

export type NewAuditEntry = Insertable<AuditLogTable>;
