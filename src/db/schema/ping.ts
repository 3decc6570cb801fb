// What pings leave besides jobs: `/log` lines, kept apart so nothing that counts runs sees them.
import type { Selectable } from 'kysely';

export interface CheckLogsTable {
  id: string;
  client_id: string;
  device_id: string;
  check_id: string;
  /** The request body (its end, when long: see ingest/ping/body.ts); may be empty. */
  message: string;
  run_id: string | null;
  user_agent: string | null;
  received_at: number;
}

export type CheckLogRow = Selectable<CheckLogsTable>;
