// Windows Server Backup results forwarded by mail. WSB sends no mail itself: an event-triggered
// scheduled task or a PowerShell script mails the Microsoft-Windows-Backup event(s), or a backup
// script mails what `wbadmin start backup` printed. Three shapes:
//   PowerShell `Get-WinEvent … | Format-List`:  TimeCreated : … / ProviderName : Microsoft-Windows-Backup / Id : 4 / Message : …
//   Event Viewer "copy as text" / task mail:     Log Name: Microsoft-Windows-Backup / Date: … / Event ID: 4 / Computer: … / Description: …
//   wbadmin output:                              Summary of the backup operation: / The backup operation successfully completed. / …
// Sources: event messages from libyal/winevt-kb (MessageFile-blbevents.dll.md) and OTRF/OSSEM;
// a real event 5 as Event Viewer prints it in Microsoft KB 4512842 (MicrosoftDocs/SupportArticles-docs,
// support/system-center/dpm/bare-metal-recovery-backup-fails.md); the texts of events 4, 5, 7, 9,
// 19 and 49 as a Nagios check script by Ben Vincent collected them from servers (quoted in the
// public code index). Ids and meanings also in FORMATS.md §2.
// Status: 4, 14 success; 5, 9, 19, 49, 517, 518, 519, 521, 544, 546, 561, 564 failed; 7 ("has
// completed with errors") partial; 525, 547, 565 warning; 8 cancelled; 1 alone running. One job
// per computer: the worst outcome among its events.
// Times: event times print in the server's locale with no zone, read as UTC; the start is event 1's
// time, else the `started at '<time>'` (`attempted at` for event 19) in a failure message. Windows
// wraps the date parts of that time in left-to-right marks (U+200E), which are dropped first.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message, senderHost, worst } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseTime } from './units.js';

const EVENT_STATUS: Record<number, JobStatus> = {
  1: 'running',
  4: 'succeeded',
  14: 'succeeded',
  8: 'cancelled',
  7: 'partial',
  525: 'warning',
  547: 'warning',
  565: 'warning',
};
// Left-to-right and right-to-left marks Windows puts around the parts of dates in event texts.
const DIRECTION_MARKS = /[\u200e\u200f]/g;
const FAILURES = new Set([5, 9, 19, 49, 517, 518, 519, 521, 544, 546, 561, 564]);

interface WsbEvent {
  id: number;
  at: number | null;
  computer: string | null;
  message: string;
}

function detect(mail: ParsedEmail): boolean {
  // Cheap test first (every message runs every template's detect()): the event source, or wbadmin's lines.
  if (!mail.text.includes('Microsoft-Windows-Backup') && !mail.text.includes('Summary of the backup operation:') && !mail.text.includes('wbadmin ')) return false;
  if (isReplyOrForward(mail)) return false;
  if (/Microsoft-Windows-Backup/.test(mail.text) && readEvents(mail.text).some((e) => statusOf(e.id) !== null)) return true;
  return isWbadminOutput(mail.text);
}

function statusOf(id: number): JobStatus | null {
  return FAILURES.has(id) ? 'failed' : (EVENT_STATUS[id] ?? null);
}

/** Splits the body into event records at each `TimeCreated :` / `Log Name:` line. */
function readEvents(text: string): WsbEvent[] {
  const records = text.split(/\n(?=\s*(?:TimeCreated\s*:|Log Name:))/);
  const events: WsbEvent[] = [];
  for (const rec of records) {
    if (!/Microsoft-Windows-Backup/.test(rec)) continue;
    const field = (re: RegExp) => re.exec(rec)?.[1]?.replace(DIRECTION_MARKS, '').trim() ?? null;
    const id = Number(field(/^\s*(?:Id|Event ID)\s*:\s*(\d+)\s*$/m));
    if (!Number.isInteger(id) || id === 0) continue;
    events.push({
      id,
      at: parseTime(field(/^\s*(?:TimeCreated|Date)\s*:\s*(.+)$/m)),
      computer: field(/^\s*(?:MachineName|Computer)\s*:\s*(\S+)\s*$/m),
      message: field(/^\s*Message\s*:\s*(.+)$/m) ?? field(/^Description:\s*\n\s*(.+)$/m) ?? '',
    });
  }
  return events;
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const events = readEvents(mail.text).filter((e) => statusOf(e.id) !== null);
  if (events.length === 0) return isWbadminOutput(mail.text) ? [wbadminJob(mail)] : [];
  const byComputer = new Map<string, WsbEvent[]>();
  for (const e of events) {
    // Computer names come fully qualified (SRV02.corp.example); devices elsewhere use the short name.
    const device = e.computer ? e.computer.split('.')[0]! : senderHost(mail);
    byComputer.set(device, [...(byComputer.get(device) ?? []), e]);
  }
  return [...byComputer].map(([device, evs]) => {
    const terminal = evs.filter((e) => e.id !== 1);
    const status = terminal.length ? worst(terminal.map((e) => statusOf(e.id)!)) : 'running';
    const decisive = terminal.find((e) => statusOf(e.id) === status) ?? evs[0]!;
    const startedAt = evs.find((e) => e.id === 1)?.at ?? parseTime(/(?:started|attempted) at '([^']+)'/.exec(decisive.message)?.[1]);
    const endedAt = status === 'running' ? null : decisive.at;
    return job({
      device,
      check: 'Windows Server Backup',
      kind: 'backup',
      status,
      rawStatus: `Event ${decisive.id}`,
      startedAt,
      endedAt,
      durationMs: durationOf(null, startedAt, endedAt),
      message: status === 'succeeded' ? null : message(terminal.filter((e) => e.id !== 4 && e.id !== 14).map((e) => `Event ${e.id}: ${e.message}`)),
    });
  });
}

