// The HTML job report that Veeam Backup & Replication and Veeam Agent send, read from its text form
// (tables one row per line, cells tab-separated; see ../html-text.ts). Layout, from a copy of a
// real forwarded Veeam Agent mail (github.com/grufocom/vee-mail, vee_mail_template.html) and the
// vocabulary of B&R reports (FORMATS.md §2), checked against a real B&R 9.5/10 report in Dutch
// (github:highfestiva/torrboll.java/src/test/resources/test.html@df6d3ff: `Backup job: … (Retry 3)`,
// `Created by …` description, `Error` as the status word, `zaterdag 1 februari 2020 01:00:29`,
// decimal-comma sizes `16,5 GB`, details on the lines after a row when the cell holds `<br />`):
//   <Type> job: <Job name>  [description line]  <Success|Warning|Failed>
//   <session date line>
//   Success n | Start time t | Total size s | Backup size s
//   Warning n | End time t   | Data read s  | Dedupe / Bottleneck
//   Error n   | Duration d   | Transferred s | Compression / Processing rate
//   Details
//   Name | Status | Start time | End time | Size | Read | Transferred | Duration | [Details]
//   <one row per VM / computer>  (Agent reports put the details text on the rows below)
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { htmlToText } from '../html-text.js';
import { cells, durationOf, job, lines, message } from './common.js';
import type { ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime, timeOnDayOf } from './units.js';

/** `[Success] Nightly (3 VMs) 1 warning`; Veeam may put an upper-case notice before the bracket. */
export const VEEAM_SUBJECT = /^[A-Z ]*\[(Success|Warning|Failed|Error|Failure)\]\s+(.+?)\s+\(([^()]*)\)(.*)$/;

/** `Backup Copy job: Offsite`, `Agent Backup job: Backup Job web01`, `Replication job: DR`. */
export const VEEAM_HEADER = /^((?:[A-Za-z-]+ ){1,3}?)job:\s+(.+?)(?:\t+\s*(Success|Warning|Failed|Error))?$/i;

const STATUS_WORDS: Record<string, JobStatus> = {
  success: 'succeeded',
  warning: 'warning',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  pending: 'running',
  'in progress': 'running',
  running: 'running',
  stopped: 'cancelled',
  canceled: 'cancelled',
  cancelled: 'cancelled',
};

export function veeamStatus(word: string): JobStatus | null {
  return STATUS_WORDS[word.trim().toLowerCase()] ?? null;
}

/** Kind from the report's job type: the B&R wording for each job type. */
export function veeamKind(jobType: string): CheckKind {
  const t = jobType.toLowerCase();
  if (t.includes('replica')) return 'replication';
  if (t.includes('copy') || t.includes('tape')) return 'copy';
  if (t.includes('surebackup') || t.includes('verification')) return 'verification';
  return 'backup';
}

export interface VeeamReport {
  jobType: string;
  jobName: string;
  rawStatus: string | null;
  description: string | null;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  objects: VeeamObject[];
}

export interface VeeamObject {
  name: string;
  rawStatus: string;
  start: string | null;
  end: string | null;
  size: string | null;
  transferred: string | null;
  duration: string | null;
  details: string[];
}

const rendered = new WeakMap<ParsedEmail, string>();

/**
 * The report's text: the HTML part rendered with table rows kept, else the text part. Cached per
 * message, as detect() and parse() of two Veeam templates all read it.
 */
export function reportText(mail: ParsedEmail): string {
  if (!mail.html) return mail.text;
  let text = rendered.get(mail);
  if (text === undefined) {
    text = htmlToText(mail.html);
    rendered.set(mail, text);
  }
  return text;
}

const reports = new WeakMap<ParsedEmail, VeeamReport | null>();

