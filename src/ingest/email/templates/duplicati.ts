// Duplicati 2 result reports (send-mail and send-http-url both carry the same %RESULT% text).
// Sources: default subject `Duplicati %OPERATIONNAME% report for %backup-name%` from
// duplicati/duplicati Duplicati/Library/Modules/Builtin/SendMail.cs; result text as captured in
// public code comments (test/fixtures/email/duplicati_http_report_*.txt, FORMATS.md §2); result
// words from the ParsedResultType enum (Success, Warning, Error, Fatal, Unknown).
// The report does not name the computer: the device is the backup's name (people name backups
// after what they protect); a check's own rules can still attach the mail elsewhere.
// Real bodies: HandyGuySoftware/dupReport#99 (2.0.3, success, US-order times, no epoch) and #147
// (2.0.5.1, `ParsedResult: Warning`, epochs, `*ActualLength` counters); mail clients and
// dupReport show the body without the title line, so the subject carries the backup's name.
// Times: `BeginTime: 2/16/2019 10:23:50 PM (1550384630)` — the epoch in brackets when present
// (Duplicati 2.0.4+), else the US-order local time read as UTC. Size: SizeOfExaminedFiles, bytes.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const TITLE = /^Duplicati (\w+) report for (.+?)\s*$/;
const RESULT_WORDS: Record<string, JobStatus> = { success: 'succeeded', warning: 'warning', error: 'failed', fatal: 'failed', unknown: 'warning' };

function title(mail: ParsedEmail): RegExpExecArray | null {
  const first = lines(mail.text).find((l) => l.trim() !== '');
  return TITLE.exec(mail.subject.trim()) ?? (first ? TITLE.exec(first.trim()) : null);
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail) || !title(mail)) return false;
  return /^ParsedResult: \w+/m.test(mail.text) || (/^Failed: /m.test(mail.text) && /^Details: /m.test(mail.text));
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const t = title(mail);
  if (!t) return [];
  const [, operation, backupName] = t;
  const kv = keyValues(mail.text);
  const failed = /^Failed: (.*)$/m.exec(mail.text)?.[1] ?? null;
  const raw = kv.get('parsedresult') ?? (failed !== null ? 'Failed' : null);
  if (raw === null) return [];
  let status = RESULT_WORDS[raw.toLowerCase()] ?? 'failed';
  if (kv.get('partialbackup')?.toLowerCase() === 'true' && status !== 'failed') status = 'partial';
  const startedAt = when(kv.get('begintime'));
  const endedAt = when(kv.get('endtime'));
  const sizeText = kv.get('sizeofexaminedfiles');
  const bytes = parseSize(sizeText);
  // A failed run (`Failed:`/`Details:`) prints no figures; only a result report lacking one is odd.
  const unread = raw === 'Failed' ? [] : [
    ...(sizeText === undefined ? ['size'] : bytes === null ? [`size: "${sizeText}"`] : []),
    ...(kv.has('endtime') && endedAt === null ? [`end time: "${kv.get('endtime')}"`] : []),
  ];
  return [
    job({
      device: backupName!,
      check: `Duplicati ${operation!.toLowerCase()}`,
      kind: 'backup',
      status,
      rawStatus: raw,
      startedAt,
      endedAt,
      durationMs: durationOf(parseDuration(kv.get('duration')), startedAt, endedAt),
      bytes,
      message: message([failed, ...listItems(mail.text, 'Errors'), ...listItems(mail.text, 'Warnings')]) ?? counts(kv, status),
      ...(unread.length > 0 ? { unread } : {}),
    }),
  ];
}

/**
 * Duplicati 2.0.5+ may list its warnings and errors only after a long `LimitedMessages` list that
 * mail clients and forwarders cut; the counters before it still say how many there were.
 */
function counts(kv: Map<string, string>, status: JobStatus): string | null {
  if (status === 'succeeded') return null;
  const parts = [
    ['errorsactuallength', 'errors'],
    ['warningsactuallength', 'warnings'],
  ].flatMap(([key, word]) => (Number(kv.get(key!) ?? 0) > 0 ? [`${kv.get(key!)} ${word}`] : []));
  return parts.length > 0 ? `${parts.join(', ')} (details not in the mail)` : null;
}

/** The epoch Duplicati appends in brackets is exact; the locale text before it is not. */
function when(value: string | undefined): number | null {
  const epoch = /\((\d{9,11})\)\s*$/.exec(value ?? '');
  return epoch ? Number(epoch[1]) * 1000 : parseTime(value);
}

/** Items of a `Key: [ a, b ]` list that may span lines. */
function listItems(text: string, key: string): string[] {
  const m = new RegExp(`^${key}: \\[([\\s\\S]*?)\\]\\s*$`, 'm').exec(text);
  if (!m) return [];
  return m[1]!
    .split(/,\s*\n|\n/)
    .map((s) => s.trim().replace(/,$/, ''))
    .filter(Boolean);
}

export const duplicati: EmailTemplate = {
  id: 'duplicati',
  product: 'Duplicati',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '^(ParsedResult: (Error|Fatal)|Failed: )', status: 'failed' },
    { field: 'body', op: 'contains', value: 'ParsedResult: Warning', status: 'warning' },
    { field: 'body', op: 'contains', value: 'ParsedResult: Success', status: 'succeeded' },
  ],
};
