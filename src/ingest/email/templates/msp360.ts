// MSP360 Backup (formerly CloudBerry Backup), standalone and Managed Backup agents: the plan result
// mail sent after a plan run. One mail is one plan on one computer, so one job.
// Layout (RECONSTRUCTED, no published rendered mail was found; see the corpus manifest):
//   subject  user-defined from %PLAN_NAME%, %COMPUTER_NAME% and %RESULT% (CloudBerry Backup help,
//            "Customize Email Notifications", github:Nicholas282787728/CbLab concepts/…); never relied on
//   body     a "Plan Execution Summary" block of labelled values, as a text part or a two-column HTML
//            table: Computer, Plan name, Plan type, Result, Start time, Finish time, Duration,
//            Files scanned / to back up / copied / failed, Total size of copied files, Error, Warning
// Result words follow the MSP360 monitoring API's plan statuses (Success, Warning, Error, Overdue,
// Interrupted, UnexpectedlyClosed, Running), as public API clients list them
// (github:AndrewPaglusch/MSP360-CloudBerry-Backup-Report run.rb), plus Failed and Completed.
// Sizes are the Windows agent's 1024-based GB/MB. Times are the computer's local time, no zone.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, keywords, labelledFields, mentions, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseNumber, parseSize, parseTime } from './units.js';

const PRODUCT = /\b(MSP360|CloudBerry|mspbackups)\b/i;
const PRODUCT_WORDS = keywords('msp360', 'cloudberry', 'mspbackups');
const STATUS_KEYS = ['result', 'status', 'plan result', 'plan status'];
const START_KEYS = ['start time', 'started', 'start'];
const END_KEYS = ['finish time', 'end time', 'finished', 'end'];
const SIZE_KEYS = ['total size of copied files', 'uploaded', 'size uploaded', 'data copied', 'copied size', 'total size'];

const STATUS: Record<string, JobStatus> = {
  success: 'succeeded',
  successful: 'succeeded',
  completed: 'succeeded',
  warning: 'warning',
  'completed with warnings': 'warning',
  error: 'failed',
  failed: 'failed',
  failure: 'failed',
  // Overdue: the plan did not run when scheduled; UnexpectedlyClosed: the agent crashed mid-run.
  overdue: 'failed',
  unexpectedlyclosed: 'failed',
  'unexpectedly closed': 'failed',
  interrupted: 'cancelled',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  running: 'running',
};

function first(kv: Map<string, string>, keys: string[]): string | null {
  for (const k of keys) if (kv.has(k)) return kv.get(k)!;
  return null;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!mentions(mail, PRODUCT_WORDS) || !PRODUCT.test(`${mail.fromName ?? ''} ${mail.from} ${mail.subject}\n${mail.text}`)) return false;
  const kv = labelledFields(mail.text);
  const summary = /^\s*Plan Execution Summary\s*$/im.test(mail.text) || kv.has('files scanned');
  return summary && kv.has('plan name') && first(kv, STATUS_KEYS) !== null;
}

function kindOf(planType: string | null): CheckKind {
  if (planType && /consistency check/i.test(planType)) return 'verification';
  if (planType && /microsoft 365|office 365|google workspace|g suite/i.test(planType)) return 'saas_backup';
  return 'backup';
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const kv = labelledFields(mail.text);
  const plan = kv.get('plan name');
  const rawStatus = first(kv, STATUS_KEYS);
  if (!plan || !rawStatus) return [];
  const unread: string[] = [];
  const known = STATUS[rawStatus.trim().toLowerCase()];
  if (!known) unread.push(`status: "${rawStatus}"`);
  // A word we do not know is never taken for success: a person should look at it.
  let status: JobStatus = known ?? 'failed';
  const failedFiles = parseNumber(kv.get('files failed') ?? '') ?? 0;
  if (status === 'succeeded' && failedFiles > 0) status = 'warning';

  const startedAt = readTime(first(kv, START_KEYS), 'start time', unread);
  const endedAt = readTime(first(kv, END_KEYS), 'end time', unread);
  const ownDuration = parseDuration(kv.get('duration'));
  const sizeText = first(kv, SIZE_KEYS);
  const bytes = parseSize(sizeText, { siLetters: 'binary' });
  if (sizeText && bytes === null) unread.push(`size: "${sizeText}"`);
  else if (!sizeText && status !== 'failed') unread.push('size');

  const counts = ['files scanned', 'files to back up', 'files copied', 'files failed']
    .filter((k) => kv.has(k))
    .map((k) => `${k}: ${kv.get(k)}`)
    .join(', ');
  const notes = [kv.get('error') ?? kv.get('error message'), kv.get('warning'), status !== 'succeeded' && counts ? counts : null];
  return [
    job({
      device: kv.get('computer') ?? kv.get('computer name') ?? 'unknown',
      check: plan,
      kind: kindOf(kv.get('plan type') ?? null),
      status,
      rawStatus,
      startedAt,
      endedAt,
      durationMs: durationOf(ownDuration, startedAt, endedAt),
      bytes,
      message: message(notes),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

function readTime(text: string | null, name: string, unread: string[]): number | null {
  if (!text) {
    unread.push(name);
    return null;
  }
  const at = parseTime(text);
  if (at === null) unread.push(`${name}: "${text}"`);
  return at;
}

export const msp360: EmailTemplate = {
  id: 'msp360',
  product: 'MSP360 Backup (CloudBerry)',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '^\\s*(Result|Status):?\\s+(Failed|Error|Overdue)', status: 'failed' },
    { field: 'body', op: 'regex', value: '^\\s*(Result|Status):?\\s+Warning', status: 'warning' },
    { field: 'body', op: 'regex', value: '^\\s*(Result|Status):?\\s+Success', status: 'succeeded' },
  ],
};
