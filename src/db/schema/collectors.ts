import type { Selectable } from 'kysely';

/** A `keepwatch collect` process, as its heartbeats describe it (migration 0022). */
export interface CollectorsTable {
  id: string;
  name: string;
  name_key: string;
  client_id: string | null;
  token_id: string;
  version: string | null;
  last_contact_at: number;
  stale_after_ms: number;
  /** JSON: the last heartbeat's body. */
  last_report: string;
  created_at: number;
}

export type CollectorRow = Selectable<CollectorsTable>;
