// restic backup output, as wrapper scripts and cron mail it.
// Sources: restic's own output, copied from public READMEs and a restic unit-test fixture
// (test/fixtures/email/restic_backup_summary_sample.txt; FORMATS.md §2); exit codes from the
// restic docs ("Exit status": 0 ok, 1 fatal, 3 snapshot created but some source files unreadable).
//   Files: n new, n changed, n unmodified / Added to the repository: 329.337 MiB (121.345 MiB stored)
//   processed 10735 files, 339.815 MiB in 0:02 / snapshot 0b897a00 saved
//   Fatal: unable to open config file: …  (no snapshot)
//   Warning: at least one source file could not be read  (snapshot saved, exit 3 → partial)
// Real samples: restic/restic#4597 (0.16.2, `Files:`/`Dirs:`/`Added to the repository:`),
// restic/restic#2549 (0.9.x, `Added to the repo:`), restic/restic#1167 (0.7.1, a missing
// repository printed as `unable to open config file: …` without the `Fatal:` prefix newer
// versions add, then `Is there a repository at the following location?`).
// The output names no machine: the device comes from the mail (see senderHost). Times: restic
// prints none, so the job ends at the mail's Date and starts `processed … in <m:ss>` before it.
// Size: the processed size (the data the snapshot covers), IEC units.
import type { JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, keywords, mentions, message, senderHost } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';
import { parseDuration, parseSize } from './units.js';

const SAVED = /^snapshot ([0-9a-f]{8,64}) saved\s*$/m;
const FATAL = /^Fatal: (.+)$/m;
// What each of SAVED, NO_REPOSITORY and FATAL cannot match without.
const NEEDED = keywords('snapshot ', 'unable to open config file: ', 'fatal: ');
const PROCESSED = /^processed (\d+) files, (.+?) in (\d+(?::\d{2}){1,2})\s*$/m;
const UNREADABLE = /^Warning: at least one source file could not be read\s*$/m;
// restic's answer when the repository cannot be opened, with or without the `Fatal: ` prefix.
const NO_REPOSITORY = /^((?:Fatal: )?(unable to open config file: .+))\n\s*Is there a repository at the following location\?/m;

function detect(mail: ParsedEmail): boolean {
  const t = mail.text;
  if (!mentions(mail, NEEDED)) return false;
  if (isReplyOrForward(mail)) return false;
  if (SAVED.test(t)) return PROCESSED.test(t) || /^Added to the repository: /m.test(t);
  if (NO_REPOSITORY.test(t)) return true;
  return FATAL.test(t) && /\brestic\b|^repository [0-9a-f]+ opened/im.test(`${mail.subject}\n${t}`);
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const t = mail.text;
  const saved = SAVED.exec(t);
  const fatalMatch = FATAL.exec(t);
  const noRepo = NO_REPOSITORY.exec(t);
  // The product's own words: the `Fatal:` line as printed (old versions print no prefix).
  const fatalLine = fatalMatch?.[0].trim() ?? noRepo?.[1] ?? null;
  const fatal = fatalMatch?.[1] ?? noRepo?.[2] ?? null;
  let status: JobStatus;
  if (!saved) status = 'failed';
  else status = UNREADABLE.test(t) ? 'partial' : 'succeeded';
  const processed = PROCESSED.exec(t);
  const durationMs = processed ? parseDuration(processed[3]) : null;
  const endedAt = mail.date;
  const errors = [...t.matchAll(/^error: (.+)$/gm)].map((m) => m[1]);
  return [
    job({
      device: senderHost(mail),
      check: 'restic',
      kind: 'backup',
      status,
      rawStatus: saved ? saved[0].trim() : (fatalLine ?? 'no snapshot saved'),
      startedAt: endedAt !== null && durationMs !== null ? endedAt - durationMs : null,
      endedAt,
      durationMs,
      bytes: processed ? parseSize(processed[2]) : null,
      message: status === 'succeeded' ? null : message([fatal, ...errors, UNREADABLE.exec(t)?.[0]]),
      ...(saved && !processed ? { unread: ['size', 'duration'] } : {}),
    }),
  ];
}

export const restic: EmailTemplate = {
  id: 'restic',
  product: 'restic',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'regex', value: '^Fatal: ', status: 'failed' },
    { field: 'body', op: 'contains', value: 'at least one source file could not be read', status: 'warning' },
    { field: 'body', op: 'regex', value: '^snapshot [0-9a-f]+ saved', status: 'succeeded' },
  ],
};
