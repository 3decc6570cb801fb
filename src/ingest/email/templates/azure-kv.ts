// Key-value reports that scripts forwarding Azure Backup and Azure Site Recovery results send
// (Azure itself mails no per-job status). One block per protected item, blocks separated by a
// blank line:
//   VM Name: APP01 / Status: Completed / Recent: True / Operation: Backup / Start Time: … / End Time: …
//   VM Name: APP02 / Replication Health: Normal / Failover Health: Normal
// Source: the status rules a public vendor guide gives for such a script's mails ("Recent: True",
// "Status: Completed" for backups; "Replication Health: Normal", "Failover Health: Normal" for
// replication; VM name and job type in the subject); status and health words from the Azure
// Recovery Services REST API (Completed, CompletedWithWarnings, Failed, Cancelled, InProgress;
// Normal, Warning, Critical), FORMATS.md §1. The script itself was not published: other keys
// (`Start Time`, `End Time`, `Duration`, `Error`, `Vault`) are read when present.
// Status: backup items from Status, with `Recent: False` (no job in the script's window) → skipped;
// replication items from the worse of the two healths (Normal/Warning/Critical). Times: ISO 8601
// as Azure returns them; without a zone, read as UTC.
import type { HealthLevel, JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues, parseDuration, parseSize, parseTime } from './units.js';

const JOB_STATUS: Record<string, JobStatus> = {
  completed: 'succeeded',
  succeeded: 'succeeded',
  completedwithwarnings: 'warning',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  cancelling: 'cancelled',
  inprogress: 'running',
};
const HEALTH: Record<string, HealthLevel> = { normal: 'normal', warning: 'warning', critical: 'critical' };
const ITEM_KEYS = ['vm name', 'item name', 'protected item', 'name'];

function blocks(text: string): Array<Map<string, string>> {
  return text
    .split(/\n\s*\n/)
    .map(keyValues)
    .filter((kv) => ITEM_KEYS.some((k) => kv.has(k)) && (kv.has('status') || kv.has('replication health') || kv.has('failover health')));
}

function detect(mail: ParsedEmail): boolean {
  // Cheap test first (every message runs every template's detect()).
  if (!mail.text.includes('Recent:') && !mail.text.includes('Health:')) return false;
  if (isReplyOrForward(mail)) return false;
  if (!/^\s*(Recent:\s*(True|False)|Replication Health:|Failover Health:)/im.test(mail.text)) return false;
  return blocks(mail.text).length > 0;
}

function parse(mail: ParsedEmail): TemplateJob[] {
  return blocks(mail.text).flatMap((kv) => {
    const device = ITEM_KEYS.map((k) => kv.get(k)).find((v) => v) ?? '';
    if (!device) return [];
    return [kv.has('replication health') || kv.has('failover health') ? replication(kv, device) : backup(kv, device)];
  });
}

function times(kv: Map<string, string>) {
  const startedAt = parseTime(kv.get('start time'));
  const endedAt = parseTime(kv.get('end time'));
  return { startedAt, endedAt, durationMs: durationOf(parseDuration(kv.get('duration')), startedAt, endedAt) };
}

function backup(kv: Map<string, string>, device: string): TemplateJob {
  const raw = kv.get('status') ?? 'Unknown';
  const recent = kv.get('recent');
  let status = JOB_STATUS[raw.toLowerCase().replace(/\s+/g, '')] ?? 'failed';
  if (recent !== undefined && /^false$/i.test(recent)) status = 'skipped';
  return job({
    device,
    check: kv.get('job') ?? kv.get('policy') ?? 'Azure Backup',
    kind: 'backup',
    status,
    rawStatus: recent !== undefined ? `${raw} (Recent: ${recent})` : raw,
    ...times(kv),
    bytes: parseSize(kv.get('size') ?? kv.get('data transferred')),
    message: status === 'succeeded' ? null : message([status === 'skipped' ? 'No recent backup job (Recent: False)' : null, kv.get('error'), kv.get('error message')]),
  });
}

function replication(kv: Map<string, string>, device: string): TemplateJob {
  const rep = HEALTH[(kv.get('replication health') ?? '').toLowerCase()] ?? null;
  const fail = HEALTH[(kv.get('failover health') ?? '').toLowerCase()] ?? null;
  const levels = [rep, fail];
  const status: JobStatus = levels.includes('critical') ? 'failed' : levels.includes('warning') ? 'warning' : levels.every((l) => l === null) ? 'failed' : 'succeeded';
  return job({
    device,
    check: kv.get('job') ?? 'Azure Site Recovery',
    kind: 'replication',
    status,
    rawStatus: `Replication Health: ${kv.get('replication health') ?? '-'}, Failover Health: ${kv.get('failover health') ?? '-'}`,
    ...times(kv),
    message: status === 'succeeded' ? null : message([kv.get('error'), kv.get('health errors'), kv.get('error message')]),
    health: { replication: rep, failover: fail },
  });
}

export const azureKeyValue: EmailTemplate = {
  id: 'azure-kv',
  product: 'Azure Backup / Site Recovery (script report)',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '(Status: Failed|Health: Critical)', status: 'failed' },
    { field: 'body', op: 'regex', value: '(Status: CompletedWithWarnings|Health: Warning|Recent: False)', status: 'warning' },
    { field: 'body', op: 'contains', value: 'Status: Completed', status: 'succeeded' },
  ],
};
