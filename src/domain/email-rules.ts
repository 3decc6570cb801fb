// A check's e-mail rules: which messages belong to it (matching) and what status each one reports
// (status rules, evaluated failure → warning → success). User regexes run on RE2 (re2js): linear
// time whatever the pattern, so a catastrophic pattern cannot stall ingestion, and a pattern RE2
// cannot run (backreferences, lookaround) is refused when the rules are saved.
import { RE2JS } from 're2js';
import { type FieldProblem, ValidationError } from './errors.js';
import { mayContain, requiredLiteral } from './regex-literal.js';

export const MATCH_FIELDS = ['from', 'to', 'subject'] as const;
export const STATUS_FIELDS = ['subject', 'body'] as const;
export const RULE_OPS = ['contains', 'equals', 'regex'] as const;
export const RULE_STATUSES = ['failed', 'warning', 'succeeded'] as const;
export const DEFAULT_STATUSES = ['failed', 'succeeded', 'ignore'] as const;

export type RuleOp = (typeof RULE_OPS)[number];
export type RuleStatus = (typeof RULE_STATUSES)[number];
export type DefaultStatus = (typeof DEFAULT_STATUSES)[number];

export interface MatchRule {
  field: (typeof MATCH_FIELDS)[number];
  op: RuleOp;
  value: string;
}

export interface StatusRule {
  field: (typeof STATUS_FIELDS)[number];
  /** Look only at the value of this `Name: value` line of the body (e.g. `Status`). */
  name?: string | null;
  op: RuleOp;
  value: string;
  status: RuleStatus;
}

export interface EmailRules {
  match: MatchRule[];
  status: StatusRule[];
  /** When status rules exist and none matches. */
  default_status: DefaultStatus;
}

export type EmailRulesInput = Partial<EmailRules>;

/** Fills what a user left out: no match rules, no status rules, default `failed`. */
export function normaliseRules(input: EmailRulesInput): EmailRules {
  return { match: input.match ?? [], status: input.status ?? [], default_status: input.default_status ?? 'failed' };
}

/** The parts of a message rules look at. */
export interface MailView {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
}

/** Rules only read the first megabyte of a body: enough for any status mail, bounded work. */
export const MAX_RULE_TEXT = 1024 * 1024;
const ORDER: readonly RuleStatus[] = ['failed', 'warning', 'succeeded'];

type Test = (value: string) => boolean;

interface Compiled<R> {
  rule: R;
  test: Test;
}

export interface CompiledRules {
  rules: EmailRules;
  match: Compiled<MatchRule>[];
  status: Compiled<StatusRule>[];
}

function compileTest(op: RuleOp, value: string, field: string, problems: FieldProblem[]): Test {
  if (op === 'regex') {
    try {
      const re = RE2JS.compile(value, RE2JS.CASE_INSENSITIVE);
      // A substring test first: most messages lack the pattern's fixed text, and RE2 is slow.
      const literal = requiredLiteral(value);
      if (literal !== null) return (s) => mayContain(s, literal) && re.matcher(s).find();
      return (s) => re.matcher(s).find();
    } catch (err) {
      problems.push({ field, message: `not a usable regular expression (RE2 syntax): ${(err as Error).message}` });
      return () => false;
    }
  }
  const needle = value.toLowerCase();
  if (op === 'equals') return (s) => s.trim().toLowerCase() === needle.trim();
  return (s) => s.toLowerCase().includes(needle);
}

/** Validates and compiles; a bad rule is a ValidationError naming it (`email.match[1].value`). */
export function compileRules(rules: EmailRules, path = 'email'): CompiledRules {
  const problems: FieldProblem[] = [];
  const match = rules.match.map((rule, i) => {
    if (rule.value === '') problems.push({ field: `${path}.match[${i}].value`, message: 'must not be empty' });
    return { rule, test: compileTest(rule.op, rule.value, `${path}.match[${i}].value`, problems) };
  });
  const status = rules.status.map((rule, i) => {
    if (rule.value === '' && rule.op !== 'equals') problems.push({ field: `${path}.status[${i}].value`, message: 'must not be empty' });
    if (rule.name && rule.field !== 'body') problems.push({ field: `${path}.status[${i}].name`, message: 'named fields are read from the body' });
    return { rule, test: compileTest(rule.op, rule.value, `${path}.status[${i}].value`, problems) };
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return { rules, match, status };
}

/** Rules as stored (JSON text), compiled; null when the check has none or they no longer compile. */
export function parseStoredRules(json: string | null): CompiledRules | null {
  if (json === null) return null;
  try {
    return compileRules(normaliseRules(JSON.parse(json) as EmailRulesInput));
  } catch {
    return null;
  }
}

/** True when the check has matching rules and the message meets every one of them. */
export function matchesCheck(compiled: CompiledRules, mail: MailView): boolean {
  if (compiled.match.length === 0) return false;
  return compiled.match.every(({ rule, test }) => {
    if (rule.field === 'from') return test(mail.from);
    if (rule.field === 'to') return mail.to.some(test);
    return test(mail.subject);
  });
}

/** The value of a `Name: value` (or `Name = value`) line of the body, if there is one. */
export function namedField(text: string, name: string): string | null {
  const want = name.trim().toLowerCase();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t.length <= want.length || t.slice(0, want.length).toLowerCase() !== want) continue;
    const rest = t.slice(want.length).trimStart();
    if (rest.startsWith(':') || rest.startsWith('=')) return rest.slice(1).trim();
  }
  return null;
}