/** A report whose header names a Veeam job and that has the object table or a Veeam subject. */
export function detectReport(mail: ParsedEmail, isAgent: boolean): VeeamReport | null {
  const subjectMatch = VEEAM_SUBJECT.test(mail.subject);
  if (!subjectMatch && !/ job:/i.test(mail.html ?? mail.text)) return null;
  // Without a Veeam subject only the object table makes it a report: look for its head first,
  // a substring test a line, before the whole text is read as one.
  if (!subjectMatch && !lines(reportText(mail)).some(isObjectTableHead)) return null;
  // Both Veeam templates ask: read the report once per message.
  let report = reports.get(mail);
  if (report === undefined) {
    report = readReport(reportText(mail));
    reports.set(mail, report);
  }
  if (!report || isAgentReport(report) !== isAgent) return null;
  return report.objects.length > 0 || subjectMatch ? report : null;
}

export function isAgentReport(report: VeeamReport): boolean {
  return /agent/i.test(report.jobType) || /veeam agent/i.test(report.description ?? '');
}

export function readReport(text: string): VeeamReport | null {
  const all = lines(text).filter((l) => l.trim() !== '');
  const headerAt = all.findIndex((l) => VEEAM_HEADER.test(l.trim()));
  if (headerAt < 0) return null;
  const header = VEEAM_HEADER.exec(all[headerAt]!.trim())!;
  const after = all.slice(headerAt + 1, headerAt + 4).map((l) => l.trim());
  const statusLine = after.find((l) => veeamStatus(l) !== null);
  const description = after[0] && !veeamStatus(after[0]) && !/\d/.test(after[0]) ? after[0] : null;
  const summary = summaryValues(all);
  const sessionLine = all.slice(headerAt + 1, headerAt + 5).find((l) => sessionTime(l) !== null);
  const session = sessionLine ? sessionTime(sessionLine) : null;
  const startedAt = timeOnDayOf(summary.get('start time'), session) ?? session;
  const endedAt = timeOnDayOf(summary.get('end time'), startedAt);
  return {
    jobType: (header[1] ?? '').trim() || 'Backup',
    // A retried session names itself `Nightly (Retry 3)`: the retry is the same stream of work.
    jobName: header[2]!.replace(/\s*\(retry \d+\)$/i, '').trim(),
    rawStatus: header[3] ?? statusLine ?? null,
    description,
    startedAt,
    endedAt,
    durationMs: durationOf(parseDuration(summary.get('duration')), startedAt, endedAt),
    objects: readObjects(all),
  };
}

// Veeam prints the session date in the server's locale (`zaterdag 1 februari 2020 01:00:29`,
// `Samstag, 1. Februar 2020`, `samedi 1 février 2020`); month names are mapped to English so
// parseTime can read them. Keys are the first four letters, which tell the months apart.
const LOCAL_MONTHS: Record<string, string> = {
  janu: 'January', janv: 'January', febr: 'February', févr: 'February', maar: 'March',
  märz: 'March', mars: 'March', apri: 'April', avri: 'April', mei: 'May', mai: 'May',
  juni: 'June', juin: 'June', juli: 'July', juil: 'July', augu: 'August', août: 'August',
  sept: 'September', okto: 'October', octo: 'October', nove: 'November', dece: 'December',
  déce: 'December', deze: 'December',
};

/** The session line's date and time, in English or a translated locale; null when it is none. */
export function sessionTime(line: string): number | null {
  const text = line.trim();
  const english = parseTime(text);
  if (english !== null) return english;
  const m = /^(?:[^\d\s,]+,?\s+)?(\d{1,2})\.?\s+(\p{L}+)\.?\s+(\d{4})\s+(.*)$/u.exec(text);
  const month = m ? LOCAL_MONTHS[m[2]!.toLowerCase().slice(0, 4)] : undefined;
  return m && month ? parseTime(`${m[1]} ${month} ${m[3]} ${m[4]}`) : null;
}

/** Label → value pairs of the summary grid (`Start time\t22:00:05\tTotal size\t50 GB …`). */
function summaryValues(all: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of all) {
    // A line without a tab is one cell: no pair to read.
    if (!line.includes('\t')) {
      if (line.trim() === 'Name') break;
      continue;
    }
    const c = cells(line);
    if (c[0] === 'Name') break;
    for (let i = 0; i + 1 < c.length; i += 2) {
      const label = c[i]!.replace(/:$/, '').toLowerCase();
      if (label && !out.has(label)) out.set(label, c[i + 1]!);
    }
  }
  return out;
}

