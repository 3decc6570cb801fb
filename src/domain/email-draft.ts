// From one unmatched message to a check that would catch its kind: the subject generalised (dates,
// times, numbers and status words vary from run to run) into a grouping pattern and a regex.
import {
  compileRules,
  type EmailRules,
  type MailView,
  matchesCheck,
  namedField,
  type RuleStatus,
  type StatusRule,
  statusByRules,
  statusByWords,
} from './email-rules.js';

interface Token {
  name: string;
  find: RegExp;
  regex: string;
}

// Order matters: dates and times before bare numbers, so `2026-11-20` is one {date}.
const TOKENS: Token[] = [
  { name: '{date}', find: /\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?\b/y, regex: '[0-9TZ:. -]+' },
  { name: '{date}', find: /\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b/y, regex: '[0-9./]+' },
  {
    name: '{date}',
    find: /\b(?:\d{1,2} )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{1,4}(?:,? \d{4})?\b/iy,
    regex: '[0-9A-Za-z., ]+',
  },
  { name: '{time}', find: /\b\d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?\b/iy, regex: '[0-9:APMapm. ]+' },
  {
    name: '{status}',
    // `completed successfully` and `successfully` whole, so a success run and a failed run of one
    // job share a pattern (`Backup of X completed successfully` / `Backup of X failed`).
    find: /\b(?:completed successfully|success(?:ful(?:ly)?)?|succeeded|completed(?: with warnings)?|ok|failed|failure|fail|errors?|warnings?|partial(?:ly)?(?: success| failed)?)\b/iy,
    regex: '[A-Za-z ]+',
  },
  { name: '{n}', find: /\d+(?:[.,]\d+)*/y, regex: '[0-9.,]+' },
];

interface Segment {
  literal?: string;
  token?: Token;
}

function segments(subject: string): Segment[] {
  const out: Segment[] = [];
  let literal = '';
  let i = 0;
  outer: while (i < subject.length) {
    for (const t of TOKENS) {
      t.find.lastIndex = i;
      const m = t.find.exec(subject);
      if (m && m[0].length > 0) {
        if (literal) out.push({ literal });
        literal = '';
        out.push({ token: t });
        i += m[0].length;
        continue outer;
      }
    }
    literal += subject[i];
    i++;
  }
  if (literal) out.push({ literal });
  return out;
}

/** `[Success] Daily (3 VMs) 2026-11-20` → `[{status}] Daily ({n} VMs) {date}`: groups the inbox. */
export function subjectPattern(subject: string): string {
  return segments(subject.trim().replace(/\s+/g, ' '))
    .map((s) => s.literal ?? s.token!.name)
    .join('');
}

const escapeRegex = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** An anchored regex (RE2 syntax) matching this subject and its siblings from other runs. */
export function subjectRegex(subject: string): string {
  const body = segments(subject.trim().replace(/\s+/g, ' '))
    .map((s) => (s.literal !== undefined ? escapeRegex(s.literal).replace(/ /g, '\\s+') : s.token!.regex))
    .join('');
  return `^\\s*${body}\\s*$`;
}

/** Status rules a message without a recognised product starts from: the usual words in the subject. */
export const GENERIC_STATUS_RULES: StatusRule[] = [
  { field: 'subject', op: 'regex', value: '\\b(fail|failed|failure|error|errors)\\b', status: 'failed' },
  { field: 'subject', op: 'regex', value: '\\bwarn(ing|ings)?\\b', status: 'warning' },
  { field: 'subject', op: 'regex', value: '\\b(success|successful|succeeded|completed|ok)\\b', status: 'succeeded' },
];

/** Rules for a new check made from this message: same sender, same kind of subject. */
export function draftRules(mail: { from: string; subject: string }, hints: StatusRule[] | null): EmailRules {
  const match: EmailRules['match'] = [];
  if (mail.from) match.push({ field: 'from', op: 'equals', value: mail.from });
  if (mail.subject.trim()) match.push({ field: 'subject', op: 'regex', value: subjectRegex(mail.subject) });
  return { match, status: hints && hints.length > 0 ? hints : GENERIC_STATUS_RULES, default_status: 'failed' };
}

/** A status rule that finds this word or phrase again, as whole words, where the mail had it. */
export function wordRule(word: string, field: 'subject' | 'body', status: RuleStatus): StatusRule {
  return { field, op: 'regex', value: `\\b${escapeRegex(word.trim()).replace(/\s+/g, '\\s+')}\\b`, status };
}

// Learning from a correction: the user says what status a message reports; we look for what in
// it says so (its status word, a `Status:` line, a subject word or body line the sender's other
// mails lack) and add the rules the sender's other stored mails need for their own statuses.

