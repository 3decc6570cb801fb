// The contract between the e-mail pipeline and the product templates. A template recognises a
// product's status mail without any user rules and turns it into one job per protected object
// (a Veeam job mail lists each VM; a Proxmox vzdump mail has a table). Templates are pure: no
// I/O, no clock; they see a parsed message and answer jobs.
import type { CheckKind, HealthLevel, JobStatus } from '../../../domain/job.js';

/** A message as the pipeline hands it to templates and rules (parsed from the stored raw copy). */
export interface ParsedEmail {
  /** Message-ID header without angle brackets, or null. */
  messageId: string | null;
  /** Sender address, lower case. */
  from: string;
  fromName: string | null;
  /** Envelope and header recipients, lower case. */
  to: string[];
  subject: string;
  /** Date header, epoch ms, or null. */
  date: number | null;
  /** Plain text: the text part, or the HTML part converted to text when there is none. */
  text: string;
  html: string | null;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
}

/** One job a template read out of a message. */
export interface TemplateJob {
  /** The protected object: a VM, host, database or tenant name. */
  device: string;
  /** The stream of work: usually the product's job name. */
  check: string;
  kind: CheckKind;
  status: JobStatus;
  /** The product's own word for the status, e.g. `Success`, `OK`, `Completed with warnings`. */
  rawStatus: string;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  bytes: number | null;
  /** Error or warning text for this object, if the mail gives one. */
  message: string | null;
  /** Replication and failover health, for replication reports. */
  health?: { replication: HealthLevel | null; failover: HealthLevel | null };
  /** What a half-matching template found but could not read (e.g. `size: "1,2 To"`, `end time`),
   * so a user sees why a figure is missing. Empty or absent when everything was read. */
  unread?: string[];
}

/** A status rule in the same shape a check's own e-mail status rules use. */
export interface StatusHint {
  field: 'subject' | 'body';
  op: 'contains' | 'regex';
  value: string;
  status: 'failed' | 'warning' | 'succeeded';
}

export interface EmailTemplate {
  /** Stable id, e.g. `veeam`, `proxmox-vzdump`. */
  id: string;
  /** Human name, e.g. `Veeam Backup & Replication`. */
  product: string;
  detect(mail: ParsedEmail): boolean;
  /** At least one job when detect() said yes; throws nothing for odd input (answers [] instead). */
  parse(mail: ParsedEmail): TemplateJob[];
  /** Rules a user may start from when making a check from such a mail (subject/body keywords). */
  statusHints: StatusHint[];
}

export interface Recognised {
  template: EmailTemplate;
  jobs: TemplateJob[];
}