// `wbadmin start backup` output (real runs quoted in public write-ups, e.g. chr0x6eos.github.io
// _posts/2020-10-03-htb-Blackfield.md): a summary block, then the log of backed-up files whose name
// is the start time, day first, in UTC (`Backup-04-10-2020_17-48-38.log` for the version wbadmin
// lists as `10/04/2020-17:48`). The output names no computer: the device is the mailing host.
// Failures print `ERROR - <reason>` or `The backup operation stopped before completing.`.
const WBADMIN_SUMMARY = /^Summary of the backup operation:\s*$/m;
const WBADMIN_OK = /^The backup operation successfully completed\.\s*$/m;
const WBADMIN_FAILED = /^(ERROR - .+|The backup operation stopped before completing\.)\s*$/m;
const WBADMIN_VOLUME = /^The backup of volume .+$/gm;
const WBADMIN_LOG = /\\Backup-(\d{2})-(\d{2})-(\d{4})_(\d{2})-(\d{2})-(\d{2})\.log\b/;

function isWbadminOutput(text: string): boolean {
  return WBADMIN_SUMMARY.test(text) || (/^wbadmin \d+\.\d+ - Backup command-line tool/m.test(text) && WBADMIN_FAILED.test(text));
}

function wbadminJob(mail: ParsedEmail): TemplateJob {
  const text = mail.text;
  const errors = [...text.matchAll(new RegExp(WBADMIN_FAILED.source, 'gm'))].map((m) => m[1]!.trim());
  // Volume lines that do not say "completed successfully" mean some volumes were not backed up.
  const volumes = [...text.matchAll(WBADMIN_VOLUME)].map((m) => m[0].trim()).filter((l) => !/completed successfully\.$/.test(l));
  const ok = WBADMIN_OK.test(text);
  const status: JobStatus = errors.length ? 'failed' : ok ? (volumes.length ? 'partial' : 'succeeded') : 'warning';
  const log = WBADMIN_LOG.exec(text);
  const startedAt = log ? Date.UTC(Number(log[3]), Number(log[2]) - 1, Number(log[1]), Number(log[4]), Number(log[5]), Number(log[6])) : null;
  return job({
    device: senderHost(mail),
    check: 'Windows Server Backup',
    kind: 'backup',
    status,
    rawStatus: errors[0] ?? (ok ? 'The backup operation successfully completed.' : 'Summary of the backup operation'),
    startedAt,
    message: message([...errors, ...volumes]),
    ...(errors.length || ok ? {} : { unread: ['status'] }),
  });
}

export const windowsServerBackup: EmailTemplate = {
  id: 'windows-server-backup',
  product: 'Windows Server Backup',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '(Id|Event ID)\\s*:\\s*(5|9|19|49|517|518|519|521|544|546|561|564)\\s*$', status: 'failed' },
    { field: 'body', op: 'regex', value: '(Id|Event ID)\\s*:\\s*(7|525|547|565)\\s*$', status: 'warning' },
    { field: 'body', op: 'regex', value: '^(ERROR - |The backup operation stopped before completing)', status: 'failed' },
    { field: 'body', op: 'contains', value: 'The backup operation has finished successfully.', status: 'succeeded' },
    { field: 'body', op: 'contains', value: 'The backup operation successfully completed.', status: 'succeeded' },
  ],
};
