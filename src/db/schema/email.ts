// Stored e-mail, the mailboxes polled for it, and their polls.
import type { Selectable } from 'kysely';

export interface EmailsTable {
  id: string;
  received_at: number;
  transport: string;
  mailbox_id: string | null;
  remote_key: string | null;
  envelope_from: string | null;
  /** JSON array of recipient addresses. */
  envelope_to: string;
  /** Bytes of the raw message (kept in email_raw). */
  size: number;
  state: string;
  claimed_until: number | null;
  attempts: number;
  processed_at: number | null;
  message_id: string | null;
  from_addr: string | null;
  subject: string | null;
  subject_pattern: string | null;
  template: string | null;
  client_id: string | null;
  /** JSON array of the checks the message reported to. */
  check_ids: string | null;
  job_count: number;
  error: string | null;
}

/** A stored message's raw bytes, apart from its often-updated row (migration 0018). */
export interface EmailRawTable {
  id: string;
  raw: Buffer;
}

export interface MailboxesTable {
  id: string;
  type: string;
  name: string;
  config: string;
  enabled: number;
  interval_ms: number;
  next_poll_at: number;
  claimed_until: number | null;
  last_poll_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_count: number | null;
  created_at: number;
  updated_at: number;
}

/** One poll of a mailbox (the last 100 per mailbox are kept). */
export interface MailboxPollsTable {
  id: string;
  mailbox_id: string;
  /** `schedule` or `manual`. */
  trigger: string;
  started_at: number;
  finished_at: number;
  stored: number;
  /** `ok`, `auth` (credentials refused) or `other`. */
  outcome: string;
  error: string | null;
}

/** A stored message with its raw bytes. */
export type EmailRow = Selectable<EmailsTable> & { raw: Buffer };
export type MailboxRow = Selectable<MailboxesTable>;
export type MailboxPollRow = Selectable<MailboxPollsTable>;
