// Kopia's own notification mails (Kopia 0.18+, `kopia notification profile configure email`).
// Sources: kopia/kopia notification/notifytemplate/snapshot-report.txt and generic-error.txt, and
// the rendered golden outputs beside them (testdata/*.txt.*.expected, commit 4ebb2be6):
//   subject  `Successfully created a snapshot of <path> on <host>` | `Successfully created N snapshots
//            on <host>` | `Failed to create a snapshot of <path> on <host>` | `Failed to create K of N
//            snapshots on <host>` (notifydata.MultiSnapshotStatus.OverallStatus);
//            `Kopia has encountered an error during <operation> on <host>` (generic-error)
//   body     one block per snapshot: `Path: <source>` then indented `Status:` (success | warnings |
//            incomplete | fatal), `Start:`, `Duration:` (Go duration, `1.1s`), `Size:` (1000-based
//            unless KOPIA_BYTES_STRING_BASE_2, then KiB/MiB), `Error:`, `Failed Entries:` list.
// One job per snapshot block: device = the host named in the subject, check = the source path.
// The HTML variant puts the status only in a row's CSS class, so it is not read here.
import type { JobStatus } from '../../../domain/job.js';
import { durationOf, isReplyOrForward, job, lines, message } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize, parseTime } from './units.js';

const REPORT_SUBJECT = /^(Successfully created|Failed to create) .* on (\S+)$/;
const ERROR_SUBJECT = /^Kopia has encountered an error during (.+) on (\S+)$/;
const STATUS: Record<string, JobStatus> = { success: 'succeeded', warnings: 'warning', incomplete: 'partial', fatal: 'failed' };

function detect(mail: ParsedEmail): boolean {
  if (isReplyOrForward(mail)) return false;
  const t = mail.text;
  if (ERROR_SUBJECT.test(mail.subject)) return /^Operation: /m.test(t) && /^Started: /m.test(t);
  if (!REPORT_SUBJECT.test(mail.subject)) return false;
  return /^Path: \S/m.test(t) && /^ {2}Status: +\S/m.test(t) && /by Kopia \S+\.$/m.test(t);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const error = ERROR_SUBJECT.exec(mail.subject);
  if (error) return [errorJob(mail, error[1]!, error[2]!)];
  const host = REPORT_SUBJECT.exec(mail.subject)?.[2] ?? 'unknown';
  return blocks(lines(mail.text)).map((b) => snapshotJob(host, b));
}

interface Block {
  path: string;
  fields: Map<string, string>;
  failedEntries: string[];
}

/** The `Path:` blocks, each with its indented `Key: value` lines and failed-entry list. */
function blocks(all: string[]): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  for (const line of all) {
    const path = /^Path: (.+)$/.exec(line);
    if (path) {
      current = { path: path[1]!.trim(), fields: new Map(), failedEntries: [] };
      out.push(current);
      continue;
    }
    if (!current) continue;
    if (/^Generated at /.test(line)) break;
    const entry = /^ {2}- (.+)$/.exec(line);
    if (entry) current.failedEntries.push(entry[1]!);
    const field = /^ {2}([A-Z][A-Za-z ]*?):\s+(.+)$/.exec(line);
    if (field) current.fields.set(field[1]!.toLowerCase(), field[2]!);
  }
  return out;
}

function snapshotJob(host: string, b: Block): TemplateJob {
  const unread: string[] = [];
  const word = b.fields.get('status') ?? '';
  const known = STATUS[word.toLowerCase()];
  // A status word this reader does not know is never taken for success.
  if (!known) unread.push(word ? `status: "${word}"` : 'status');
  const startedAt = parseTime(b.fields.get('start'));
  const durationMs = parseDuration(b.fields.get('duration'));
  // `456 B (+56 B)`: the figure before the bracketed change since the previous snapshot.
  const sizeText = b.fields.get('size')?.replace(/\s*\(.*\)\s*$/, '');
  const bytes = parseSize(sizeText);
  if (b.fields.has('start') && startedAt === null) unread.push(`start: "${b.fields.get('start')}"`);
  if (sizeText && bytes === null) unread.push(`size: "${sizeText}"`);
  return job({
    device: host,
    check: b.path,
    kind: 'backup',
    status: known ?? 'failed',
    rawStatus: word,
    startedAt,
    endedAt: startedAt !== null && durationMs !== null ? startedAt + durationMs : null,
    durationMs,
    bytes,
    message: message([b.fields.get('error'), ...b.failedEntries]),
    ...(unread.length ? { unread } : {}),
  });
}

/** The generic error mail: an operation (maintenance, snapshot) that failed as a whole. */
function errorJob(mail: ParsedEmail, operation: string, host: string): TemplateJob {
  const all = lines(mail.text);
  const value = (key: string) => all.find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1).trim() ?? null;
  const startedAt = parseTime(value('Started'));
  const finished = /^(.*?)\s*\(([^)]*)\)$/.exec(value('Finished') ?? '');
  const endedAt = parseTime(finished?.[1] ?? value('Finished'));
  // The error details sit between the Finished line and the `Generated at` footer.
  const from = all.findIndex((l) => l.startsWith('Finished:'));
  const to = all.findIndex((l) => l.startsWith('Generated at '));
  const details = all.slice(from + 1, to === -1 ? undefined : to).join('\n');
  return job({
    device: host,
    check: operation,
    kind: 'backup',
    status: 'failed',
    rawStatus: `error during ${operation}`,
    startedAt,
    endedAt,
    durationMs: durationOf(parseDuration(finished?.[2]), startedAt, endedAt),
    message: message([value('Operation'), details]),
  });
}

export const kopia: EmailTemplate = {
  id: 'kopia',
  product: 'Kopia',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: '^(Failed to create|Kopia has encountered an error)', status: 'failed' },
    { field: 'body', op: 'regex', value: '^\\s+Status:\\s+warnings', status: 'warning' },
    { field: 'subject', op: 'contains', value: 'Successfully created', status: 'succeeded' },
  ],
};
