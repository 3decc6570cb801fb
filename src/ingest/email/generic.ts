// The generic recogniser: what a status mail no product template knows says of itself. It reads the
// status from the built-in status words (statusByWords, the same words a check's own address uses),
// the device and job names from the subject shapes scripts and small products use, and sizes and
// durations from the usual phrasings. Pure: no I/O, no clock. Its answer is a suggestion for the
// inbox (a check with these rules); only on a check's own address do its figures reach a job.
import { draftRules, GENERIC_STATUS_RULES, wordRule } from '../../domain/email-draft.js';
import { type EmailRules, type RuleStatus, type StatusRule, statusByWords, type WordVerdict } from '../../domain/email-rules.js';
import { isReplyOrForward, senderHost } from './templates/common.js';
import type { ParsedEmail } from './templates/types.js';
import { parseDuration, parseSize } from './templates/units.js';

export interface Suggestion {
  device: string;
  check: string;
  status: RuleStatus | null;
  /** The status word that decided, as the mail spells it, and where it was. */
  why: { word: string; field: 'subject' | 'body' } | null;
  bytes: number | null;
  durationMs: number | null;
  /** Where the names came from: a subject shape, or the sender as the last resort. */
  names: 'subject' | 'sender';
  /** Draft rules for a check catching this mail and its siblings. */
  rules: EmailRules;
}

/** Only the first part of a body is read for figures: status mails put them near the top. */
const MAX_SCAN = 64 * 1024;

// Bulk mail (newsletters, marketing) speaks of "success" and "errors" in prose; it is never a report.
const BULK_MAIL = /\bunsubscribe\b|view (?:this|it) (?:e-?mail )?in (?:your|a) browser|manage (?:your )?(?:e-?mail )?preferences/i;

// A run of status words at the end of a subject: `completed successfully`, `has failed`,
// `finished with warnings`, `- OK`. Stripped from job names so every run of a job has one name.
const STATUS_TAIL =
  /(?:[\s:,;|–-]+|^)(?:(?:has|have|was|were|is|not|did|could|completed|complete|finished|ended|done|ran|with|and|successfully|successful|success|succeeded|failed|failure|failures|fail|errors?|warnings?|ok|partial(?:ly)?|status|result)\b[\s.!:,]*)+$/i;
const STATUS_TAG = /^\s*[[(](?:[^\])]*)[\])]\s*/;
// A status word leading the subject as a label: `Job FAILED: Nightly file backup`, `OK - Nightly`.
const STATUS_HEAD = /^(?:(?:job|backup|task)\s+)?(?:completed|finished|failed|failure|succeeded|success|successful|warnings?|errors?|ok|partial)\s*[:|–-]\s*/i;
const DATE_TIME = [
  /\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?\b/g,
  /\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b/g,
  /\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?\b/gi,
];
/** Words a subject starts with that name no machine (`Backup: …`, `Alert: …`). */
const NOT_A_HOST = /^(?:backup|backups|job|task|status|report|alert|warning|error|failed|success|info|notice|cron|re|fw|fwd|subject|daily|nightly|weekly)$/i;

const tidy = (s: string) => s.replace(/\s+/g, ' ').replace(/^[\s:,;|–-]+|[\s:,;|–-]+$/g, '').trim();

/** Hostname-like: one token with a digit, a dot or a hyphen, or all capitals (`SERVER01`, `web-1`, `NAS`). */
function looksLikeHost(token: string): boolean {
  if (!/^[A-Za-z0-9][\w.$-]*$/.test(token) || /^\d+$/.test(token) || NOT_A_HOST.test(token)) return false;
  return /\d/.test(token) || /[.-]/.test(token) || /^[A-Z][A-Z0-9_]{2,}$/.test(token);
}

/** The job name left of a status phrase: dates, times and the trailing status words removed. */
function jobName(s: string): string {
  let out = s;
  for (const re of DATE_TIME) out = out.replace(re, ' ');
  out = tidy(out).replace(STATUS_HEAD, '');
  for (let i = 0; i < 3 && STATUS_TAIL.test(out); i++) out = tidy(out.replace(STATUS_TAIL, ''));
  return out;
}

interface Names {
  device: string;
  check: string;
}

type Shape = (subject: string) => Names | null;

