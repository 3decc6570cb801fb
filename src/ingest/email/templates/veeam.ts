// Veeam Backup & Replication job reports: backup, backup copy and replication jobs (the kind comes
// from the report header's job type). One job per VM row.
// Sources: report layout from github.com/grufocom/vee-mail (vee_mail_template.html, a forwarded
// real Veeam mail) and a real B&R report kept as a test fixture by
// github.com/highfestiva/torrboll.java (src/test/resources/test.html: Dutch locale, vApp rows,
// `Error` rows, a retry); default subject `[%JobResult%] %JobName% (%ObjectCount% objects) %Issues%`
// from the Get-VBRMailNotificationConfiguration example in Veeam's PowerShell reference
// (helpcenter.veeam.com/docs/vbr/powershell/get-vbrmailnotificationconfiguration.html); subject
// regex from github.com/sibiodev/zbxsmtptrap (config/smtpToZbxTrap.ini).
// Times: the session line carries the date (English, Dutch, German or French month names); row
// times without a date are placed on that day. A row figure that cannot be read goes to `unread`.
// Veeam prints the backup server's local time with no zone: read as UTC (see units.ts).
// Sizes: Veeam prints 1024-based sizes with SI letters (`50 GB`).
import { isReplyOrForward } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { detectReport, reportJobs, VEEAM_SUBJECT } from './veeam-report.js';

export function subjectStatus(mail: ParsedEmail): string | null {
  return VEEAM_SUBJECT.exec(mail.subject)?.[1] ?? null;
}

export function veeamTemplate(id: string, product: string, isAgent: boolean): EmailTemplate {
  return {
    id,
    product,
    detect: (mail) => !isReplyOrForward(mail) && detectReport(mail, isAgent) !== null,
    parse(mail): TemplateJob[] {
      const report = detectReport(mail, isAgent);
      return report ? reportJobs(report, subjectStatus(mail)) : [];
    },
    statusHints: [
      { field: 'subject', op: 'contains', value: '[Failed]', status: 'failed' },
      { field: 'subject', op: 'contains', value: '[Warning]', status: 'warning' },
      { field: 'subject', op: 'contains', value: '[Success]', status: 'succeeded' },
    ],
  };
}

export const veeam = veeamTemplate('veeam', 'Veeam Backup & Replication', false);
