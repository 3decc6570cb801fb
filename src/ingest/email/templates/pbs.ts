// Proxmox Backup Server task mails: garbage collection, verify, prune, sync and tape backup jobs.
// Source: proxmox/proxmox-backup templates/default/{gc,verify,prune,sync,tape-backup}-{ok,err}-
// {subject,body}.txt.hbs (PBS 3.2+, commit 4940514b) and src/server/notifications.rs; before 3.2 the
// same texts were compiled into src/server/email_notifications.rs.
//   subjects  `Garbage Collect Datastore '<ds>' successful|failed`, `Verify Datastore '<ds>' …`,
//             `Pruning datastore '<ds>' …`, `Sync remote '<remote>' datastore '<rs>' …` | `Sync local
//             datastore '<rs>' …`, `Tape Backup ['<id>' ]datastore '<ds>' …`
//   bodies    `Job ID:` and `Datastore:` lines, then `<Task> successful.` or `<Task> failed: <err>`
//             (verify lists the failed snapshots instead); GC adds usage figures (`On-Disk usage:`,
//             binary units) and the task's UPID, whose 6th field is the start time in hex; tape
//             backup adds `Duration:` (proxmox_time TimeSpan, `1h 47m 12s`).
// One job per mail, on the datastore it concerns (for sync, the local target store): the device is
// the datastore, as the PBS host is one server holding several stores whose health differs; the
// check is the task type plus its job id when it has one (`verify v-3fb5…`, `gc`). Kinds: verify →
// verification, sync and tape backup → copy, prune and GC (maintenance of the backup store) → backup.
// The mail is sent when the task ends, so its Date is taken as the end time.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize } from './units.js';

interface Task {
  re: RegExp;
  task: string;
  kind: CheckKind;
  /** The first word of the body's closing `<word> successful.` / `<word> failed: …` line. */
  word: string;
}

const TASKS: Task[] = [
  { re: /^Garbage Collect Datastore '([^']+)' (successful|failed)$/, task: 'gc', kind: 'backup', word: 'Garbage collection' },
  { re: /^Verify Datastore '([^']+)' (successful|failed)$/, task: 'verify', kind: 'verification', word: 'Verification' },
  { re: /^Pruning datastore '([^']+)' (successful|failed)$/, task: 'prune', kind: 'backup', word: 'Pruning' },
  { re: /^Sync (?:remote '[^']+' datastore|local datastore) '([^']+)' (successful|failed)$/, task: 'sync', kind: 'copy', word: 'Synchronization' },
  { re: /^Tape Backup (?:'[^']+' )?datastore '([^']+)' (successful|failed)$/, task: 'tape-backup', kind: 'copy', word: 'Tape Backup' },
];

const UPID = /^UPID:[^:]+:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+:([0-9A-F]{8,}):/;

function taskOf(subject: string): { task: Task; store: string; outcome: string } | null {
  for (const task of TASKS) {
    const m = task.re.exec(subject);
    if (m) return { task, store: m[1]!, outcome: m[2]! };
  }
  return null;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!taskOf(mail.subject)) return false;
  const t = mail.text;
  return /^Datastore: +\S/m.test(t) && /^Please visit the web interface for further details:$/m.test(t);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const found = taskOf(mail.subject);
  if (!found) return [];
  const { task, store, outcome } = found;
  const kv = keyValues(mail.text);
  const all = lines(mail.text);
  const unread: string[] = [];
  const closing = all.find((l) => l.startsWith(`${task.word} successful.`) || l.startsWith(`${task.word} failed`));
  const status = statusOf(outcome, closing, unread);
  const jobId = kv.get('job id');
  const upid = UPID.exec(kv.get('task id') ?? '');
  const startedAt = upid ? Number.parseInt(upid[1]!, 16) * 1000 : null;
  const endedAt = mail.date;
  const durationMs = parseDuration(kv.get('duration'));
  if (kv.has('duration') && durationMs === null) unread.push(`duration: "${kv.get('duration')}"`);
  const disk = kv.get('on-disk usage')?.replace(/\s*\(.*\)$/, '');
  const bytes = parseSize(disk);
  if (disk && bytes === null) unread.push(`on-disk usage: "${disk}"`);
  return [
    job({
      device: kv.get('datastore') || store,
      check: jobId ? `${task.task} ${jobId}` : task.task,
      kind: task.kind,
      status,
      rawStatus: outcome,
      startedAt,
      endedAt,
      durationMs: durationOf(durationMs, startedAt, endedAt),
      bytes,
      message: status === 'succeeded' ? null : problem(closing, all),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

/** The subject's word, checked against the body's closing line; a disagreement is not success. */
function statusOf(outcome: string, closing: string | undefined, unread: string[]): JobStatus {
  if (!closing) unread.push('result line');
  const bodyFailed = closing ? / failed/.test(closing) : false;
  return outcome === 'successful' && !bodyFailed ? 'succeeded' : 'failed';
}

/** The error after `<Task> failed:`, or verify's list of the snapshots that failed. */
function problem(closing: string | undefined, all: string[]): string | null {
  const snapshots = failedSnapshots(all);
  if (snapshots.length) return message(snapshots);
  return message([closing?.replace(/^.*? failed:?\s*/, '') ?? null]);
}

/** Verify's indented list of snapshots and groups that failed. */
function failedSnapshots(all: string[]): string[] {
  const at = all.findIndex((l) => l.startsWith('Verification failed on these snapshots/groups:'));
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of all.slice(at + 1)) {
    if (/^Please visit /.test(line)) break;
    if (/^\s+\S/.test(line)) out.push(line.trim());
  }
  return out;
}

export const pbs: EmailTemplate = {
  id: 'pbs',
  product: 'Proxmox Backup Server',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: "^(Garbage Collect|Verify|Pruning|Sync|Tape Backup) .*'[^']+' failed$", status: 'failed' },
    { field: 'subject', op: 'regex', value: "^(Garbage Collect|Verify|Pruning|Sync|Tape Backup) .*'[^']+' successful$", status: 'succeeded' },
  ],
};
