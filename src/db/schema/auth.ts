// API tokens, console users and their sessions, and the one-time setup claim.
import type { Selectable } from 'kysely';

export interface ApiTokensTable {
  id: string;
  name: string;
  /** First characters of the token, to recognise it in lists. */
  prefix: string;
  token_hash: string;
  scope: string;
  client_ids: string | null;
  daily_limit: number | null;
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ApiTokenUsageTable {
  token_id: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: string;
  client_ids: string | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
}

export interface SetupClaimsTable {
  name: string;
  at: number;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
