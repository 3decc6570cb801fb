// Arcserve Unified Data Protection (UDP console and UDP Agent): the job alert mail sent when a
// node's job ends (successful, failed, crashed, canceled) or a scheduled job is missed. One mail is
// one job of one node, so one job here.
// Layout (RECONSTRUCTED, no published rendered mail was found; see the corpus manifest):
//   subject  `Arcserve UDP Alert: <job kind> job of node <node> <outcome>` (read only as a fallback)
//   body     labelled values, a text part or a two-column HTML table: Node Name, Plan Name, Job ID,
//            Job Type, Job Status, Start Time, End Time, Elapsed Time, Processed Data Size,
//            Destination, Details
// Outcome words: the UDP alert kinds the brief names (successful, failed, missed) plus the job
// states of the UDP backup history (Finished, Failed, Crashed, Canceled, Incomplete; see N-able's
// "CA ARCserve UDP" check, which reads BackupStatus Status="Finished|Failed").
// Sizes are the Windows console's 1024-based GB/MB; times are the console's local time, no zone.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, keywords, labelledFields, mentions, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime } from './units.js';

const PRODUCT = /\bArcserve\b|\bUnified Data Protection\b/i;
const PRODUCT_WORDS = keywords('arcserve', 'unified data protection');
const SUBJECT = /\b(\w[\w ]*?) job (?:of|on|for) (?:node )?(\S+?) (successful|succeeded|completed|failed|crashed|missed|canceled|cancelled|incomplete)\b/i;
const SIZE_KEYS = ['processed data size', 'backup size', 'data written', 'protected data size', 'total size'];

const STATUS: Record<string, JobStatus> = {
  successful: 'succeeded',
  succeeded: 'succeeded',
  success: 'succeeded',
  finished: 'succeeded',
  completed: 'succeeded',
  'completed with warnings': 'warning',
  warning: 'warning',
  failed: 'failed',
  crashed: 'failed',
  // A missed job never ran: for a monitor that is a failure, not a skip someone chose.
  missed: 'failed',
  incomplete: 'partial',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  active: 'running',
  running: 'running',
};

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!mentions(mail, PRODUCT_WORDS) || !PRODUCT.test(`${mail.fromName ?? ''} ${mail.subject}\n${mail.text}`)) return false;
  const kv = labelledFields(mail.text);
  return kv.has('node name') && (kv.has('job status') || SUBJECT.test(mail.subject)) && (kv.has('job type') || kv.has('job id'));
}

function kindOf(jobType: string): CheckKind {
  if (/replicat/i.test(jobType)) return 'replication';
  if (/verif|assured recovery/i.test(jobType)) return 'verification';
  if (/copy/i.test(jobType)) return 'copy';
  return 'backup';
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const kv = labelledFields(mail.text);
  const node = kv.get('node name');
  const subject = SUBJECT.exec(mail.subject);
  const rawStatus = kv.get('job status') ?? subject?.[3] ?? null;
  if (!node || !rawStatus) return [];
  const unread: string[] = [];
  const known = STATUS[rawStatus.trim().toLowerCase()];
  if (!known) unread.push(`status: "${rawStatus}"`);
  // An outcome word we do not know is never taken for success.
  const status: JobStatus = known ?? 'failed';
  const ran = status === 'succeeded' || status === 'warning';

  const startedAt = readTime(kv.get('start time'), 'start time', ran, unread);
  const endedAt = readTime(kv.get('end time'), 'end time', ran, unread);
  const sizeText = SIZE_KEYS.map((k) => kv.get(k)).find((v) => v !== undefined) ?? null;
  const bytes = parseSize(sizeText, { siLetters: 'binary' });
  if (sizeText && bytes === null) unread.push(`size: "${sizeText}"`);
  else if (!sizeText && ran) unread.push('size');

  const jobType = kv.get('job type') ?? subject?.[1] ?? 'Backup';
  const jobId = kv.get('job id');
  return [
    job({
      device: node,
      check: kv.get('plan name') ?? jobType,
      kind: kindOf(jobType),
      status,
      rawStatus,
      startedAt,
      endedAt,
      durationMs: durationOf(parseDuration(kv.get('elapsed time') ?? kv.get('duration')), startedAt, endedAt),
      bytes,
      message: message([kv.get('details') ?? kv.get('error') ?? kv.get('message'), status !== 'succeeded' && jobId ? `job ID ${jobId}` : null]),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

/** A time the mail gives, or null; a job that ran but shows no time is noted as unread. */
function readTime(text: string | undefined, name: string, expected: boolean, unread: string[]): number | null {
  if (!text || /^(n\/a|-+)$/i.test(text.trim())) {
    if (expected) unread.push(name);
    return null;
  }
  const at = parseTime(text);
  if (at === null) unread.push(`${name}: "${text}"`);
  return at;
}

export const arcserveUdp: EmailTemplate = {
  id: 'arcserve-udp',
  product: 'Arcserve UDP',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: 'job (of|on|for) .* (failed|crashed|missed)', status: 'failed' },
    { field: 'body', op: 'regex', value: 'Job Status:?\\s+(Failed|Crashed|Missed)', status: 'failed' },
    { field: 'subject', op: 'regex', value: 'job (of|on|for) .* (successful|completed)', status: 'succeeded' },
  ],
};
