// Acronis Cyber Protect Cloud (and the Acronis Backup Cloud it grew from) backup notifications,
// sent from noreply-abc@cloud.acronis.com or a partner's own branded sender.
// Layout, from real mails quoted in two public projects' tests:
//   github:Gecko-IT-Services/gecko-intranet tests/backups-board.mjs (subjects and Graph body previews)
//   github:redstonejh/IT-Alert-Monitor tests/test_acronis_parser.py (subjects and body text)
//   subject  `BACKUP SUCCEEDED|BACKUP SUCCEEDED WITH WARNINGS|BACKUP FAILED` then bracketed parts
//            `(group: <tenant path>)(backup account: <login>)(machine: <name>)(plan: <plan>)`;
//            cloud-to-cloud plans name `(resource: <M365 organisation, site or mailbox>)` instead
//            of a machine. Plan names may themselves hold brackets: `Bobs Backup (14/04/26)`.
//   body     `Manage data protection`, the headline (`Backup failed`), the workload name, the
//            reason on the next line, `Show details`, then label/value pairs (`Plan name`, `Group`,
//            `Account`) on separate lines.
// One mail reports one workload, so one job. The mails carry no size, no duration and no clock
// time (the Date header is when the alert was raised, not when the backup ran), so none is read.
// The daily status report (`DAILY STATUS REPORT ON …`) lists alerts, not backups, and is left to rules.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';

const SUBJECT = /^\s*BACKUP ([A-Z][A-Z ]*?)\s*(\((?:group|backup account|machine|resource|plan):.*)$/i;
// One level of nested brackets, as plan names use.
const PART = /\((group|backup account|machine|resource|plan): ((?:[^()]|\([^()]*\))*)\)/gi;
const HEADLINE = /^Backup (succeeded with warnings|succeeded|failed|did not start|was canceled|canceled|cancelled|missed)\b/i;
const LABELS = new Set(['plan name', 'group', 'account', 'device', 'where to back up', 'show details', 'view in web console', 'manage data protection']);

const STATUS: Array<[RegExp, JobStatus]> = [
  [/^succeeded with warnings$/i, 'warning'],
  [/^succeeded$/i, 'succeeded'],
  [/^failed$/i, 'failed'],
  [/^(canceled|cancelled|was canceled)$/i, 'cancelled'],
  [/^(did not start|missed)$/i, 'skipped'],
];

interface Subject {
  word: string;
  parts: Map<string, string>;
}

function readSubject(subject: string): Subject | null {
  const m = SUBJECT.exec(subject);
  if (!m) return null;
  const parts = new Map<string, string>();
  for (const p of m[2]!.matchAll(PART)) parts.set(p[1]!.toLowerCase(), p[2]!.trim());
  return parts.size > 0 ? { word: m[1]!.trim(), parts } : null;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  const s = readSubject(mail.subject);
  if (!s || !(s.parts.has('machine') || s.parts.has('resource') || s.parts.has('plan'))) return false;
  // The body repeats the verdict as its headline; a subject alone could be someone's own mail.
  return lines(mail.text).some((l) => HEADLINE.test(l.trim()));
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const s = readSubject(mail.subject);
  if (!s) return [];
  const body = bodyFields(lines(mail.text));
  const unread: string[] = [];
  const device = s.parts.get('machine') ?? s.parts.get('resource') ?? body.below[0];
  // The line under the headline names the workload again; what follows it is the reason.
  const reason = body.below[0] !== undefined && body.below[0].toLowerCase() === device?.toLowerCase() ? body.below.slice(1) : body.below;
  const plan = s.parts.get('plan') ?? body.labels.get('plan name');
  if (!device) unread.push('workload');
  if (!plan) unread.push('plan');
  const found = STATUS.find(([re]) => re.test(s.word));
  // A verdict word this template does not know is never read as success.
  if (!found) unread.push(`status: "${s.word}"`);
  const status = found?.[1] ?? 'warning';
  const kind: CheckKind = s.parts.has('resource') ? 'saas_backup' : 'backup';
  return [
    job({
      device: device ?? s.parts.get('group') ?? 'unknown',
      check: plan ?? 'Acronis backup',
      kind,
      status,
      rawStatus: `Backup ${s.word.toLowerCase()}`,
      message: status === 'succeeded' ? null : message(reason),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

interface BodyFields {
  /** Lines under the headline up to the first label: the workload name, then the reason. */
  below: string[];
  labels: Map<string, string>;
}

/** The lines under the headline, and the label/value pairs that follow them. */
function bodyFields(all: string[]): BodyFields {
  const text = all.map((l) => l.trim()).filter((l) => l !== '');
  const labels = new Map<string, string>();
  for (let i = 0; i < text.length - 1; i++) {
    const key = text[i]!.toLowerCase();
    if (LABELS.has(key) && !LABELS.has(text[i + 1]!.toLowerCase())) labels.set(key, text[i + 1]!);
  }
  const at = text.findIndex((l) => HEADLINE.test(l));
  if (at < 0) return { below: [], labels };
  const after: string[] = [];
  for (const l of text.slice(at + 1)) {
    if (LABELS.has(l.toLowerCase())) break;
    after.push(l);
  }
  return { below: after, labels };
}

export const acronis: EmailTemplate = {
  id: 'acronis',
  product: 'Acronis Cyber Protect Cloud',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: '^BACKUP FAILED', status: 'failed' },
    { field: 'subject', op: 'regex', value: '^BACKUP SUCCEEDED WITH WARNINGS', status: 'warning' },
    { field: 'subject', op: 'regex', value: '^BACKUP SUCCEEDED', status: 'succeeded' },
  ],
};
