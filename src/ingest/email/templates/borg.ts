// BorgBackup `borg create --stats [--show-rc]` output, as wrapper scripts and borgmatic mail it.
// Sources: real output in a public borg guide (test/fixtures/email/borg_create_stats_sample.txt;
// FORMATS.md §2); `terminating with success|warning|error status, rc N` is what `--show-rc`
// prints (borg docs, "Return codes": 0 success, 1 warning, 2 error).
// The output names no machine: the device is the cron subject's host for cron mail, else the
// archive name without its trailing timestamp (borg's `{hostname}-{now}` convention), else the
// sender's machine (senderHost). Times: `Time (start): Wed, 2020-12-02
// 08:14:41`, local time with no zone, read as UTC. Size: "This archive:" original size; borg
// prints 1000-based kB/MB/GB.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message, senderHost } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const RC = /terminating with (success|warning|error) status, rc (\d+)/;
const ARCHIVE_STATS = /^This archive:\s+(\S+\s*\S*B)\s+/m;
const RC_STATUS: Record<string, JobStatus> = { success: 'succeeded', warning: 'warning', error: 'failed' };

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  const t = mail.text;
  const stats = /^Archive name: \S/m.test(t) && /^Time \(start\): /m.test(t) && /^Archive fingerprint: [0-9a-f]+/m.test(t);
  return stats || (RC.test(t) && /\bborg\b|^Repository |^Archive /im.test(t));
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const t = mail.text;
  const kv = keyValues(t);
  const rc = RC.exec(t);
  const archive = kv.get('archive name') ?? null;
  const errorLines = problemLines(t);
  let status: JobStatus = rc ? RC_STATUS[rc[1]!]! : archive ? 'succeeded' : 'failed';
  // Without --show-rc, a file borg could not read is the only sign of a warning run.
  if (!rc && archive && errorLines.some((l) => /error|warning|denied|errno|changed while|failed/i.test(l))) status = 'warning';
  const startedAt = parseTime(kv.get('time (start)'));
  const endedAt = parseTime(kv.get('time (end)'));
  const device = /^Cron </.test(mail.subject) || !archive ? senderHost(mail) : archivePrefix(archive);
  return [
    job({
      device,
      check: 'borg',
      kind: 'backup',
      status,
      rawStatus: rc ? rc[0] : archive ? 'archive created' : 'no archive',
      startedAt,
      endedAt,
      durationMs: durationOf(parseDuration(kv.get('duration')), startedAt, endedAt),
      bytes: parseSize(ARCHIVE_STATS.exec(t)?.[1]),
      message: status === 'succeeded' ? null : message(errorLines),
    }),
  ];
}

// Lines of borg's own stats block and the wrapper's banner, which say nothing about a problem.
const ROUTINE = /^(-{10,}|Creating archive at |Remote: Storage quota|Archive name|Archive fingerprint|Time \(|Duration|Number of files|Utilization|Original size|Unique chunks|This archive|All archives|Chunk index|terminating with )/;

/** What borg said besides its stats: errors, warnings and the reasons for them. */
function problemLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !ROUTINE.test(l));
}

/** `web01-2020-12-02-081439` or `web01-2020-12-02T08:14:39` → `web01`. */
function archivePrefix(name: string): string {
  return name.replace(/[-_.]?\d{4}-?\d{2}-?\d{2}([-_T]?\d{2}:?\d{2}:?\d{2}(\.\d+)?)?$/, '') || name;
}

export const borg: EmailTemplate = {
  id: 'borg',
  product: 'BorgBackup',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'contains', value: 'terminating with error status', status: 'failed' },
    { field: 'body', op: 'contains', value: 'terminating with warning status', status: 'warning' },
    { field: 'body', op: 'contains', value: 'terminating with success status', status: 'succeeded' },
  ],
};
