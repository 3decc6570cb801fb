// Datto (Kaseya) cloud backup agent alerts: Endpoint Backup for PCs and the Direct-to-Cloud agents
// managed from portal.dattobackup.com, sent from noreply@datto.com.
// Layout, from real mails (the HTML bodies as Microsoft Graph returned them) pinned in
// github:Panoptic-IT-Solutions/Panoptic-n8n-Nodes packages/n8n-nodes-datto-rmm/Datto Backups Alerts (1).json,
// and the alert text quoted in kb.datto.com/hc/en-us/articles/360028009871 (Agent Checkin Alert):
//   subject  `Endpoint Backup Agent (<agent>) Backup Not Taken for Client (<organisation>)`
//            `Endpoint Backup Agent (<agent>) Checkin Alert for Organization (<organisation>)`
//   body     banner `Agent Alert | <product>`, the alert title (`Backup Not Taken`, `Agent Not
//            Checking In`), a sentence with the last backup or check-in time and the threshold,
//            then `Agent Name:`, `Agent Shortcode:` (or `Agent ID:`), `Organization Name:`.
// These are alerts, not job reports: Datto mails only when an agent has missed its threshold, so
// every alert is one failed job for its agent, with the alert sentence as the message. The time in
// the sentence is the last good backup, not this run, so no run time is read; there are no sizes.
import type { JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { keyValues } from './units.js';

const SUBJECT = /^\s*(.+?) Agent \((.+)\) (.+?) for (?:Client|Organization) \((.+)\)\s*$/;
const BANNER = /^Agent Alert\s*\|\s*(.+)$/;

// Alert titles Datto sends, and what each says about the agent's backups.
const TITLES: Array<[RegExp, JobStatus]> = [
  [/^Backup Not Taken$/i, 'failed'],
  [/^Agent Not Checking In$/i, 'failed'],
];

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  if (!SUBJECT.test(mail.subject)) return false;
  const all = lines(mail.text).map((l) => l.trim());
  return all.some((l) => BANNER.test(l)) && all.some((l) => /^Agent Name:/.test(l));
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const s = SUBJECT.exec(mail.subject);
  if (!s) return [];
  const all = lines(mail.text).map((l) => l.trim());
  const fields = keyValues(mail.text);
  const bannerAt = all.findIndex((l) => BANNER.test(l));
  const product = bannerAt >= 0 ? BANNER.exec(all[bannerAt]!)![1]!.trim() : s[1]!;
  // The title is the first non-empty line under the banner; the sentence under it explains it.
  const [title, sentence] = all.slice(bannerAt + 1).filter((l) => l !== '');
  const unread: string[] = [];
  const found = TITLES.find(([re]) => re.test(title ?? ''));
  // An alert title this template does not know is still an alert: a warning, never a success.
  if (!found) unread.push(`alert: "${title ?? s[3]}"`);
  return [
    job({
      device: fields.get('agent name') || s[2]!,
      check: product,
      kind: 'backup',
      status: found?.[1] ?? 'warning',
      rawStatus: title ?? s[3]!,
      message: message([sentence?.replace(/\s*If you would like assistance.*$/, '')]),
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

export const datto: EmailTemplate = {
  id: 'datto',
  product: 'Datto Endpoint Backup',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'contains', value: ') Backup Not Taken for ', status: 'failed' },
    { field: 'subject', op: 'contains', value: ') Checkin Alert for ', status: 'failed' },
  ],
};
