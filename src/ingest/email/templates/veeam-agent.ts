// Veeam Agent for Linux / Microsoft Windows job reports: the same HTML layout as B&R reports with
// the header `Agent Backup job: <job>` and the description line `Veeam Agent for …`; one row per
// protected computer, its warnings and errors on the rows below it.
// Source: github.com/grufocom/vee-mail vee_mail_template.html ("a copy of a forwarded Veeam Agent
// e-mail"); report contents per helpcenter.veeam.com/docs/agentforwindows/userguide/reporting_email.html.
// Times and sizes as in veeam.ts.
import { veeamTemplate } from './veeam.js';

export const veeamAgent = veeamTemplate('veeam-agent', 'Veeam Agent', true);
