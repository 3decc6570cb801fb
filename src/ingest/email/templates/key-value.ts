// Script reports made of `Key: value` lines, the format many home-made and MSP backup scripts
// mail (bash `mail -s … <<EOF`, PowerShell Send-MailMessage). One block per protected object,
// blocks separated by a blank line:
//   Hostname: web01 / Job: nightly-tar / Status: Success / Start: … / End: … / Size: 4.2 GB
// Sources: the `End date: $(date)` / `Hostname: $(hostname)` / `Status: Success!|Failed!!!` mail of
// the tape backup script in nixCraft's Linux Shell Scripting Tutorial v2.0, chapter 6
// (github:Meoop/exercise/linux_shell_scripting_tutorial_v2.0/chapter06/tapebackup1.sh). No rendered
// mail of such a script was found published, so the corpus samples are reconstructed.
// The loosest reader of all: it comes last, takes a mail only when its blocks are nothing but such
// pairs (a short greeting block aside) and name a status, and maps status words strictly — a word it does not know is
// a failure, never a success. Products that mail key-value reports of their own (Altaro, MSP360,
// Arcserve, Kopia) look the same to it, so the registry uses it as a fallback (keyValueFallback):
// it declines any mail another template recognises. Azure script reports (`Recent:`, `Replication Health:`) belong to
// the azure-kv template. Times: whatever parseTime reads (ISO, `2024-03-07 02:10:44`, …); a value
// it cannot read (`Thu Mar  7 02:10:44 UTC 2024`, the default of `date`) is listed as unread.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, keywords, mentions, message, senderHost } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const DEVICE = ['hostname', 'host', 'device', 'computer', 'computer name', 'server', 'server name', 'machine'];
const CHECK = ['job', 'job name', 'task', 'task name', 'check', 'backup job', 'backup name'];
const STATUS = ['status', 'result', 'outcome', 'backup status', 'backup result', 'job status', 'job result'];
const SIZE = ['size', 'backup size', 'total size', 'transferred', 'data transferred', 'bytes'];
const DURATION = ['duration', 'elapsed', 'elapsed time', 'run time', 'runtime'];
const START = ['start', 'start time', 'started', 'start date', 'begin', 'begin time'];
const END = ['end', 'end time', 'finished', 'end date', 'completed at'];
const DETAIL = ['error', 'errors', 'error message', 'message', 'details', 'warning', 'warnings'];
const KNOWN = new Set([...DEVICE, ...CHECK, ...STATUS, ...SIZE, ...DURATION, ...START, ...END, ...DETAIL]);

// Status words, trailing punctuation removed (`Success!`, `Failed!!!`).
const WORDS: Array<[RegExp, JobStatus]> = [
  [/^(success|successful|succeeded|ok|completed|complete|passed|done)$/i, 'succeeded'],
  [/^(warning|warnings|completed with warnings|success with warnings|succeeded with warnings|partial|partially completed)$/i, 'warning'],
  [/^(failed|failure|fail|error|errors|aborted)$/i, 'failed'],
  [/^(cancelled|canceled)$/i, 'cancelled'],
  [/^(skipped|not run)$/i, 'skipped'],
];
const AZURE = /^\s*(Recent:\s*(True|False)|Replication Health:|Failover Health:)/im;
const AZURE_WORDS = keywords('recent:', 'replication health:', 'failover health:');
const PAIR = /^\s*[A-Za-z][\w ()./-]*?\s*:\s*\S/;

