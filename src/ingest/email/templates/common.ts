// Small pieces every template shares: reply/forward rejection, line access, job defaults.
import type { JobStatus } from '../../../domain/job.js';
import type { ParsedEmail, TemplateJob } from './types.js';

// Re:, Fwd:, FW: and their common translations (AW/WG German, TR French, SV/VS Nordic, RV Spanish).
const REPLY_PREFIX = /^\s*(re|fw|fwd|aw|wg|tr|sv|vs|rv|antw|doorst)\s*(\[\d+\])?\s*:/i;
// `---------- Forwarded message ---------` and its translations; Apple Mail's; a quoted line.
const FORWARD_RULE = /^-{2,}\s*(forwarded message|original message|weitergeleitete nachricht|ursprüngliche nachricht|message transféré|message d'origine)\s*-{2,}$/im;
const FORWARD_BEGIN = /^begin forwarded message:$/im;
const QUOTED_LINE = /^>\s*\S/m;

/**
 * True for a reply or a forward. Templates read only mails the product itself sent: a person's
 * reply quoting a failure, or a forwarded copy of someone else's report, must not record a job.
 */
export function isReplyOrForward(mail: ParsedEmail): boolean {
  // Every template asks this of the same message: the body scan runs once per message, each
  // marker's regular expression only when the body holds the characters it cannot match without.
  let answer = replyMemo.get(mail);
  if (answer === undefined) {
    const t = mail.text;
    answer = REPLY_PREFIX.test(mail.subject) || (t.includes('--') && FORWARD_RULE.test(t)) || FORWARD_BEGIN.test(t) || (t.includes('>') && QUOTED_LINE.test(t));
    replyMemo.set(mail, answer);
  }
  return answer;
}

const replyMemo = new WeakMap<ParsedEmail, boolean>();

/**
 * Words a template needs in a mail before its own tests are worth running, registered once at load
 * (see mentions()). Given in lower case; the search ignores case.
 */
export interface Keywords {
  readonly words: readonly string[];
}

const registered: string[] = [];
let scanner: RegExp | null = null;
/** Bumped by every registration: a message searched before a new keyword is searched again. */
let registryVersion = 0;

export function keywords(...words: string[]): Keywords {
  for (const w of words) {
    if (w !== w.toLowerCase() || w === '') throw new Error(`keyword "${w}" must be non-empty and lower case`);
    if (!registered.includes(w)) registered.push(w);
  }
  scanner = null;
  registryVersion++;
  return { words };
}

/**
 * True when the sender's name or address, the subject or the text body contains one of the
 * keywords, ignoring case. Every message runs every template's detect(), and on a 20 kB body that
 * is not the product's, each template's own first test (an `i`-flagged alternation with `\b`, a
 * multi-line `^\s*`) cost 5–15 µs; so the mail is searched once for every template's keywords
 * together (one regular expression over the lower-cased text, ~30 µs), and each template asks the
 * answer. It must only ever be a necessary condition of the template's own test, never a
 * sufficient one.
 */
export function mentions(mail: ParsedEmail, keys: Keywords): boolean {
  const found = foundKeywords(mail);
  if (found.size === 0) return false;
  // At one place the longest keyword is reported: a shorter one that starts it was there too.
  return keys.words.some((w) => found.has(w) || [...found].some((f) => f.startsWith(w)));
}

function foundKeywords(mail: ParsedEmail): Set<string> {
  const memo = foundMemo.get(mail);
  if (memo !== undefined && memo.version === registryVersion) return memo.found;
  if (scanner === null) {
    const longestFirst = [...registered].sort((a, b) => b.length - a.length);
    scanner = new RegExp(longestFirst.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }
  const haystack = `${mail.fromName ?? ''} ${mail.from} ${mail.subject}\n${mail.text}`.toLowerCase();
  const found = new Set<string>();
  scanner.lastIndex = 0;
  for (let m = scanner.exec(haystack); m !== null; m = scanner.exec(haystack)) {
    found.add(m[0]);
    // Keywords may overlap (`msp backup manager`): go on from the next character, not the match's end.
    scanner.lastIndex = m.index + 1;
  }
  foundMemo.set(mail, { version: registryVersion, found });
  return found;
}

const foundMemo = new WeakMap<ParsedEmail, { version: number; found: Set<string> }>();

/** Body lines, tabs kept (HTML table cells), trailing white space and CRs removed. */
export function lines(text: string): string[] {
  // Templates ask in turn for the lines of the same body: split it once. The array is shared, so
  // callers must not change it.
  if (text !== linesMemo.text) linesMemo = { text, lines: text.split(/\r?\n/).map((l) => l.trimEnd()) };
  return linesMemo.lines;
}

let linesMemo: { text: string | null; lines: string[] } = { text: null, lines: [] };

/** Table cells of a line produced by the HTML converter: tab-separated, trimmed. */
export function cells(line: string): string[] {
  return line.split('\t').map((c) => c.trim());
}

export function job(fields: Pick<TemplateJob, 'device' | 'check' | 'kind' | 'status' | 'rawStatus'> & Partial<TemplateJob>): TemplateJob {
  return {
    startedAt: null,
    endedAt: null,
    durationMs: null,
    bytes: null,
    message: null,
    ...fields,
  };
}

/** Duration from the product's own figure, else from the two times when both are known. */
export function durationOf(own: number | null, startedAt: number | null, endedAt: number | null): number | null {
  if (own !== null) return own;
  return startedAt !== null && endedAt !== null && endedAt >= startedAt ? endedAt - startedAt : null;
}

/** The worst of several statuses, for a job summarised from its parts. */
export function worst(statuses: JobStatus[]): JobStatus {
  const order: JobStatus[] = ['failed', 'partial', 'cancelled', 'warning', 'running', 'skipped', 'succeeded'];
  for (const s of order) if (statuses.includes(s)) return s;
  return 'succeeded';
}

/** Joins non-empty message parts, trimmed to a length a job row can hold. */
export function message(parts: Array<string | null | undefined>, max = 2000): string | null {
  const text = parts
    .map((p) => p?.trim())
    .filter((p): p is string => !!p)
    .join('\n');
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const MACHINE_SENDERS = /^(root|cron|daemon|backup|backups|borg|borgmatic|restic|admin|administrator|nobody|noreply|no-reply)$/i;

/**
 * The machine a script's mail came from, for products whose output names none (restic, borg):
 * the host of a cron subject (`Cron <root@web01> /usr/local/bin/backup.sh`), else the first label
 * of the sender's domain when the sender is a system account (`root@web01.example.com` → `web01`),
 * else the sender address itself.
 */
export function senderHost(mail: ParsedEmail): string {
  const cron = /^Cron <[^@>]+@([^>]+)>/.exec(mail.subject);
  if (cron) return cron[1]!;
  const [local, domain] = mail.from.split('@');
  if (local && domain && MACHINE_SENDERS.test(local)) return domain.split('.')[0]!;
  return mail.from || 'unknown';
}

/**
 * A labelled value as reports print it: `Plan name: Files` in a text part, or a two-cell HTML
 * table row (`Plan name\tFiles`, the label sometimes with its own colon) → [lower-case label with
 * single spaces, value], else null. Rows with more cells are tables, not labels.
 */
export function labelled(line: string): [string, string] | null {
  const row = cells(line).filter((c) => c !== '');
  if (line.includes('\t')) {
    if (row.length !== 2 || !/^[A-Za-z][\w &()./-]{0,40}:?$/.test(row[0]!)) return null;
    return [row[0]!.replace(/:$/, '').trim().toLowerCase().replace(/\s+/g, ' '), row[1]!];
  }
  const m = /^\s*([A-Za-z][\w &()./-]{0,40}?)\s*:\s+(\S.*?)\s*$/.exec(line);
  return m ? [m[1]!.toLowerCase().replace(/\s+/g, ' '), m[2]!] : null;
}

/** Every labelled value of a body (see labelled), by label; the first of a repeated label wins. */
export function labelledFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(text)) {
    const kv = labelled(line);
    if (kv && !out.has(kv[0])) out.set(kv[0], kv[1]);
  }
  return out;
}
