// Clients, their devices and the checks on those devices.
import type { Generated, Selectable, Updateable } from 'kysely';

export interface ClientsTable {
  id: string;
  name: string;
  name_key: string;
  /** Secret used in the client's inbound e-mail address. */
  inbound_key: string;
  /** Secret of the public badge URL; filled in by the database on insert (migration 0017). */
  badge_key: Generated<string>;
  /** 1: the public status page answers at `/status/<status_page_key>`. */
  status_page: Generated<number>;
  status_page_key: string | null;
  /** Secret of the client's name-addressed ping URLs (`/ping/<ping_key>/<device>/<check>`). */
  ping_key: string;
  created_at: number;
  updated_at: number;
}

export interface DevicesTable {
  id: string;
  client_id: string;
  name: string;
  name_key: string;
  class: string;
  type: string;
  tags: string;
  status: string;
  score: number;
  /** Why the score is what it is: JSON `[{factor, impact, detail}]`; null until evaluated. */
  score_breakdown: string | null;
  last_good_at: number | null;
  last_job_at: number | null;
  retired_at: number | null;
  /** Retired by a person (PATCH retired: true); evaluation keeps it retired until they bring it back. */
  retired_manually_at: number | null;
  storage_used_bytes: number | null;
  storage_quota_bytes: number | null;
  free_space_percent: number | null;
  purgeable: number | null;
  facts_updated_at: number | null;
  /** When the evaluator must look at this device next; null: nothing can change without a job. */
  next_eval_at: number | null;
  /** Lease of the evaluator instance working on it. */
  eval_claimed_until: number | null;
  /** Meets its SLA now (1/0); null when no SLA applies. */
  compliant: number | null;
  created_at: number;
  updated_at: number;
}

export interface ChecksTable {
  id: string;
  device_id: string;
  client_id: string;
  name: string;
  name_key: string;
  kind: string;
  tier: string | null;
  schedule_type: string | null;
  interval_ms: number | null;
  cron: string | null;
  tz: string | null;
  grace_ms: number | null;
  /** run_too_long: how long a started run may take; null: no limit. */
  max_runtime_ms: number | null;
  schedule_inferred: number;
  paused: number;
  ping_key: string;
  state: string;
  last_job_at: number | null;
  last_good_at: number | null;
  last_status: string | null;
  consecutive_failures: number;
  next_due_at: number | null;
  last_source: string | null;
  /** JSON e-mail rules (`domain/email-rules.ts`); null: reached only by its address. */
  email_rules: string | null;
  /** JSON `string[]`, normalised and sorted (domain/tags.ts); check_tags holds the same for `?tag=`. */
  tags: string;
  /** Secret of the public badge URL; filled in by the database on insert (migration 0017). */
  badge_key: Generated<string>;
  created_at: number;
  updated_at: number;
}

/** One row per tag of a device (and of a check, below): what `?tag=` reads, by primary key (tag, id). */
export interface DeviceTagsTable {
  tag: string;
  device_id: string;
}

export interface CheckTagsTable {
  tag: string;
  check_id: string;
}

export type ClientRow = Selectable<ClientsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type CheckRow = Selectable<ChecksTable>;
export type CheckUpdate = Updateable<ChecksTable>;
