// rsnapshot runs as mailed by cron, and the utils/rsnapreport.pl summary people pipe them through.
// Sources: rsnapshot/rsnapshot rsnapshot-program.pl (print_err prints, once per run, the banner
// `rsnapshot encountered an error! The program was invoked with these options:` and the command
// line, then `ERROR: …` lines; print_warn prints `WARNING: …`; `<rsync> returned N while
// processing <src>`; a run with no problem prints nothing below verbose 3) and utils/rsnapreport.pl
// (a `SOURCE TOTAL FILES FILES TRANS TOTAL MB MB TRANS LIST GEN TIME LIST|FILE XFER TIME` table,
// MB = bytes / 1,000,000, and an `ERRORS` list of `<src> NO STATS DATA`). Real mails quoted in
// rsnapshot issues #102, #172, #349 and #350 (see test/fixtures/email/rsnapshot/manifest.json).
// Objects: a cron run is one job for the machine (cron subject host, else the sender's machine),
// check `rsnapshot <interval>`; an rsnapreport mail is one job per backup point, on the point's
// remote host when it has one (`host:/path`), checked as `rsnapshot <path>`.
import type { JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, keywords, lines, mentions, message, senderHost } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseNumber } from './units.js';

const BANNER = /^rsnapshot encountered an error! The program was invoked with these options:$/m;
const OWN_ERROR = [
  /^ERROR: \S+ returned -?\d+ while processing \S/m,
  /^ERROR: .*\bcp -al .* failed \(result \d+/m,
  /^ERROR: .*\brsnapshot\.conf\b/m,
  /^ERROR: Error! \w+\(/m,
];
const PARTIAL = /^WARNING: Some files and\/or directories in .* only transferred partially during rsync operation$/m;
const REPORT_HEADER = /^SOURCE\s+TOTAL FILES\s+FILES TRANS\s+TOTAL MB\s+MB TRANS\s+LIST GEN TIME\s+(?:FILE|LIST) XFER TIME$/m;
const NO_STATS = /^(\S+) NO STATS DATA$/;
// At verbose 3 and above a clean run echoes its commands: the lock file and the final touch.
const VERBOSE_RUN = /^echo \d+ > \S+\.pid$/m;

const RSNAPSHOT = keywords('rsnapshot');

function detect(mail: ParsedEmail): boolean {
  const t = mail.text;
  // Cheap test first (every message runs every template's detect()): a phrase every layout below needs.
  if (!t.includes('ERROR') && !t.includes('TOTAL FILES') && !t.includes('only transferred partially') && !mentions(mail, RSNAPSHOT)) return false;
  if (isReplyOrForward(mail)) return false;
  if (BANNER.test(t) || PARTIAL.test(t) || REPORT_HEADER.test(t)) return true;
  if (/^ERRORS$/m.test(t) && lines(t).some((l) => NO_STATS.test(l))) return true;
  if (OWN_ERROR.some((re) => re.test(t))) return true;
  return VERBOSE_RUN.test(t) && /rsnapshot/i.test(`${mail.subject}\n${t}`);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const t = mail.text;
  if (REPORT_HEADER.test(t) || (/^ERRORS$/m.test(t) && !BANNER.test(t))) {
    const jobs = reportJobs(mail);
    if (jobs.length > 0) return jobs;
  }
  return [runJob(mail)];
}

/** One cron run: failed on any ERROR, a warning on WARNING lines only, else a clean verbose run. */
function runJob(mail: ParsedEmail): TemplateJob {
  const all = lines(mail.text);
  const errors = all.filter((l) => l.startsWith('ERROR: ')).map((l) => l.slice(7));
  const warnings = all.filter((l) => l.startsWith('WARNING: ')).map((l) => l.slice(9));
  const status: JobStatus = errors.length || BANNER.test(mail.text) ? 'failed' : warnings.length ? 'warning' : 'succeeded';
  const interval = intervalOf(mail);
  return job({
    device: senderHost(mail),
    check: interval ? `rsnapshot ${interval}` : 'rsnapshot',
    kind: 'backup',
    status,
    rawStatus: status === 'failed' ? 'ERROR' : status === 'warning' ? 'WARNING' : 'no errors',
    message: message([...errors, ...warnings]),
    ...(interval ? {} : { unread: ['interval'] }),
  });
}

/** The interval (`daily`, `alpha`) from the banner's command line, else from a cron subject. */
function intervalOf(mail: ParsedEmail): string | null {
  const all = lines(mail.text);
  const at = all.findIndex((l) => BANNER.test(l));
  const command = at >= 0 ? all[at + 1] : /^Cron <[^>]+> (.*)$/.exec(mail.subject)?.[1];
  const m = /\brsnapshot\b(?:\s+-\S+(?:\s+(?!-)\S+)?)*?\s+([a-z][\w-]*)\s*$/i.exec(command ?? '');
  return m ? m[1]! : null;
}

const ROW = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\S+ seconds)\s+(\S+ seconds)$/;

/** rsnapreport: a succeeded job per table row, a failed one per `NO STATS DATA` source. */
function reportJobs(mail: ParsedEmail): TemplateJob[] {
  const machine = senderHost(mail);
  const out: TemplateJob[] = [];
  for (const line of lines(mail.text)) {
    const row = ROW.exec(line.trim());
    if (row) {
      const mb = parseNumber(row[4]!);
      out.push(job({ ...point(row[1]!, machine), kind: 'backup', status: 'succeeded', rawStatus: 'stats', bytes: mb === null ? null : Math.round(mb * 1e6) }));
      continue;
    }
    const missing = NO_STATS.exec(line.trim());
    if (missing) {
      out.push(job({ ...point(missing[1]!, machine), kind: 'backup', status: 'failed', rawStatus: 'NO STATS DATA', message: line.trim(), unread: ['stats'] }));
    }
  }
  return out;
}

/** `host:/path` (user already stripped by rsnapreport) → that host; a local path → the machine. */
function point(source: string, machine: string): { device: string; check: string } {
  const remote = /^(?:[^@\s]+@)?([^:/\s]+):(.*)$/.exec(source);
  const path = (remote ? remote[2]! : source).replace(/(.)\/$/, '$1');
  return { device: remote ? remote[1]! : machine, check: `rsnapshot ${path}` };
}

export const rsnapshot: EmailTemplate = {
  id: 'rsnapshot',
  product: 'rsnapshot',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'contains', value: 'rsnapshot encountered an error!', status: 'failed' },
    { field: 'body', op: 'regex', value: '^WARNING: ', status: 'warning' },
    { field: 'body', op: 'regex', value: '^SOURCE\\s+TOTAL FILES', status: 'succeeded' },
  ],
};
