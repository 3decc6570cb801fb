// Pull connectors and their sync runs.
import type { Selectable } from 'kysely';

export interface ConnectorsTable {
  id: string;
  type: string;
  name: string;
  name_key: string;
  source: string;
  config: string;
  enabled: number;
  interval_ms: number;
  cursor: string | null;
  next_run_at: number;
  claimed_until: number | null;
  claimed_by: string | null;
  last_run_id: string | null;
  last_run_at: number | null;
  last_status: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface ConnectorRunsTable {
  id: string;
  connector_id: string;
  trigger: string;
  status: string;
  outcome: string | null;
  started_at: number;
  finished_at: number | null;
  counts: string;
  errors: string;
  error: string | null;
}

/** A platform tenant a connector has seen, and the client a user mapped it to (migration 0019). */
export interface ConnectorTenantsTable {
  connector_id: string;
  tenant_id: string;
  tenant_name: string;
  client_id: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

export type ConnectorRow = Selectable<ConnectorsTable>;
export type ConnectorTenantRow = Selectable<ConnectorTenantsTable>;
export type ConnectorRunRow = Selectable<ConnectorRunsTable>;
