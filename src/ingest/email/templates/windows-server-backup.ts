// Windows Server Backup events forwarded by mail. WSB sends no mail itself: an event-triggered
// scheduled task or a PowerShell script mails the Microsoft-Windows-Backup event(s). Two shapes:
//   PowerShell `Get-WinEvent … | Format-List`:  TimeCreated : … / ProviderName : Microsoft-Windows-Backup / Id : 4 / Message : …
//   Event Viewer "copy as text" / task mail:     Log Name: Microsoft-Windows-Backup / Date: … / Event ID: 4 / Computer: … / Description: …
// Sources: event messages from libyal/winevt-kb (MessageFile-blbevents.dll.md) and OTRF/OSSEM;
// event 4's text as matched by public monitoring scripts; ids and meanings in FORMATS.md §2 —
// derived from message ids, to be checked against real hosts.
// Status: 4, 14 success; 5, 517, 518, 519, 521, 544, 546, 561, 564 failed; 525, 547, 565 warning;
// 8 cancelled; 1 alone running. One job per computer: the worst outcome among its events.
// Times: event times print in the server's locale with no zone, read as UTC; the start is event 1's
// time, else the `started at '<time>'` in a failure message.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message, senderHost, worst } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseTime } from './units.js';

const EVENT_STATUS: Record<number, JobStatus> = {
  1: 'running',
  4: 'succeeded',
  14: 'succeeded',
  8: 'cancelled',
  525: 'warning',
  547: 'warning',
  565: 'warning',
};
const FAILURES = new Set([5, 517, 518, 519, 521, 544, 546, 561, 564]);

interface WsbEvent {
  id: number;
  at: number | null;
  computer: string | null;
  message: string;
}

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail) || !/Microsoft-Windows-Backup/.test(mail.text)) return false;
  return readEvents(mail.text).some((e) => statusOf(e.id) !== null);
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
    const field = (re: RegExp) => re.exec(rec)?.[1]?.trim() ?? null;
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
    const startedAt = evs.find((e) => e.id === 1)?.at ?? parseTime(/started at '([^']+)'/.exec(decisive.message)?.[1]);
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

export const windowsServerBackup: EmailTemplate = {
  id: 'windows-server-backup',
  product: 'Windows Server Backup',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '(Id|Event ID)\\s*:\\s*(5|517|518|519|521|544|546|561|564)\\s*$', status: 'failed' },
    { field: 'body', op: 'regex', value: '(Id|Event ID)\\s*:\\s*(525|547|565)\\s*$', status: 'warning' },
    { field: 'body', op: 'contains', value: 'The backup operation has finished successfully.', status: 'succeeded' },
  ],
};
