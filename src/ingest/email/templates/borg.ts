// BorgBackup `borg create --stats [--show-rc]` output, as wrapper scripts and cron mail it.
// Sources: real output in a public borg guide (test/fixtures/email/borg_create_stats_sample.txt);
// the report mail Homebox sends (github:progmaticltd/homebox/docs/backup.md: `borg create` then
// `borg prune`, each ending in its own `--show-rc` line); borgbackup/borg#3928 (a permission
// error ending `terminating with warning status, rc 1`). `terminating with success|warning|error
// status, rc N` is what `--show-rc` prints (borg docs, "Return codes": 0 success, 1 warning,
// 2 error; borg 1.4 adds specific codes from 3 up, all errors, and 100-127 for warnings).
// A wrapper that runs create and prune prints several rc lines: the worst one counts.
// borgmatic's own log lines (`<repo>: Running actions for repository`) belong to its template.
// The output names no machine: the device is the cron subject's host for cron mail, else the
// archive name without its trailing timestamp (borg's `{hostname}-{now}` convention), else the
// sender's machine (senderHost). Times: `Time (start): Wed, 2020-12-02 08:14:41`, local time with
// no zone, read as UTC. Size: "This archive:" original size; borg prints 1000-based kB/MB/GB.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message, senderHost, worst } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const RC = /terminating with (success|warning|error) status, rc (\d+)/g;
const ARCHIVE_STATS = /^This archive:\s+(\S+\s*\S*B)\s+/m;
/** borgmatic's per-repository log lines; such mail is read by the borgmatic template. */
export const BORGMATIC_LINE = /^\S.*: (Running actions for repository|Error running actions for repository|Error running configuration file|Successfully ran configuration file)\s*$/m;

function detect(mail: ParsedEmail): boolean {
  const t = mail.text;
  // Cheap test first (every message runs every template's detect()): borg's own phrases.
  if (!t.includes('Archive name: ') && !t.includes('terminating with ')) return false;
  if (isReplyOrForward(mail) || BORGMATIC_LINE.test(t)) return false;
  const stats = /^Archive name: \S/m.test(t) && /^Time \(start\): /m.test(t) && /^Archive fingerprint: [0-9a-f]+/m.test(t);
  return stats || (new RegExp(RC.source).test(t) && /\bborg\b|^Repository |^Archive /im.test(`${mail.subject}\n${t}`));
}

/** Status from rc: 0 success, 1 and 100-127 warning, anything else an error. */
function rcStatus(word: string, rc: number): JobStatus {
  if (rc === 0) return 'succeeded';
  if (rc === 1 || (rc >= 100 && rc <= 127) || word === 'warning') return 'warning';
  return 'failed';
}

export interface ArchiveStats {
  archive: string | null;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  bytes: number | null;
  /** What a stats block showed but could not be read, e.g. `size: "1,2 TB"`. */
  unread: string[];
}

/** The `--stats` block of one `borg create` run (the first in `text`). */
export function archiveStats(text: string): ArchiveStats {
  const kv = keyValues(text);
  const startedAt = parseTime(kv.get('time (start)'));
  const endedAt = parseTime(kv.get('time (end)'));
  const sizeText = ARCHIVE_STATS.exec(text)?.[1] ?? null;
  const bytes = parseSize(sizeText);
  const unread: string[] = [];
  if (kv.has('time (start)') && startedAt === null) unread.push(`start time: "${kv.get('time (start)')}"`);
  if (kv.has('time (end)') && endedAt === null) unread.push(`end time: "${kv.get('time (end)')}"`);
  if (sizeText !== null && bytes === null) unread.push(`size: "${sizeText}"`);
  return {
    archive: kv.get('archive name') ?? null,
    startedAt,
    endedAt,
    durationMs: durationOf(parseDuration(kv.get('duration')), startedAt, endedAt),
    bytes,
    unread,
  };
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const t = mail.text;
  const rcs = [...t.matchAll(RC)].map((m) => ({ line: m[0], status: rcStatus(m[1]!, Number(m[2])) }));
  const stats = archiveStats(t);
  const { archive } = stats;
  const errorLines = problemLines(t);
  let status: JobStatus = rcs.length > 0 ? worst(rcs.map((r) => r.status)) : archive ? 'succeeded' : 'failed';
  // Without --show-rc, a file borg could not read is the only sign of a warning run.
  if (rcs.length === 0 && archive && errorLines.some((l) => /error|warning|denied|errno|changed while|failed/i.test(l))) status = 'warning';
  const deciding = rcs.find((r) => r.status === status) ?? rcs[0];
  const device = /^Cron </.test(mail.subject) || !archive ? senderHost(mail) : archivePrefix(archive);
  const unread = [...stats.unread];
  if (archive && stats.bytes === null && !ARCHIVE_STATS.test(t)) unread.push('size');
  return [
    job({
      device,
      check: 'borg',
      kind: 'backup',
      status,
      rawStatus: deciding ? deciding.line : archive ? 'archive created' : 'no archive',
      startedAt: stats.startedAt,
      endedAt: stats.endedAt,
      durationMs: stats.durationMs,
      bytes: stats.bytes,
      message: status === 'succeeded' ? null : message(errorLines),
      ...(unread.length > 0 ? { unread } : {}),
    }),
  ];
}

// Lines of borg's own stats block and a wrapper's banner, which say nothing about a problem.
const ROUTINE =
  /^(-{10,}|Creating archive at |Remote: Storage quota|Repository: |Archive name|Archive fingerprint|Time \(|Duration|Number of files|Utilization|Original size|Unique chunks|This archive|All archives|Deleted data|Chunk index|terminating with success|Synchronizing chunks cache|Archives: \d|Fetching and building archive index|Merging into master chunks index|Done\.$|Backup report for .*: Success$|(Creation|Prune) status:$)/;

/** What borg said besides its stats: errors, warnings and the reasons for them. */
function problemLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !ROUTINE.test(l));
}

/** `web01-2020-12-02-081439`, `web01-2020-12-02T08:14:39` or `home-2018-04-07 22:03:47.38` → the prefix. */
export function archivePrefix(name: string): string {
  return name.replace(/[-_.]?\d{4}-?\d{2}-?\d{2}([-_T ]?\d{2}:?\d{2}:?\d{2}(\.\d+)?)?$/, '') || name;
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
