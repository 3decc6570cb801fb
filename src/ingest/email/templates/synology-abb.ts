// Synology Active Backup for Business (and Active Backup for Microsoft 365 / Google Workspace) task
// notifications from DSM. Like every DSM notification they are one title line, in the e-mail subject
// after DSM's `[<hostname>]` prefix and in push/webhook text either as `[<hostname>] <title>` or under
// an `A new system event occurred on your <host> on <date> at <time>.` line (see synology-hyper-backup.ts,
// which reads both forms).
// Source of the layout: DSM 7.2 notifications captured as sent, github:alexisskeates/synology-alert-captures
// @743df989: alerts/2026/02/11/alert_2026-02-11T22-33-18-161Z.json
//   [STO-BK01] Active Backup for Business - backup task stock-bim-01-full on STO-BK01 has been completed
// and alert_2026-02-11T18-55-59-859Z.json
//   Active Backup for Microsoft 365 - backup task [Office 365 Backup - Fourth Floor Solutions] on [host01] was completed
// Failure and partial titles follow the same pattern with DSM's outcome words (not yet seen published;
// the samples of them are reconstructed). The title names the task and the ABB server, not the PC,
// VM or tenant the task protects, and no size or duration: one job per notification, on the ABB
// server as device with the task as check (ABB tasks are usually one per device or per tenant).
// Kind: saas_backup for Microsoft 365 and Google Workspace, backup otherwise.
import { job } from './common.js';
import { dsmDetect, dsmOutcome, readDsmNotice } from './synology-hyper-backup.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';

const TITLE = /^Active Backup for (Business|Microsoft 365|Google Workspace) - backup task (?:\[(.+?)\]|(.+?)) on \[?([^\]\s]+)\]? (.+?)\.?$/i;

const detect = dsmDetect('active backup for', TITLE);

function parse(mail: ParsedEmail): TemplateJob[] {
  const notice = readDsmNotice(mail, TITLE);
  const m = notice && TITLE.exec(notice.title);
  if (!notice || !m) return [];
  const [, edition, bracketed, bare, host, words] = m;
  const outcome = dsmOutcome(words!);
  return [
    job({
      device: host!,
      check: (bracketed ?? bare)!.trim(),
      kind: /business/i.test(edition!) ? 'backup' : 'saas_backup',
      status: outcome.status,
      rawStatus: words!,
      endedAt: notice.at,
      message: outcome.status === 'succeeded' ? null : notice.title,
      ...(outcome.known ? {} : { unread: [`status: "${words}"`] }),
    }),
  ];
}

export const synologyAbb: EmailTemplate = {
  id: 'synology-abb',
  product: 'Synology Active Backup for Business',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: 'Active Backup for .* - backup task .* failed', status: 'failed' },
    { field: 'subject', op: 'regex', value: 'Active Backup for .* - backup task .* partially completed', status: 'warning' },
    { field: 'subject', op: 'regex', value: 'Active Backup for .* - backup task .* completed', status: 'succeeded' },
  ],
};