/** Body lines that name a result (`Status: Warning`), tried as distinguishing fields. */
const RESULT_FIELDS = ['Status', 'Result', 'State', 'Outcome', 'Job status', 'Backup status', 'Exit code', 'Return code'];
const STATUS_WORDISH = /\b(?:fail|failed|failure|error|errors|warn|warning|warnings|skipped|partial|success|successful|succeeded|ok|completed|aborted|cancel+ed|timeout|denied|missing|exit|exited|unreachable)\b/i;
const MAX_LINES = 300;

/** A sibling: another stored mail of the same sender, with the status its own words give. */
export interface SiblingMail extends MailView {
  status: RuleStatus | null;
}

function candidates(mail: MailView, siblings: readonly SiblingMail[], status: RuleStatus): StatusRule[] {
  const out: StatusRule[] = [];
  // The mail's status word, when it says what the user says; a word saying otherwise (`completed
  // successfully` on a mail the user calls a warning) is what every ordinary run says too.
  const words = statusByWords(mail);
  if (words?.status === status) out.push(wordRule(words.word, words.field, status));
  for (const name of RESULT_FIELDS) {
    const value = namedField(mail.text, name);
    if (value) out.push({ field: 'body', name, op: 'equals', value, status });
  }
  const others = siblings.map((s) => s.subject.toLowerCase());
  const subjectWords = [...new Set(mail.subject.match(/[A-Za-z][A-Za-z-]{2,}/g) ?? [])];
  // Words of the subject that some sibling lacks: status words first.
  subjectWords.sort((a, b) => Number(STATUS_WORDISH.test(b)) - Number(STATUS_WORDISH.test(a)));
  for (const w of subjectWords) if (others.some((o) => !new RegExp(`\\b${escapeRegex(w.toLowerCase())}\\b`).test(o))) out.push(wordRule(w, 'subject', status));
  const seen = new Set(siblings.flatMap((s) => s.text.split(/\r?\n/, MAX_LINES).map((l) => l.trim())));
  const lines = mail.text.split(/\r?\n/, MAX_LINES).map((l) => l.trim()).filter((l) => l.length >= 4 && l.length <= 120 && !seen.has(l));
  lines.sort((a, b) => Number(STATUS_WORDISH.test(b)) - Number(STATUS_WORDISH.test(a)));
  for (const l of lines) out.push({ field: 'body', op: 'contains', value: l, status });
  return out;
}

/** A test whether one rule holds for a mail; compiled once, tried on many mails. */
function holds(rule: StatusRule): (mail: MailView) => boolean {
  const compiled = compileRules({ match: [], status: [rule], default_status: 'failed' });
  return (mail) => statusByRules(compiled, mail) !== null;
}

/** Candidates tried at most: the best come first, and each is tried on every sibling. */
const MAX_CANDIDATES = 40;

/** The rule that says `status` for this mail: one that holds for it and for no sibling whose own
 * words say otherwise; failing that, any that holds; failing that, the exact subject. */
function distinguishing(mail: MailView, siblings: readonly SiblingMail[], status: RuleStatus): StatusRule {
  const all = candidates(mail, siblings, status)
    .slice(0, MAX_CANDIDATES)
    .map((rule) => ({ rule, test: holds(rule) }))
    .filter((c) => c.test(mail));
  const differing = siblings.filter((s) => s.status !== null && s.status !== status);
  const best = all.find((c) => !differing.some((s) => c.test(s))) ?? all[0];
  return best?.rule ?? { field: 'subject', op: 'equals', value: mail.subject, status };
}

/** Rules for a check that reports `status` for this mail: the sender and subject shape to match,
 * the distinguishing rule, and rules for the statuses the sender's other mails show by their words.
 * Whatever is added, the mail itself still gets `status` (a rule that would change it is left out).
 * Rules are tried before templates (checkVerdict), so they also correct a template's misreading. */
export function correctionRules(mail: MailView, status: RuleStatus, siblings: readonly SiblingMail[]): EmailRules {
  const base = draftRules(mail, null);
  const matcher = compileRules({ ...base, status: [] });
  const same = siblings.filter((s) => matchesCheck(matcher, s));
  const rules: StatusRule[] = [distinguishing(mail, same, status)];
  for (const s of same) {
    if (s.status === null || s.status === status) continue;
    const words = statusByWords(s);
    if (!words) continue;
    const rule = wordRule(words.word, words.field, s.status);
    if (rules.some((r) => r.value === rule.value && r.field === rule.field)) continue;
    const trial = compileRules({ match: [], status: [...rules, rule], default_status: 'failed' });
    if (statusByRules(trial, mail)?.status === status) rules.push(rule);
  }
  // The corrected status is the exception the user pointed at: a mail no rule decides keeps what
  // its template or words say, else counts as the other kind (a success mail's siblings as failures).
  return { match: base.match, status: rules, default_status: status === 'succeeded' ? 'failed' : 'succeeded' };
}
