// QNAP Hybrid Backup Sync 3 job notifications, as QTS Notification Center mails HBS's event-log
// entries: a subject `[<level>] [Hybrid Backup Sync] Notification from your device: <NAS>` (Italian
// `Notifica dal dispositivo:`) and a body of label lines
//   NAS Name: NAS01 / Severity: Information / Date/Time: 2024/03/05 02:14:07 /
//   App Name: Hybrid Backup Sync / Category: Job Status / Message: [Hybrid Backup Sync] … job: "<name>".
// Sources of the layout: a mail parser written against real Italian QTS notifications (subject
// "[Info][Hybrid Backup Sync] Notifica dal dispositivo: NASQNAP", labels Nome NAS / Gravità /
// Data/Ora / Nome App / Categoria / Messaggio, dates "2026/09/18 21:00:36"; found by its text in
// the public code index, repository not named there); an English subject of the same family
// quoted in a public ticketing test ("[Info] [App Center] Notification from your device:
// NAS99D3C6"); and HBS's own event text as QTS logs it, `[Hybrid Backup Sync] Started Sync job:
// "QNAP Dropbox".` (a syslog capture quoted in public code). No complete real HBS job mail has
// been found published: the finished/failed wordings in the samples are assumed, so the status
// leans on the Severity line, which every QTS notification carries.
// One job per mail: the device is the NAS, the check the quoted job name. Backup jobs are kind
// backup, sync jobs copy; restore jobs are not backups and are left to rules.
// Times: Date/Time is the NAS's local time without a zone, read as UTC; the end time of a finished
// job, the start time of a `Started` entry.
import type { CheckKind, JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, keywords, mentions } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseTime } from './units.js';

const SUBJECT = /\[Hybrid Backup Sync\]\s*(Notification from your device|Notifica dal dispositivo)\s*:/i;
const LABELS: Record<string, string[]> = {
  nas: ['NAS Name', 'Nome NAS'],
  severity: ['Severity', 'Gravità'],
  time: ['Date/Time', 'Data/Ora'],
  app: ['App Name', 'Nome App'],
  message: ['Message', 'Messaggio'],
};
const JOB = /\b(Backup|Sync|Restore|Replication)\s+job\s*:\s*"([^"]+)"/i;

type Fields = Partial<Record<keyof typeof LABELS, string>>;

function fields(text: string): Fields {
  const out: Fields = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^:]{2,20}?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    for (const [key, names] of Object.entries(LABELS) as Array<[keyof typeof LABELS, string[]]>) {
      if (out[key] === undefined && names.some((n) => n.toLowerCase() === m[1]!.toLowerCase())) out[key] = m[2]!;
    }
  }
  return out;
}

const HBS = keywords('hybrid backup sync');

function detect(mail: ParsedEmail): boolean {
  // Cheap test first: every message runs every template's detect(), and most are not QNAP's.
  if (!SUBJECT.test(mail.subject) && !mentions(mail, HBS)) return false;
  if (isReplyOrForward(mail)) return false;
  const f = fields(mail.text);
  const fromHbs = SUBJECT.test(mail.subject) || /^Hybrid Backup Sync$/i.test(f.app ?? '');
  return fromHbs && f.message !== undefined && JOB.test(f.message);
}

/** Severity first (every QTS notification has one), then the words of the entry. */
function statusOf(severity: string, text: string): { status: JobStatus; known: boolean } {
  if (/\bstarted\b|\bavviat/i.test(text)) return { status: 'running', known: true };
  if (/^(error|errore|critical)/i.test(severity) || /\bfail|\berror\b|unable|could not/i.test(text)) return { status: 'failed', known: true };
  if (/^(warning|avviso|attenzione)/i.test(severity) || /\bwarning|skipped|partially/i.test(text)) return { status: 'warning', known: true };
  if (/\b(finished|completed|successfully)\b|complet/i.test(text)) return { status: 'succeeded', known: true };
  return { status: 'warning', known: false };
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const f = fields(mail.text);
  const entry = (f.message ?? '').replace(/^\[Hybrid Backup Sync\]\s*/i, '');
  const m = JOB.exec(entry);
  if (!m || /^restore$/i.test(m[1]!)) return [];
  const { status, known } = statusOf(f.severity ?? '', entry);
  // QTS prints 2024/03/05 02:14:07; parseTime reads the dashed ISO form.
  const at = parseTime(f.time?.replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})/, '$1-$2-$3'));
  const kind: CheckKind = /^backup$/i.test(m[1]!) ? 'backup' : /^replication$/i.test(m[1]!) ? 'replication' : 'copy';
  const unread = [...(f.nas ? [] : ['NAS name']), ...(at === null ? ['date/time'] : []), ...(known ? [] : [`status: "${entry}"`])];
  return [
    job({
      device: f.nas || (/:\s*(\S+)\s*$/.exec(mail.subject)?.[1] ?? 'unknown'),
      check: m[2]!,
      kind,
      status,
      rawStatus: f.severity ? `${f.severity}: ${entry}` : entry,
      startedAt: status === 'running' ? at : null,
      endedAt: status === 'running' ? null : at,
      message: status === 'succeeded' || status === 'running' ? null : entry,
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

export const qnapHbs: EmailTemplate = {
  id: 'qnap-hbs',
  product: 'QNAP Hybrid Backup Sync',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '^(Severity|Gravità):\\s*(Error|Errore)', status: 'failed' },
    { field: 'body', op: 'regex', value: '^(Severity|Gravità):\\s*(Warning|Avviso)', status: 'warning' },
    { field: 'body', op: 'regex', value: '\\[Hybrid Backup Sync\\] (Finished|Completed)', status: 'succeeded' },
  ],
};
