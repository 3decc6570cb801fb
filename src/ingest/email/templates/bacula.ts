// Bacula and Bareos job reports: the director's end-of-job summary, mailed by bsmtp.
// Sources: Bacula src/dird/backup.c and vbackup.c, Bareos core/src/dird/backup.cc and
// migration.cc (the `Jmsg(... "  JobId: …  Termination: %s")` summary); default subject
// `Bacula: %t %e of %c %l` from the mailcommand shown in github.com/radim-ek/bacula-zabbix
// (bacula-sender.bash), e.g. "Bacula: Backup OK of web01-fd Incremental".
// Status: the `Termination:` line (`Backup OK`, `Backup OK -- with warnings`, `*** Backup Error ***`,
// `Backup Canceled`, `Backup failed -- incomplete`, and the same for Copy/Migration/Verify/Restore).
// Times: `06-Mar-2024 23:05:01` (or ISO in newer Bareos), the director's local time with no zone,
// read as UTC. Size: `SD Bytes Written: 1,234,567 (1.234 MB)` — the exact byte count is used;
// old directors (Bacula 1.x, Bareos 1.30 in the Bareos tutorial, docs/manuals/source/
// IntroductionAndTutorial/Tutorial.rst) print one `Bytes Written:` and no `Elapsed time:`.
// Real samples: the Bareos tutorial's job report; barcus/bareos#193 (Bareos 21, `*** Backup
// Error ***` with one non-fatal FD error, pasted without the indentation).
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const TERMINATION = /^\s*Termination:\s*(.+?)\s*$/m;
// Job names get `.<YYYY-MM-DD_HH.MM.SS>_<n>` appended by the director: the check is the job's own name.
const JOB_SUFFIX = /\.\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}(_\d+)?$/;

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!mail.text.includes('Termination:') || !TERMINATION.test(mail.text)) return false;
  const kv = keyValues(mail.text);
  return (kv.has('job') || kv.has('current job')) && kv.has('start time') && (kv.has('backup level') || kv.has('client'));
}

export function baculaStatus(termination: string): JobStatus {
  const t = termination.toLowerCase();
  if (/cancel/.test(t)) return 'cancelled';
  if (/error|fatal|failed|incomplete/.test(t)) return 'failed';
  if (/with warnings/.test(t)) return 'warning';
  if (/\bok\b/.test(t)) return 'succeeded';
  return 'failed'; // "Inappropriate term code": the director itself does not know
}

function kindOf(termination: string, kv: Map<string, string>): CheckKind {
  if (/^\W*(copy|migration)/i.test(termination) || kv.has('prev backup jobid')) return 'copy';
  if (/^\W*verify/i.test(termination)) return 'verification';
  return 'backup';
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const termination = TERMINATION.exec(mail.text)?.[1];
  if (!termination) return [];
  const kv = keyValues(mail.text);
  const jobName = (kv.get('job') ?? kv.get('current job') ?? '').replace(JOB_SUFFIX, '');
  const client = unquote(kv.get('client') ?? '') || jobName;
  if (!jobName || !client) return [];
  const startedAt = parseTime(kv.get('start time'));
  const endedAt = parseTime(kv.get('end time'));
  const status = baculaStatus(termination);
  const errors = Number(kv.get('non-fatal fd errors') ?? 0) + Number(kv.get('sd errors') ?? 0);
  const sizeText = kv.get('sd bytes written') ?? kv.get('fd bytes written') ?? kv.get('bytes written');
  const bytes = parseSize(sizeText);
  const unread = [
    ...(kv.has('start time') && startedAt === null ? [`start time: "${kv.get('start time')}"`] : []),
    ...(!kv.has('end time') ? ['end time'] : endedAt === null ? [`end time: "${kv.get('end time')}"`] : []),
    ...(sizeText === undefined ? ['size'] : bytes === null ? [`size: "${sizeText}"`] : []),
  ];
  return [
    job({
      device: client,
      check: jobName,
      kind: kindOf(termination, kv),
      status,
      rawStatus: termination.replace(/^\*+\s*|\s*\*+$/g, ''),
      startedAt,
      endedAt,
      durationMs: durationOf(parseDuration(kv.get('elapsed time')), startedAt, endedAt),
      bytes,
      message: status === 'succeeded' ? null : message([
        `Termination: ${termination}`,
        errors > 0 ? `Non-fatal FD errors: ${kv.get('non-fatal fd errors') ?? 0}, SD errors: ${kv.get('sd errors') ?? 0}` : null,
        statusLine('FD termination status', kv),
        statusLine('SD termination status', kv),
      ]),
      ...(unread.length > 0 ? { unread } : {}),
    }),
  ];
}

/** `"web01-fd" 9.4.2 (04Feb19) x86_64-pc-linux-gnu,…` → `web01-fd`. */
function unquote(value: string): string {
  const quoted = /^"([^"]*)"/.exec(value.trim());
  return (quoted ? quoted[1]! : value.trim().split(/\s+/)[0]!) ?? '';
}

function statusLine(key: string, kv: Map<string, string>): string | null {
  const v = kv.get(key.toLowerCase());
  return v && !/^ok$/i.test(v) ? `${key}: ${v}` : null;
}

export const bacula: EmailTemplate = {
  id: 'bacula',
  product: 'Bacula / Bareos',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: 'Termination:\\s+\\*\\*\\* .* Error \\*\\*\\*', status: 'failed' },
    { field: 'body', op: 'contains', value: '-- with warnings', status: 'warning' },
    { field: 'body', op: 'regex', value: 'Termination:\\s+\\w+ OK$', status: 'succeeded' },
  ],
};