/** `Name | Status | Start time | …`: the head of the table of VMs or computers. */
function isObjectTableHead(line: string): boolean {
  if (!line.includes('Status')) return false;
  const c = cells(line);
  return c[0] === 'Name' && c[1] === 'Status';
}

function readObjects(all: string[]): VeeamObject[] {
  const headAt = all.findIndex(isObjectTableHead);
  if (headAt < 0) return [];
  const columns = cells(all[headAt]!).map((c) => c.toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  const objects: VeeamObject[] = [];
  for (const line of all.slice(headAt + 1)) {
    const c = cells(line);
    // A row is an object when its status is a known word, or when it fills every column (a status
    // word this reader does not know yet still names an object, read as a warning below).
    if (c.length >= 2 && c[1] && (veeamStatus(c[1]) !== null || c.length === columns.length)) {
      const at = (name: string) => (col(name) >= 0 ? (c[col(name)] ?? null) || null : null);
      objects.push({
        name: c[0]!,
        rawStatus: c[1]!,
        start: at('start time'),
        end: at('end time'),
        size: at('size'),
        transferred: at('transferred'),
        duration: at('duration'),
        details: at('details') ? [at('details')!] : [],
      });
    } else if (objects.length > 0 && c.length === 1 && c[0] !== 'Details') {
      // Agent reports put the details text on the rows below the object's row.
      if (isFooter(c[0]!)) break;
      objects.at(-1)!.details.push(c[0]!);
    } else if (c.length > 2) {
      break; // the next table (e.g. Backup Target) starts
    }
  }
  return objects;
}

function isFooter(line: string): boolean {
  return /^(veeam (backup|agent)|backup target|vee-mail)/i.test(line);
}

/** One job per object; a report with no object table gives one job for the whole session. */
export function reportJobs(report: VeeamReport, fallbackStatus: string | null, device?: string): TemplateJob[] {
  const kind = veeamKind(report.jobType);
  const check = report.jobName;
  const size = (s: string | null) => parseSize(s, { siLetters: 'binary' });
  if (report.objects.length === 0) {
    const raw = report.rawStatus ?? fallbackStatus;
    const status = raw ? veeamStatus(raw) : null;
    if (!raw || !status) return [];
    const { startedAt, endedAt, durationMs } = report;
    return [job({ device: device ?? report.jobName, check, kind, status, rawStatus: raw, startedAt, endedAt, durationMs })];
  }
  return report.objects.map((o) => {
    const startedAt = timeOnDayOf(o.start, report.startedAt);
    const endedAt = timeOnDayOf(o.end, startedAt ?? report.startedAt);
    // Transferred stands in only when there is no size: an unreadable size is reported, not replaced.
    const bytes = o.size ? size(o.size) : size(o.transferred);
    const durationMs = durationOf(parseDuration(o.duration), startedAt, endedAt);
    const unread = [
      ...missing('start time', o.start, startedAt),
      ...missing('end time', o.end, endedAt),
      ...missing('size', o.size ?? o.transferred, bytes),
      ...missing('duration', o.duration, durationMs),
    ];
    const known = veeamStatus(o.rawStatus);
    // An unknown status word is never a success: a person has to look at it.
    const status = known ?? 'warning';
    if (!known) unread.unshift(`status: "${o.rawStatus}"`);
    const read = job({
      device: o.name,
      check,
      kind,
      status,
      rawStatus: o.rawStatus,
      startedAt,
      endedAt,
      durationMs,
      bytes,
      message: message(o.details),
    });
    return unread.length > 0 ? { ...read, unread } : read;
  });
}

/**
 * What a row showed but could not be read (`size: "1,2 To"`), or that it lacked (`end time`), so a
 * user sees why a figure is missing. A row time with no session date to place it on is unread too.
 */
function missing(label: string, text: string | null, value: number | null): string[] {
  if (value !== null) return [];
  return text ? [`${label}: "${text}"`] : [label];
}
