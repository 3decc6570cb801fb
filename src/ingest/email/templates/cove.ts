// N-able Cove Data Protection (formerly SolarWinds Backup, N-able Backup, MSP Backup & Recovery):
// the Backup Manager's mails about one device. Two layouts, one job per data source either way:
//   status report  the daily/weekly "Backup Status" mail a device's Backup Manager sends (selected
//                  size, last session and its status, last successful session, LocalSpeedVault and
//                  cloud state; documentation.solarwindsmsp.com/remote-management/helpcontents/
//                  backup_status_notifications.htm): device labels, then a table with a header row
//                  `Data source | Last session | Status | Last successful session | Selected size | Errors`
//   session mail   labelled values for one session: Device, Data source, Session status, Start time,
//                  End time, Duration, Selected size, Processed size, Errors, Error message
// Both are RECONSTRUCTED from those field lists; no published rendered mail was found (see the
// corpus manifest). Status words are the session statuses of the Cove API (F00: InProcess, Failed,
// Aborted, Completed, Interrupted, NotStarted, CompletedWithErrors, InProgressWithFaults, OverQuota,
// NoSelection, Restarted), printed as one word or spaced ("Completed with errors").
// Sizes are the Backup Manager's 1024-based GB/MB; times are the device's local time, no zone.
import type { JobStatus } from '../../../domain/job.js';
import { cells, durationOf, isReplyOrForward, job, keywords, labelledFields, lines, mentions, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseNumber, parseSize, parseTime } from './units.js';

const PRODUCT = /\bCove\b|\bN-able\b|\bSolarWinds Backup\b|\bBackup Manager\b|\bBackup & Recovery\b|\bMSP Backup\b/i;
const PRODUCT_WORDS = keywords('cove', 'n-able', 'solarwinds backup', 'backup manager', 'backup & recovery', 'msp backup');

const STATUS: Record<string, JobStatus> = {
  completed: 'succeeded',
  // Some files of the selection were not backed up: the session is usable but incomplete.
  completedwitherrors: 'partial',
  failed: 'failed',
  aborted: 'cancelled',
  interrupted: 'failed',
  // NotStarted: the scheduled session never ran; OverQuota: the storage refused it.
  notstarted: 'failed',
  overquota: 'failed',
  noselection: 'skipped',
  inprocess: 'running',
  inprogress: 'running',
  restarted: 'running',
  // Still running, but errors have already happened: someone should look before it ends.
  inprogresswithfaults: 'warning',
};

interface Row {
  source: string;
  rawStatus: string;
  start: string | null;
  end: string | null;
  duration: string | null;
  size: string | null;
  errors: string | null;
  detail: string | null;
}

function statusKey(word: string): string {
  return word.toLowerCase().replace(/[^a-z]/g, '');
}

/** The status report's data source table: the header row names the columns, each row is a source. */
function tableRows(all: string[]): Row[] {
  const at = all.findIndex((l) => /^data source\t/i.test(l.trim()) && /\tstatus\b/i.test(l));
  if (at < 0) return [];
  const header = cells(all[at]!).map((c) => c.toLowerCase());
  const col = (name: RegExp) => header.findIndex((h) => name.test(h));
  const [iStatus, iLast, iSize, iErrors] = [col(/^(last session )?status$/), col(/^last session( time)?$/), col(/selected size/), col(/^errors$/)];
  const rows: Row[] = [];
  for (const line of all.slice(at + 1)) {
    const c = cells(line);
    if (!line.includes('\t') || c.length < header.length - 1 || iStatus < 0 || !c[iStatus]) break;
    rows.push({
      source: c[0]!,
      rawStatus: c[iStatus]!,
      start: iLast >= 0 ? (c[iLast] ?? null) : null,
      end: null,
      duration: null,
      size: iSize >= 0 ? (c[iSize] ?? null) : null,
      errors: iErrors >= 0 ? (c[iErrors] ?? null) : null,
      detail: null,
    });
  }
  return rows;
}

function sessionRow(kv: Map<string, string>): Row | null {
  const source = kv.get('data source');
  const rawStatus = kv.get('session status') ?? kv.get('status');
  if (!source || !rawStatus) return null;
  return {
    source,
    rawStatus,
    start: kv.get('start time') ?? null,
    end: kv.get('end time') ?? null,
    duration: kv.get('duration') ?? null,
    size: kv.get('processed size') ?? kv.get('selected size') ?? null,
    errors: kv.get('errors') ?? null,
    detail: kv.get('error message') ?? kv.get('last error') ?? null,
  };
}

function device(kv: Map<string, string>): string | null {
  return kv.get('device') ?? kv.get('device name') ?? kv.get('computer') ?? null;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!mentions(mail, PRODUCT_WORDS) || !PRODUCT.test(`${mail.fromName ?? ''} ${mail.subject}\n${mail.text}`)) return false;
  const kv = labelledFields(mail.text);
  if (!device(kv)) return false;
  return tableRows(lines(mail.text)).length > 0 || sessionRow(kv) !== null;
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const kv = labelledFields(mail.text);
  const name = device(kv);
  if (!name) return [];
  const table = tableRows(lines(mail.text));
  const session = sessionRow(kv);
  const rows = table.length > 0 ? table : session ? [session] : [];
  return rows.map((row) => toJob(name, row));
}

function toJob(deviceName: string, row: Row): TemplateJob {
  const unread: string[] = [];
  const known = STATUS[statusKey(row.rawStatus)];
  if (!known) unread.push(`status: "${row.rawStatus}"`);
  // A status word we do not know is never taken for success.
  const status: JobStatus = known ?? 'failed';
  const startedAt = readTime(row.start, 'start time', unread);
  const endedAt = readTime(row.end, 'end time', unread);
  const bytes = parseSize(row.size, { siLetters: 'binary' });
  if (row.size && bytes === null) unread.push(`size: "${row.size}"`);
  const errors = parseNumber(row.errors ?? '') ?? 0;
  return job({
    device: deviceName,
    check: row.source,
    kind: /microsoft 365|office 365|exchange online|onedrive|sharepoint/i.test(row.source) ? 'saas_backup' : 'backup',
    status,
    rawStatus: row.rawStatus,
    startedAt,
    endedAt,
    durationMs: durationOf(parseDuration(row.duration), startedAt, endedAt),
    bytes,
    message: message([row.detail, errors > 0 ? `${errors} error${errors === 1 ? '' : 's'} in the last session` : null]),
    ...(unread.length ? { unread } : {}),
  });
}

function readTime(text: string | null, name: string, unread: string[]): number | null {
  if (!text || /^(never|n\/a|-+)$/i.test(text.trim())) return null;
  const at = parseTime(text);
  if (at === null) unread.push(`${name}: "${text}"`);
  return at;
}

export const cove: EmailTemplate = {
  id: 'cove',
  product: 'N-able Cove Data Protection',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '\\b(Failed|Interrupted|Over ?quota|Not ?started)\\b', status: 'failed' },
    { field: 'body', op: 'regex', value: '\\bCompleted ?with ?errors\\b|\\bIn ?progress ?with ?faults\\b', status: 'warning' },
    { field: 'body', op: 'contains', value: 'Completed', status: 'succeeded' },
  ],
};
