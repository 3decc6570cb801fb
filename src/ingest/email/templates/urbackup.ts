// UrBackup server report mails (Settings → Reports, one mail per finished backup of a client).
// Source: uroni/urbackup_backend urbackupserver/Backup.cpp (sendLogdata; commit 90da741a) and the
// equivalent urbackupserver/report.lua used when a report script is configured:
//   subject  `UrBackup: [Resumed ]Incremental|Full file|image backup of "<client>"` + `\n - success`
//            or `\n - failed` (the raw newline makes a folded header, read as one line)
//   body     `UrBackup just did an incremental file backup of "<client>".`, `Report:`,
//            `( N infos, N warnings, N errors )` (the Lua script has no space before `)`), then the
//            backup log: `YYYY-MM-DD HH:MM:SS(info|warning|error): <message>`.
// Log messages read: `Transferred <n> bytes|KB|MB|GB|TB - Average speed: …` (PrettyPrintBytes,
// 1024-based), `Time taken for backing up client <c>: 1h 5m 12s` (PrettyPrintTime, may say `2 days`).
// Log times are the server's local time with no zone, read as UTC.
// One job per mail: the client is the device, `file backup` or `image backup` the check.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime } from './units.js';

const SUBJECT = /^UrBackup: (?:Resumed )?(incremental|full) (file|image) backup of "(.+)"\s*-\s*(success|failed)$/i;
const INTRO = /^UrBackup just did (?:an?|a resumed) (incremental|full) (file|image) backup of "(.+)"\.$/m;
const COUNTS = /^\( ?(\d+) infos?, (\d+) warnings?, (\d+) errors? ?\)$/m;
const LOG = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\((info|warning|error)\): (.*)$/;

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  return SUBJECT.test(mail.subject) && INTRO.test(mail.text) && /^Report:$/m.test(mail.text);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const subject = SUBJECT.exec(mail.subject);
  if (!subject) return [];
  const [, level, type, client, outcome] = subject;
  const counts = COUNTS.exec(mail.text);
  const unread: string[] = counts ? [] : ['report counts'];
  const log = lines(mail.text).flatMap((l) => {
    const m = LOG.exec(l);
    return m ? [{ at: parseTime(m[1]), level: m[2]!, text: m[3]! }] : [];
  });
  const problems = log.filter((e) => e.level !== 'info').map((e) => e.text);
  const status = statusOf(outcome!, counts, problems.length);
  const startedAt = log[0]?.at ?? null;
  const endedAt = log.at(-1)?.at ?? null;
  const taken = log.map((e) => /^Time taken for backing up client .*?: (.+)$/.exec(e.text)?.[1]).find(Boolean);
  const durationMs = parseDuration(taken);
  if (taken && durationMs === null) unread.push(`time taken: "${taken}"`);
  const transferred = log.map((e) => /^Transferred (.+?) - Average speed/.exec(e.text)?.[1]).filter(Boolean).at(-1);
  const bytes = parseSize(transferred, { siLetters: 'binary' });
  if (transferred && bytes === null) unread.push(`transferred: "${transferred}"`);
  return [
    job({
      device: client!,
      check: `${type!.toLowerCase()} backup`,
      kind: 'backup',
      status,
      rawStatus: `${level!.toLowerCase()} ${outcome!.toLowerCase()}`,
      startedAt,
      endedAt,
      durationMs: durationOf(durationMs, startedAt, endedAt),
      bytes,
      message: message(problems),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

/** The subject's outcome; a success that logged warnings or errors is a warning. */
function statusOf(outcome: string, counts: RegExpExecArray | null, problemLines: number): JobStatus {
  if (outcome.toLowerCase() !== 'success') return 'failed';
  const issues = counts ? Number(counts[2]) + Number(counts[3]) : problemLines;
  return issues > 0 ? 'warning' : 'succeeded';
}

export const urbackup: EmailTemplate = {
  id: 'urbackup',
  product: 'UrBackup',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: '^UrBackup: .* - failed$', status: 'failed' },
    { field: 'body', op: 'regex', value: '^\\( ?\\d+ infos?, [1-9]\\d* warnings?', status: 'warning' },
    { field: 'subject', op: 'regex', value: '^UrBackup: .* - success$', status: 'succeeded' },
  ],
};
