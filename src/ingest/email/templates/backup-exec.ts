// Veritas (formerly Symantec) Backup Exec job alerts, sent to notification recipients by the
// Backup Exec server's SMTP settings.
// Layout, from real mails quoted in github:BoiesGrimardInformatique/BGBackupChecker
// backup_monitor/selftest.py (a "real diagnostic report") and its notes on the Backup Exec 20-22
// administrator's guide (alert categories and severities):
//   subject  `Backup Exec Alert: <category> (Server: "<media server>") (Job: "<job name>")`;
//            job categories: Job Success, Job Completed, Job Completed with Exceptions, Job Failed,
//            Job Cancellation, Job Warning, Backup Job Contains No Data. Other categories (General
//            Information, Database Maintenance, Media/Storage alerts) are not job results.
//   body     `(Server: "<server>") (Job: "<job>") <job> -- The job failed with the following error: …`
//            or `… The job completed successfully.  However, the following conditions were
//            encountered: …` (the "with exceptions" mail), or `… Completed Successfully.`; with the
//            job log summary attached, `Job Completion Status: Successful|Completed with
//            exceptions|Failed|Canceled|Missed|…`, which wins over the category when present.
// An alert names the media server and the job, not the machines the job protected, so one mail is
// one job on the server. The alert carries no size or duration; `Job started:`/`Job ended:` lines
// are read when a recipient's notification includes the job summary.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseTime } from './units.js';

const SUBJECT = /^\s*Backup Exec Alert:\s*(.+?)\s*\(Server:\s*"([^"]*)"\)\s*(?:\(Job:\s*"(.*)"\))?\s*$/i;
const JOB_CATEGORY = /\bjob\b/i;
// Backup Exec names the duplicate stage of a job `<job>-Duplicate`: a copy of a backup set.
const DUPLICATE = /-Duplicate\b/i;
const PREFIX = /^\(Server:\s*"[^"]*"\)\s*(?:\(Job:\s*".*?"\))?\s*/i;

const CATEGORY: Array<[RegExp, JobStatus]> = [
  [/with exceptions/i, 'warning'],
  [/\bjob success\b/i, 'succeeded'],
  [/\bjob fail(ed|ure)\b/i, 'failed'],
  [/\bcancel/i, 'cancelled'],
  [/\bjob warning\b|contains no data/i, 'warning'],
  [/\bmissed\b/i, 'skipped'],
];

// `Job completion status` words from the Backup Exec job log.
const COMPLETION: Array<[RegExp, JobStatus]> = [
  [/^successful$/i, 'succeeded'],
  [/^completed with exceptions$/i, 'warning'],
  [/^(failed|recovered)$/i, 'failed'],
  [/^cancell?ed(,? timed out)?$/i, 'cancelled'],
  [/^missed$/i, 'skipped'],
];

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  const m = SUBJECT.exec(mail.subject);
  return !!m && m[3] !== undefined && JOB_CATEGORY.test(m[1]!);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const m = SUBJECT.exec(mail.subject);
  if (!m || m[3] === undefined) return [];
  const [, category, server, jobName] = m;
  const fields = keyValues(mail.text);
  const completion = fields.get('job completion status') ?? fields.get('completed status') ?? fields.get('completion status');
  const unread: string[] = [];
  const status = statusOf(category!, completion, unread);
  const startedAt = parseTime(fields.get('job started'));
  const endedAt = parseTime(fields.get('job ended'));
  const kind: CheckKind = DUPLICATE.test(jobName!) ? 'copy' : 'backup';
  return [
    job({
      device: server || (fields.get('job server') ?? 'unknown'),
      check: jobName || (fields.get('job name') ?? 'Backup Exec job'),
      kind,
      status,
      rawStatus: completion ?? category!,
      startedAt,
      endedAt,
      durationMs: durationOf(null, startedAt, endedAt),
      message: status === 'succeeded' ? null : message(detail(mail.text, jobName!)),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

/** The job log's completion status when the mail has it, else the alert category's severity. */
function statusOf(category: string, completion: string | undefined, unread: string[]): JobStatus {
  if (completion) {
    const found = COMPLETION.find(([re]) => re.test(completion.trim()));
    if (found) return found[1];
    unread.push(`completion status: "${completion}"`);
  }
  const byCategory = CATEGORY.find(([re]) => re.test(category));
  if (byCategory) return byCategory[1];
  // `Job Completed` without a completion status, or a category this template does not know:
  // never read as success.
  if (!completion) unread.push('completion status');
  return 'warning';
}

/** The alert text without its `(Server: …) (Job: …) <job> --` prefix, lines kept. */
function detail(text: string, jobName: string): string[] {
  return lines(text)
    .map((l) => l.trim().replace(PREFIX, ''))
    .map((l) => (l.startsWith(`${jobName} -- `) ? l.slice(jobName.length + 4) : l))
    .filter((l) => l !== '' && !/^job completion status:/i.test(l));
}

export const backupExec: EmailTemplate = {
  id: 'backup-exec',
  product: 'Veritas Backup Exec',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: '^Backup Exec Alert: Job (Failed|Cancellation)', status: 'failed' },
    { field: 'subject', op: 'regex', value: '^Backup Exec Alert: (Job Completed with Exceptions|Job Warning|Backup Job Contains No Data)', status: 'warning' },
    { field: 'subject', op: 'contains', value: 'Backup Exec Alert: Job Success', status: 'succeeded' },
  ],
};