export interface StatusVerdict {
  status: RuleStatus;
  /** Which rule decided, for the job's raw status. */
  rule: string;
}

function describe(r: StatusRule): string {
  return `${r.field}${r.name ? `[${r.name}]` : ''} ${r.op} "${r.value}"`;
}

/** The first status whose rules match, in the order failed, warning, succeeded; null if none. */
export function statusByRules(compiled: CompiledRules, mail: MailView): StatusVerdict | null {
  const body = mail.text.length > MAX_RULE_TEXT ? mail.text.slice(0, MAX_RULE_TEXT) : mail.text;
  for (const status of ORDER) {
    for (const { rule, test } of compiled.status) {
      if (rule.status !== status) continue;
      let subject: string | null = rule.field === 'subject' ? mail.subject : body;
      if (rule.name) subject = namedField(body, rule.name);
      if (subject !== null && test(subject)) return { status, rule: describe(rule) };
    }
  }
  return null;
}

// Built-in status words: what a mail says of itself when no rule or template decides.
// Whole words, any case; within one part failure beats warning beats success. A word after
// `no`, `zero`, `0`, `without`, `not` or `non`, or followed by `: 0` (`Errors: 0`), is negated and
// does not count, except a success word after `not` (`not successful`), which counts as failure.

export interface WordVerdict {
  status: RuleStatus;
  /** The word as the mail spells it (`Failed`). */
  word: string;
  field: (typeof STATUS_FIELDS)[number];
}

const WORDS: ReadonlyArray<[RegExp, RuleStatus]> = [
  [/^(?:failed|failures?|errors?|unsuccessful)$/i, 'failed'],
  [/^(?:warnings?|partial|partially)$/i, 'warning'],
  [/^(?:success|successful|successfully|succeeded|completed\s+successfully|ok)$/i, 'succeeded'],
];
const ANY_WORD =
  /\b(?:failed|failures?|errors?|unsuccessful|warnings?|partial(?:ly)?|completed\s+successfully|success(?:ful|fully)?|succeeded|ok)\b/gi;
const NEGATION_BEFORE = /(?:\b(?:no|zero|without|not|non)|(?:^|[^\w.,])0)[\s-]*$/i;
const NOT_BEFORE = /\bnot\s+$/i;
const ZERO_AFTER = /^\s*[:=]?\s*0(?![\w]|[.,]\d)/;

function wordIn(text: string): { status: RuleStatus; word: string } | null {
  let best: { status: RuleStatus; word: string } | null = null;
  for (const m of text.matchAll(ANY_WORD)) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    let status = WORDS.find(([re]) => re.test(m[0]))![1];
    if (NEGATION_BEFORE.test(before) || ZERO_AFTER.test(after)) {
      if (status !== 'succeeded' || !NOT_BEFORE.test(before)) continue;
      status = 'failed';
    }
    if (best === null || ORDER.indexOf(status) < ORDER.indexOf(best.status)) best = { status, word: m[0] };
    if (status === 'failed') break;
  }
  return best;
}

/** The status a mail's built-in words give: the subject's if it has any, else the body's; null if neither. */
export function statusByWords(mail: Pick<MailView, 'subject' | 'text'>): WordVerdict | null {
  const subject = wordIn(mail.subject);
  if (subject) return { ...subject, field: 'subject' };
  const body = wordIn(mail.text.length > MAX_RULE_TEXT ? mail.text.slice(0, MAX_RULE_TEXT) : mail.text);
  return body ? { ...body, field: 'body' } : null;
}
