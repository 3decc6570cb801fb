// Proxmox VE vzdump backup notifications, both layouts.
// PVE 8.1+ (notification system): pve-manager templates/default/vzdump-{subject,body}.txt.hbs and
// vzdump-body.html.hbs (commit 14a22df3), data from PVE/VZDump.pm build_guest_table; the table is
// rendered by proxmox-rs proxmox-notify/src/renderer/plaintext.rs (columns `VMID Name Status Time
// Size Filename`, each padded to its widest cell + 4 spaces), Time by proxmox_time TimeSpan (`5m
// 12s`), Size by HumanByte binary (`12.341 GiB`, failed guests `0 B`), Filename `null` for failed
// guests; then `Total running time:`, `Total size:` and a `Logs` section of `<vmid>: ` log lines.
//   subject  `vzdump backup status (<fqdn>): backup successful|backup failed[: <err>]`
// Legacy (PVE up to 8.0, and 8.1+ in legacy-sendmail mode): PVE/VZDump.pm, sub sendmail:
//   subject  `vzdump backup status (<fqdn>) : backup successful|backup failed[: <err>|: multiple problems]`
//   sender   "vzdump backup tool" <email_from, default root>
//   text     sprintf "%-10s %-20s %-6s %10s %10s  %s" VMID NAME STATUS TIME SIZE FILENAME, state ok|err,
//            then "Detailed backup logs:" with lines "<vmid>: <time> INFO|WARN|ERROR: …"
//   html     the same table (status OK / FAILED with the error in the size cell), and a TOTAL row
// Sizes: format_size prints 1024-based KB/MB/GB/TB. TIME is the guest's backup duration.
// Times: the table has no clock times; start and end come from each guest's log lines
// ("Starting Backup of VM" / "Finished Backup of VM"), which PVE prints in the node's local time
// with no zone (read as UTC). Old logs print `Mar 04 01:00:02` without a year: the Date header's
// year is used.
import type { JobStatus } from '../../../domain/job.js';
import { cells, durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime } from './units.js';

const SUBJECT = /^vzdump backup status \(([^)]*)\)\s*:\s*(backup successful|backup failed)(?::\s*(.*))?$/i;
const HEADER = /^VMID\s+NAME\s+STATUS\s+TIME\s+SIZE\s+FILENAME\s*$/i;
const ROW = /^(\d+)\s+(\S+(?: \S+)*?)\s+(ok|err|OK|FAILED)\s+(\d+:\d{2}:\d{2})\s+(\S+)\s+(.*)$/;
// The HTML part leaves `<font color=red>FAILED` unclosed, so no tab follows FAILED once rendered.
const HTML_ROW = /^(\d+)\t(.+?)\t(OK|FAILED)\t?(\d+:\d{2}:\d{2})\t(.*)$/;
const LOG = /^(\d+): (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}) (INFO|WARN|ERROR): (.*)$/;

interface Row {
  vmid: string;
  name: string;
  state: string;
  time: string;
  size: string | null;
  detail: string | null;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!SUBJECT.test(mail.subject)) return false;
  return lines(mail.text).some((l) => HEADER.test(l) || /^VMID\tNAME\tSTATUS/i.test(l));
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const all = lines(mail.text);
  const logs = guestLogs(all, mail.date);
  return readRows(all).map((row) => {
    const log = logs.get(row.vmid);
    const unread: string[] = [];
    const status = statusOf(row.state, log?.warnings.length ?? 0, unread);
    const durationMs = parseDuration(row.time);
    if (durationMs === null) unread.push(`time: "${row.time}"`);
    const bytes = status === 'failed' ? null : parseSize(row.size, { siLetters: 'binary' });
    if (status !== 'failed' && bytes === null) unread.push(`size: "${row.size ?? ''}"`);
    const startedAt = log?.start ?? null;
    const endedAt = log?.end ?? (startedAt !== null && durationMs !== null ? startedAt + durationMs : null);
    return job({
      device: row.name,
      check: 'vzdump',
      kind: 'backup',
      status,
      rawStatus: row.state,
      startedAt,
      endedAt,
      durationMs: durationOf(durationMs, startedAt, endedAt),
      bytes,
      message: message([...(log?.errors ?? []), ...(log?.warnings ?? []), status === 'failed' ? row.detail : null]),
      ...(unread.length ? { unread } : {}),
    });
  });
}

