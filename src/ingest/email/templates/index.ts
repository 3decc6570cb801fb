// The product templates, most specific first: recognise() answers the first whose detect() says
// yes and whose parse() reads at least one job. Loose key-value readers (borg, restic, the Azure
// script report) come last so a product with its own layout is never read as one of them.
import { acronis } from './acronis.js';
import { altaro } from './altaro.js';
import { arcserveUdp } from './arcserve-udp.js';
import { azureKeyValue } from './azure-kv.js';
import { backupExec } from './backup-exec.js';
import { bacula } from './bacula.js';
import { borg } from './borg.js';
import { borgmatic } from './borgmatic.js';
import { cove } from './cove.js';
import { datto } from './datto.js';
import { duplicati } from './duplicati.js';
import { keyValueFallback } from './key-value.js';
import { kopia } from './kopia.js';
import { macrium } from './macrium.js';
import { msp360 } from './msp360.js';
import { pbs } from './pbs.js';
import { proxmoxVzdump } from './proxmox-vzdump.js';
import { qnapHbs } from './qnap-hbs.js';
import { restic } from './restic.js';
import { rsnapshot } from './rsnapshot.js';
import { synologyAbb } from './synology-abb.js';
import { synologyHyperBackup } from './synology-hyper-backup.js';
import type { EmailTemplate, ParsedEmail, Recognised } from './types.js';
import { urbackup } from './urbackup.js';
import { veeam } from './veeam.js';
import { veeamAgent } from './veeam-agent.js';
import { windowsServerBackup } from './windows-server-backup.js';

export type { EmailTemplate, ParsedEmail, Recognised, StatusHint, TemplateJob } from './types.js';

export const TEMPLATES: EmailTemplate[] = [
  veeamAgent,
  veeam,
  acronis,
  backupExec,
  datto,
  altaro,
  arcserveUdp,
  cove,
  msp360,
  proxmoxVzdump,
  bacula,
  duplicati,
  kopia,
  rsnapshot,
  pbs,
  urbackup,
  windowsServerBackup,
  synologyHyperBackup,
  synologyAbb,
  qnapHbs,
  macrium,
  borgmatic,
  borg,
  restic,
  azureKeyValue,
  // Last resort: declines whatever another template recognises.
  keyValueFallback(() => TEMPLATES),
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
