// Hornetsecurity VM Backup (formerly Altaro VM Backup): backup and offsite copy notifications for
// Hyper-V and VMware guests. One job per virtual machine and operation (backup, offsite copy).
// Two layouts, both RECONSTRUCTED (no published rendered mail was found; see the corpus manifest):
//   result mail  one block per VM in the wording of the product's own "Altaro VM Backup" event log
//                entries: a `Backup Result: …` or `Offsite Copy Result: …` line, `Guest VM Name: …`,
//                and an error text ending in its ALTERR code, e.g. `(ALTERR_…)` (event IDs 5000 success,
//                5002 failure; read that way by public monitoring scripts such as the Zabbix
//                Get-AltaroBackupStatus.ps1 and an Altaro MCP server that match "Backup Result",
//                "Offsite Copy Result", "Guest VM Name:" and "(ALTERR_…)"), plus Host, Start Time,
//                End Time, Duration, Transferred
//   report mail  an HTML table, one row per VM and operation, header naming the columns
//                (VM Name, Host, Operation, Result, Start Time, Duration, Transferred, Details)
// Sizes are 1024-based (Windows). Times are the host's local time with no zone; day-first dates
// above the 12th are recognised whatever the locale.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { cells, durationOf, isReplyOrForward, job, keywords, labelledFields, lines, mentions, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime } from './units.js';

const PRODUCT = /\b(Altaro|Hornetsecurity) VM Backup\b/i;
const PRODUCT_WORDS = keywords('altaro vm backup', 'hornetsecurity vm backup');
const RESULT_LABEL = /^(backup|offsite copy|verification|restore test|sandbox restore) result$/;

const STATUS: Record<string, JobStatus> = {
  successful: 'succeeded',
  success: 'succeeded',
  succeeded: 'succeeded',
  completed: 'succeeded',
  'completed with warnings': 'warning',
  warning: 'warning',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  aborted: 'cancelled',
  skipped: 'skipped',
  'in progress': 'running',
};

interface Entry {
  vm: string;
  operation: string;
  rawStatus: string;
  start: string | null;
  end: string | null;
  duration: string | null;
  size: string | null;
  detail: string | null;
}

/** Result mail: blank-line separated blocks, each with a `… Result:` label and the guest's name. */
function resultBlocks(text: string): Entry[] {
  const out: Entry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const kv = labelledFields(block);
    const label = [...kv.keys()].find((k) => RESULT_LABEL.test(k));
    const vm = kv.get('guest vm name') ?? kv.get('vm name');
    if (!label || !vm) continue;
    out.push({
      vm,
      operation: label.replace(/ result$/, ''),
      rawStatus: kv.get(label)!,
      start: kv.get('start time') ?? null,
      end: kv.get('end time') ?? null,
      duration: kv.get('duration') ?? null,
      size: kv.get('transferred') ?? kv.get('transferred size') ?? kv.get('backup size') ?? null,
      detail: kv.get('error') ?? kv.get('details') ?? kv.get('warning') ?? null,
    });
  }
  return out;
}

/** Report mail: a table whose header names a VM column and a result column. */
function tableRows(all: string[]): Entry[] {
  const at = all.findIndex((l) => /\t/.test(l) && /^(vm name|virtual machine|vm)\t/i.test(l.trim()) && /\t(result|status)\b/i.test(l));
  if (at < 0) return [];
  const header = cells(all[at]!).map((h) => h.toLowerCase());
  const col = (re: RegExp) => header.findIndex((h) => re.test(h));
  const [iOp, iResult, iStart, iEnd, iDur, iSize, iDetail] = [
    col(/^operation|^type$/),
    col(/^(result|status)$/),
    col(/^start/),
    col(/^end/),
    col(/^duration/),
    col(/^(transferred|size|backup size)/),
    col(/^(details|error|message)/),
  ];
  const cell = (c: string[], i: number) => (i >= 0 && c[i] ? c[i]! : null);
  const rows: Entry[] = [];
  for (const line of all.slice(at + 1)) {
    const c = cells(line);
    if (!line.includes('\t') || !c[0] || !cell(c, iResult)) break;
    rows.push({
      vm: c[0],
      operation: (cell(c, iOp) ?? 'backup').toLowerCase(),
      rawStatus: cell(c, iResult)!,
      start: cell(c, iStart),
      end: cell(c, iEnd),
      duration: cell(c, iDur),
      size: cell(c, iSize),
      detail: cell(c, iDetail),
    });
  }
  return rows;
}

function entries(mail: ParsedEmail): Entry[] {
  const rows = tableRows(lines(mail.text));
  return rows.length > 0 ? rows : resultBlocks(mail.text);
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!mentions(mail, PRODUCT_WORDS) || !PRODUCT.test(`${mail.fromName ?? ''} ${mail.subject}\n${mail.text}`)) return false;
  return entries(mail).length > 0;
}

// Offsite copies send the onsite backup elsewhere; sandbox restores and the Backup Health Monitor
// test existing backups.
function kindOf(operation: string): CheckKind {
  if (/replicat/.test(operation)) return 'replication';
  if (/offsite|copy/.test(operation)) return 'copy';
  if (/verif|test|sandbox|health/.test(operation)) return 'verification';
  return 'backup';
}

function toJob(e: Entry): TemplateJob {
  const unread: string[] = [];
  const known = STATUS[e.rawStatus.trim().toLowerCase()];
  if (!known) unread.push(`status: "${e.rawStatus}"`);
  // A result word we do not know is never taken for success.
  const status: JobStatus = known ?? 'failed';
  const startedAt = readTime(e.start, 'start time', unread);
  const ownDuration = parseDuration(e.duration);
  let endedAt = readTime(e.end, 'end time', unread);
  // The report table has no end time: the start plus the product's own duration gives it.
  if (endedAt === null && !e.end && startedAt !== null && ownDuration !== null) endedAt = startedAt + ownDuration;
  const bytes = parseSize(e.size, { siLetters: 'binary' });
  if (e.size && bytes === null) unread.push(`size: "${e.size}"`);
  else if (!e.size && status === 'succeeded') unread.push('size');
  const operation = e.operation.replace(/\b\w/g, (ch) => ch.toUpperCase());
  return job({
    device: e.vm,
    check: operation,
    kind: kindOf(e.operation),
    status,
    rawStatus: e.rawStatus,
    startedAt,
    endedAt,
    durationMs: durationOf(ownDuration, startedAt, endedAt),
    bytes,
    message: message([e.detail]),
    ...(unread.length ? { unread } : {}),
  });
}

function readTime(text: string | null, name: string, unread: string[]): number | null {
  if (!text || /^(n\/a|-+)$/i.test(text.trim())) return null;
  const at = parseTime(text);
  if (at === null) unread.push(`${name}: "${text}"`);
  return at;
}

function parse(mail: ParsedEmail): TemplateJob[] {
  return entries(mail).map(toJob);
}

export const altaro: EmailTemplate = {
  id: 'altaro',
  product: 'Hornetsecurity VM Backup (Altaro)',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '(Backup|Offsite Copy) Result:?\\s+Failed|\\(ALTERR_', status: 'failed' },
    { field: 'subject', op: 'regex', value: '(Backup|Offsite Copy) Failed', status: 'failed' },
    { field: 'body', op: 'regex', value: '(Backup|Offsite Copy) Result:?\\s+Successful', status: 'succeeded' },
  ],
};