/** `ok` (a warning when the guest log has WARN lines), `err`/`FAILED`; any other word is not success. */
function statusOf(state: string, warnings: number, unread: string[]): JobStatus {
  if (/^ok$/i.test(state)) return warnings ? 'warning' : 'succeeded';
  if (!/^(err|failed)$/i.test(state)) unread.push(`status: "${state}"`);
  return 'failed';
}

function readRows(all: string[]): Row[] {
  const rows: Row[] = [];
  for (const line of all) {
    if (/^(Detailed backup logs:|Logs)$/.test(line.trim())) break;
    const row = legacyRow(line) ?? notificationRow(line);
    if (row) rows.push(row);
  }
  return rows;
}

function legacyRow(line: string): Row | null {
  const m = ROW.exec(line.trim());
  if (m) return { vmid: m[1]!, name: m[2]!, state: m[3]!, time: m[4]!, size: m[5]!, detail: m[6] === '-' ? null : m[6]! };
  const h = HTML_ROW.exec(line.trim());
  if (!h) return null;
  const [size, file] = h[5]!.split('\t');
  const failed = h[3] === 'FAILED';
  return { vmid: h[1]!, name: h[2]!, state: h[3]!, time: h[4]!, size: failed ? null : (size ?? null), detail: failed ? (size ?? null) : (file ?? null) };
}

/**
 * A PVE 8.1+ row: six cells, tab-separated from the HTML part or padded with at least two spaces in
 * the text part (a name such as `VM 105`, given to guests without one, has single spaces).
 */
function notificationRow(line: string): Row | null {
  const c = line.includes('\t') ? cells(line) : line.trim().split(/ {2,}/);
  if (c.length !== 6 || !/^\d+$/.test(c[0]!) || !/^[a-z]+$/i.test(c[2]!) || /^Status$/i.test(c[2]!)) return null;
  const [vmid, name, state, time, size, file] = c as [string, string, string, string, string, string];
  return { vmid, name, state, time, size, detail: file === 'null' ? null : file };
}

interface GuestLog {
  start: number | null;
  end: number | null;
  errors: string[];
  warnings: string[];
}

function guestLogs(all: string[], mailDate: number | null): Map<string, GuestLog> {
  const out = new Map<string, GuestLog>();
  const year = new Date(mailDate ?? Date.UTC(1970, 0, 1)).getUTCFullYear();
  for (const line of all) {
    const m = LOG.exec(line);
    if (!m) continue;
    const [, vmid, stamp, level, text] = m;
    const log = out.get(vmid!) ?? { start: null, end: null, errors: [], warnings: [] };
    out.set(vmid!, log);
    const at = /^\d{4}/.test(stamp!) ? parseTime(stamp) : parseTime(stamp!.replace(/^(\w{3}) +(\d+)/, `$2 $1 ${year}`));
    if (/^Starting Backup of VM/i.test(text!)) log.start = at;
    if (/^Finished Backup of VM/i.test(text!)) log.end = at;
    if (level === 'ERROR') log.errors.push(text!);
    if (level === 'WARN') log.warnings.push(text!);
  }
  return out;
}

export const proxmoxVzdump: EmailTemplate = {
  id: 'proxmox-vzdump',
  product: 'Proxmox VE vzdump',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'contains', value: ': backup failed', status: 'failed' },
    { field: 'body', op: 'regex', value: '^\\d+: \\S+ \\S+ WARN:', status: 'warning' },
    { field: 'subject', op: 'contains', value: ': backup successful', status: 'succeeded' },
  ],
};
