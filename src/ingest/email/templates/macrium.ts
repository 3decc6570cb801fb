// Macrium Reflect's own e-mail notification (Reflect 7/8/X, Defaults → Email): a subject
// `<computer>(<definition>) Macrium Reflect - Backup Success|Backup with Warnings|Backup Failure`
// (the definition in brackets only when set; `… Success|Warning|Failure Notification` and `Clone …`
// too), and a body that opens with `Success :)`, `Warning :|` or `Failed :(`, names the computer
// and backup definition, and carries the log summary (`Backup aborted! - <reason>` on failure).
// Macrium Site Manager mails `Notification - Backup Fail on computer <name>` (v7; `Backup Failed`
// in v8).
// Source of the layout: the Macrium patterns of a French backup-mail monitor built on a real client
// fleet (module "Détection des courriels de sauvegarde", taken from backup-monitor/BGBackupChecker;
// found by its text in the public code index, repository not named there), whose comments quote
// these subjects, the emoticon bodies, `Failure count: 0`, `Computer Name:`, `Backup definition:`
// and a real abort line `Backup aborted! - Write operation failed - <Windows error>`. No complete
// real Reflect mail has been found published: the corpus samples are reconstructed from those.
// One job per mail: device the computer, check the backup definition (`Macrium Reflect` with
// `unread: ['backup definition']` when the mail names none). Clones are kind copy. Duration from a
// `… completed successfully in 00:12:41` / `… aborted in …` log line when the mail carries one;
// Reflect's mail gives no size this template could rely on.
import type { JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration } from './units.js';

const SUBJECT =
  /^([A-Za-z0-9._+-]+)\s*(?:\(([^)]*)\))?\s*Macrium Reflect\s*-\s*(Backup|Clone|Image)?\s*(Success|Succeeded|Successful|Warnings?|with Warnings|Failure|Failed|Fail|Completed with Errors)(?:\s+Notification)?\s*$/i;
const SITE_MANAGER = /^Notification\s*-\s*(Backup|Clone)\s+(Fail(?:ed|ure)?|Success(?:ful)?|Succeeded|Warnings?)\s+on computer\s+(\S+)\s*$/i;
const ABORTED = /^.*\b(?:Backup|Clone|Image) aborted!.*$/gim;
const DURATION = /\b(?:completed successfully|aborted!?)\s+in\s+(\d+:\d{2}:\d{2})\b/i;

interface Heading {
  computer: string;
  definition: string | null;
  operation: string;
  outcome: string;
}

function heading(subject: string): Heading | null {
  const s = subject.trim();
  const m = SUBJECT.exec(s);
  if (m) return { computer: m[1]!, definition: m[2]?.trim() || null, operation: m[3] ?? 'Backup', outcome: m[4]! };
  const sm = SITE_MANAGER.exec(s);
  if (sm) return { computer: sm[3]!, definition: null, operation: sm[1]!, outcome: sm[2]! };
  return null;
}

function detect(mail: ParsedEmail): boolean {
  return !isReplyOrForward(mail) && heading(mail.subject) !== null;
}

/** The body's verdict when it has one (the emoticon line, an abort), else the subject's word. */
function statusOf(outcome: string, text: string): JobStatus {
  if (/^\s*Failed\s*:\(/m.test(text) || new RegExp(ABORTED.source, 'im').test(text)) return 'failed';
  if (/^\s*Warning\s*:\|/m.test(text)) return 'warning';
  if (/^\s*Success\s*:\)/m.test(text)) return 'succeeded';
  if (/errors/i.test(outcome)) return 'partial';
  if (/^fail/i.test(outcome)) return 'failed';
  if (/warning/i.test(outcome)) return 'warning';
  return 'succeeded';
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const h = heading(mail.subject);
  if (!h) return [];
  const text = mail.text;
  const computer = /^\s*Computer(?: Name)?\s*:\s*([A-Za-z0-9._-]+)/im.exec(text)?.[1] ?? h.computer;
  const definition = h.definition ?? /^\s*(?:Backup )?Definition\s*:\s*['"]?([^'"\r\n]+?)['"]?\s*$/im.exec(text)?.[1] ?? null;
  const status = statusOf(h.outcome, text);
  const aborts = [...text.matchAll(ABORTED)].map((m) => m[0].trim());
  return [
    job({
      device: computer,
      check: definition ?? 'Macrium Reflect',
      kind: /clone/i.test(h.operation) ? 'copy' : 'backup',
      status,
      rawStatus: `${h.operation} ${h.outcome}`,
      durationMs: parseDuration(DURATION.exec(text)?.[1]),
      message: status === 'succeeded' ? null : message(aborts.length ? aborts : [mail.subject]),
      ...(definition ? {} : { unread: ['backup definition'] }),
    }),
  ];
}

export const macrium: EmailTemplate = {
  id: 'macrium',
  product: 'Macrium Reflect',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: 'Macrium Reflect - (Backup|Clone) (Failure|Failed)', status: 'failed' },
    { field: 'body', op: 'contains', value: 'Backup aborted!', status: 'failed' },
    { field: 'subject', op: 'regex', value: 'Macrium Reflect - (Backup|Clone) (with )?Warnings?', status: 'warning' },
    { field: 'subject', op: 'regex', value: 'Macrium Reflect - (Backup|Clone) Success', status: 'succeeded' },
  ],
};
