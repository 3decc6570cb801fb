// From one unmatched message to a check that would catch its kind: the subject generalised (dates,
// times, numbers and status words vary from run to run) into a grouping pattern and a regex.
import type { EmailRules, StatusRule } from './email-rules.js';

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
    find: /\b(?:success(?:ful)?|succeeded|completed(?: with warnings)?|ok|failed|failure|fail|errors?|warnings?|partial(?:ly)?(?: success| failed)?)\b/iy,
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
