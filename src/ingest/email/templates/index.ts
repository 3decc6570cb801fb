// The product templates, most specific first: recognise() answers the first whose detect() says
// yes and whose parse() reads at least one job. Loose key-value readers (borg, restic, the Azure
// script report) come last so a product with its own layout is never read as one of them.
import { azureKeyValue } from './azure-kv.js';
import { bacula } from './bacula.js';
import { borg } from './borg.js';
import { duplicati } from './duplicati.js';
import { proxmoxVzdump } from './proxmox-vzdump.js';
import { restic } from './restic.js';
import type { EmailTemplate, ParsedEmail, Recognised } from './types.js';
import { veeam } from './veeam.js';
import { veeamAgent } from './veeam-agent.js';
import { windowsServerBackup } from './windows-server-backup.js';

export type { EmailTemplate, ParsedEmail, Recognised, StatusHint, TemplateJob } from './types.js';

export const TEMPLATES: EmailTemplate[] = [
  veeamAgent,
  veeam,
  proxmoxVzdump,
  bacula,
  duplicati,
  windowsServerBackup,
  borg,
  restic,
  azureKeyValue,
];

export function recognise(mail: ParsedEmail): Recognised | null {
  for (const template of TEMPLATES) {
    try {
      if (!template.detect(mail)) continue;
      const jobs = template.parse(mail);
      if (jobs.length > 0) return { template, jobs };
    } catch {
      // A template bug must not lose the message: the pipeline falls back to rules.
    }
  }
  return null;
}
