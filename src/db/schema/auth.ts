// API tokens, console users and their sessions, and the one-time setup claim.
import type { Generated, Selectable } from 'kysely';

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
  /** 1: keeps password sign-in when SSO switches it off for everyone else (owners only). */
  break_glass: Generated<number>;
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
  /** Names the session in lists and revocations; never the cookie's secret. */
  public_id: string;
  /** How it was started: `password` or `oidc`. */
  method: string;
  /** 1: may only enrol a second factor (MFA is mandatory and the user has none: src/auth/mfa). */
  mfa_enrolment: number;
}

/** A redirect to the OpenID Connect issuer not yet come back: used once, short-lived. */
export interface OidcLoginsTable {
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
}

export interface SetupClaimsTable {
  name: string;
  at: number;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