function first(kv: Map<string, string>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = kv.get(k);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/**
 * A block is a report of one object when every line of it is a pair and it names a status. Products
 * with key-value mails of their own (Altaro, MSP360, Kopia, Arcserve) put a title or footer line
 * inside the block; a script prints the pairs alone, its greeting separated by a blank line.
 */
function isReport(block: string): boolean {
  const rows = block.split('\n').filter((l) => l.trim() !== '');
  const kv = keyValues(block);
  const known = [...kv.keys()].filter((k) => KNOWN.has(k)).length;
  const status = first(kv, STATUS);
  if (status === undefined || status.split(/\s+/).length > 4 || known < 2) return false;
  return rows.every((l) => PAIR.test(l));
}

/** The blocks between blank lines, one at a time: detect() stops at the first that says no. */
function* paragraphs(text: string): Generator<string> {
  const gap = /\n\s*\n/g;
  let from = 0;
  for (let m = gap.exec(text); m !== null; m = gap.exec(text)) {
    yield text.slice(from, m.index);
    from = m.index + m[0].length;
  }
  yield text.slice(from);
}

function reports(text: string): string[] {
  return [...paragraphs(text)].filter(isReport);
}

function detect(mail: ParsedEmail): boolean {
  if (!STATUS_LINE.test(mail.text) || isReplyOrForward(mail) || (mentions(mail, AZURE_WORDS) && AZURE.test(mail.text))) return false;
  // The reports must be the mail, not a pair of lines inside something longer: any block of more
  // than two lines that is not a report says no, before the rest is read (or split).
  let found = false;
  for (const block of paragraphs(mail.text)) {
    if (block.trim() === '') continue;
    if (isReport(block)) found = true;
    else if (block.trim().split('\n').length > 2) return false;
  }
  return found;
}

// Cheap test first (every message runs every template's detect()): a line naming a status.
const STATUS_LINE = new RegExp(`^\\s*(${STATUS.join('|')})\\s*:`, 'im');

export function keyValueStatus(word: string): JobStatus {
  const w = word.trim().replace(/[.!]+$/, '');
  return WORDS.find(([re]) => re.test(w))?.[1] ?? 'failed';
}

function parse(mail: ParsedEmail): TemplateJob[] {
  return reports(mail.text).map((block) => readBlock(keyValues(block), mail));
}

function readBlock(kv: Map<string, string>, mail: ParsedEmail): TemplateJob {
  const raw = first(kv, STATUS) ?? '';
  const status = keyValueStatus(raw);
  const unread: string[] = [];
  const read = <T>(keys: string[], label: string, fn: (v: string) => T | null): T | null => {
    const v = first(kv, keys);
    const value = v === undefined ? null : fn(v);
    if (v !== undefined && value === null) unread.push(`${label}: "${v}"`);
    return value;
  };
  const startedAt = read(START, 'start time', (v) => parseTime(v));
  const endedAt = read(END, 'end time', (v) => parseTime(v));
  const durationMs = durationOf(read(DURATION, 'duration', parseDuration), startedAt, endedAt);
  return job({
    device: first(kv, DEVICE) ?? senderHost(mail),
    check: first(kv, CHECK) ?? 'backup script',
    kind: 'backup',
    status,
    rawStatus: raw,
    startedAt,
    endedAt,
    durationMs,
    bytes: read(SIZE, 'size', (v) => parseSize(v)),
    message: status === 'succeeded' ? null : message(DETAIL.map((k) => kv.get(k))),
    ...(unread.length > 0 ? { unread } : {}),
  });
}

export const keyValue: EmailTemplate = {
  id: 'key-value',
  product: 'Script report (Key: value lines)',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '^(Backup |Job )?(Status|Result|Outcome):\\s*(Failed|Failure|Error)', status: 'failed' },
    { field: 'body', op: 'regex', value: '^(Backup |Job )?(Status|Result|Outcome):\\s*Warning', status: 'warning' },
    { field: 'body', op: 'regex', value: '^(Backup |Job )?(Status|Result|Outcome):\\s*(Success|OK|Completed)', status: 'succeeded' },
  ],
};

/**
 * The reader as the registry's last resort: it declines a mail any other template recognises, so a
 * product's own key-value mail is never also read as a script report. `templates` is read lazily
 * because the registry that lists this template is the one it consults.
 */
export function keyValueFallback(templates: () => EmailTemplate[]): EmailTemplate {
  const claimed = (mail: ParsedEmail) =>
    templates().some((t) => {
      if (t.id === keyValue.id) return false;
      try {
        return t.detect(mail);
      } catch {
        return false;
      }
    });
  return { ...keyValue, detect: (mail) => keyValue.detect(mail) && !claimed(mail) };
}