// Subject shapes, most specific first. Each answers the names it reads or null.
const SHAPES: Shape[] = [
  // Cron <root@web01> /usr/local/bin/backup.sh --nightly
  (s) => {
    const m = /^Cron <[^@>]+@([^>]+)>\s*(\S*)/.exec(s);
    return m ? { device: m[1]!, check: m[2] ? m[2].split('/').pop()! : 'cron' } : null;
  },
  // Backup job 'Daily' on HOST finished with warnings / Job "X" for HOST: failed
  (s) => {
    const m = /\bjob\s+['"“‘«]([^'"”’»]+)['"”’»](?:\s+(?:on|for|from|at)\s+([\w.$-]+))?/i.exec(s);
    if (!m) return null;
    return { device: m[2] ?? '', check: m[1]!.trim() };
  },
  // Daily Backup (web01) / [Success] Job (host)
  (s) => {
    const m = /^(.+?)\s*\(([^()\s]+)\)\s*(.*)$/.exec(s);
    if (!m || !looksLikeHost(m[2]!)) return null;
    const check = jobName(m[1]!);
    return check ? { device: m[2]!, check } : null;
  },
  // Backup of SERVER01 completed successfully / Snapshot of vm-104 failed
  (s) => {
    const m = /^(backup|snapshot|sync|replication|copy|export|dump)\s+of\s+(.+)$/i.exec(s);
    if (!m) return null;
    const device = jobName(m[2]!);
    const word = m[1]!;
    return device ? { device, check: word[0]!.toUpperCase() + word.slice(1).toLowerCase() } : null;
  },
  // SERVER01: nightly backup failed / WEB01 - Nightly - Success / nas02 | rsync
  (s) => {
    const m = /^([^\s:|–]+)\s*(?::|\s[-|–])\s*(.+)$/.exec(s);
    if (!m || !looksLikeHost(m[1]!)) return null;
    const check = jobName(m[2]!);
    return check ? { device: m[1]!, check } : null;
  },
  // Nightly backup on web01 succeeded / Backup from db-2: 0 errors
  (s) => {
    const m = /^(.+?)\s+(?:on|from|for|at)\s+([\w.$-]+)\b(.*)$/i.exec(s);
    if (!m || !looksLikeHost(m[2]!)) return null;
    const check = jobName(m[1]!);
    return check ? { device: m[2]!, check } : null;
  },
];

/** The subject without a leading status tag (`[Success]`, `(FAILED)`): the names start after it. */
function withoutTag(subject: string): string {
  return subject.replace(STATUS_TAG, '').trim();
}

/** Names from a known subject shape, or null. */
export function namesFromSubject(subject: string): Names | null {
  const s = withoutTag(subject.replace(/\s+/g, ' ').trim());
  for (const shape of SHAPES) {
    const n = shape(s);
    if (n?.check) return { device: n.device.slice(0, 200), check: n.check.slice(0, 200) };
  }
  return null;
}

const SIZE_LABEL =
  /\b(?:transferred|total\s+size|backup\s+size|data\s+size|size|processed|data\s+read|read|written|uploaded|sent|backed\s+up|added|copied|total)\b[^\n\d]{0,16}?(\d[\d.,]*(?:\s\d{3})*\s*(?:[kmgtp]i?b|bytes?)\b)/i;
const DURATION_UNIT = String.raw`\d+(?:[.,]\d+)?\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b`;
const DURATION_LABEL = new RegExp(
  String.raw`\b(?:duration|elapsed(?:\s+time)?|run\s*time|time\s+taken|took|total\s+time)\b\s*(?:was\s+)?[:=]?\s*` +
    String.raw`(\d+(?:[.:]\d+)?:\d{1,2}(?::\d{1,2})?(?:[.,]\d+)?|${DURATION_UNIT}(?:[\s,]*(?:and\s+)?${DURATION_UNIT})*)`,
  'i',
);

/** Bytes and duration from the usual phrasings (`Transferred: 12.3 GB`, `took 5 minutes`). */
export function figures(mail: Pick<ParsedEmail, 'subject' | 'text'>): { bytes: number | null; durationMs: number | null } {
  const text = `${mail.subject}\n${mail.text.length > MAX_SCAN ? mail.text.slice(0, MAX_SCAN) : mail.text}`;
  const size = SIZE_LABEL.exec(text);
  const took = DURATION_LABEL.exec(text);
  return { bytes: size ? parseSize(size[1]!.replace(/\s(?=\d{3}\b)/g, '')) : null, durationMs: took ? parseDuration(took[1]!) : null };
}

/** The word's rule first, then the usual subject words, so the check's other runs read too. */
function statusRules(words: WordVerdict | null): StatusRule[] {
  if (!words) return GENERIC_STATUS_RULES;
  return [wordRule(words.word, words.field, words.status), ...GENERIC_STATUS_RULES];
}

function senderDevice(mail: ParsedEmail): string {
  const name = mail.fromName?.trim();
  // A display name that is a machine's (`NAS01`, `web-1 backup`) names it; a person's does not.
  if (name && looksLikeHost(name.split(/\s+/)[0]!)) return name.split(/\s+/)[0]!;
  return senderHost(mail);
}

/** What a mail no template recognised says of itself, or null when it says nothing a check could use. */
export function suggest(mail: ParsedEmail): Suggestion | null {
  if (isReplyOrForward(mail) || BULK_MAIL.test(mail.text.slice(0, MAX_SCAN))) return null;
  const names = namesFromSubject(mail.subject);
  const words = statusByWords(mail);
  const { bytes, durationMs } = figures(mail);
  // A body word alone, under a subject that names no job, is prose, not a report.
  const status = words && (words.field === 'subject' || names !== null || bytes !== null || durationMs !== null) ? words : null;
  if (!status && !names && bytes === null && durationMs === null) return null;
  const device = names?.device || senderDevice(mail);
  const check = names?.check || jobName(withoutTag(mail.subject)) || 'E-mail report';
  return {
    device,
    check,
    status: status?.status ?? null,
    why: status ? { word: status.word, field: status.field } : null,
    bytes,
    durationMs,
    names: names ? 'subject' : 'sender',
    rules: draftRules(mail, statusRules(status)),
  };
}
