// borgmatic runs (the borg wrapper), as cron or its on_error hook mail the log.
// Sources: borgmatic's own log lines as users quoted them (kiwix/borg-backup#14: `<repo>: Error
// running actions for repository`, the failing command, `<config>: Error running configuration
// file`, then a `summary:` block repeating the errors; borgmatic-collective/docker-borgmatic#355:
// `<label>: Running actions for repository`, `<label>: Creating archive`); the borgmatic 1.5 run
// with --stats in github:birdie1/zabbix-borg/README.md (`<repo>: Pruning archives`, `Creating
// archive`, `Running consistency checks`, `summary:`, `<config>: Successfully ran configuration
// file`, the line borgmatic's commands/borgmatic.py logs when a configuration ran cleanly).
// borgmatic runs the same source directories into each configured repository: the device is the
// machine (cron subject or sender, see senderHost) and there is one job per repository, checked
// as `borgmatic <repository>`. A `borg create --stats` block after a repository's
// `Creating archive` line gives that repository's times and size (see borg.ts).
// Status: a repository with `Error running actions for repository` failed; one that only ran
// actions succeeded. A configuration that failed before any repository ran (a bad hook, an
// invalid file) is one failed job named after the configuration file.
import type { JobStatus } from '../../../domain/job.js';
import { archiveStats } from './borg.js';
import { isReplyOrForward, job, lines, message, senderHost } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';

const LINE =
  /^(\S.*?): (Running actions for repository|Error running actions for repository|Creating archive|Pruning archives|Compacting segments|Running consistency checks|Error running configuration file|An error occurred|Successfully ran configuration file)\s*$/;
// Lines only borgmatic prints; a repository's action lines (`Creating archive`, `Pruning archives`)
// alone could be anyone's log.
const DISTINCT = /^(Running actions for repository|Error running actions for repository|Error running configuration file|Successfully ran configuration file)$/;
const CONFIG_FILE = /\.ya?ml$/;

interface RepoRun {
  name: string;
  failed: boolean;
  /** Lines borgmatic and borg printed for this repository: stats, the error and its cause. */
  body: string[];
  cause: string[];
}

// Cheap test first (every message runs every template's detect()): one of borgmatic's own lines.
const DISTINCT_TEXT = ['Running actions for repository', 'Error running actions for repository', 'Error running configuration file', 'Successfully ran configuration file'];

function detect(mail: ParsedEmail): boolean {
  if (!DISTINCT_TEXT.some((d) => mail.text.includes(d))) return false;
  if (isReplyOrForward(mail)) return false;
  return lines(mail.text).some((l) => {
    const m = LINE.exec(l.trim());
    return m !== null && DISTINCT.test(m[2]!);
  });
}

/** The run up to `summary:`, which only repeats the errors already printed. */
function runLines(text: string): string[] {
  const all = text.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  const end = all.findIndex((l) => /^summary:$/.test(l));
  return end >= 0 ? all.slice(0, end) : all;
}

function repositories(lines: string[]): { repos: RepoRun[]; configErrors: string[] } {
  const repos = new Map<string, RepoRun>();
  const configErrors: string[] = [];
  let current: RepoRun | null = null;
  let pending: string[] = [];
  for (const line of lines) {
    const m = LINE.exec(line.trim());
    if (!m) {
      if (current) current.body.push(line);
      else if (line.trim()) pending.push(line.trim());
      continue;
    }
    const [, name, what] = m;
    if (CONFIG_FILE.test(name!)) {
      if (/error/i.test(what!)) configErrors.push(`${name}: ${what}`);
      current = null;
      continue;
    }
    const run = repos.get(name!) ?? { name: name!, failed: false, body: [], cause: [] };
    repos.set(name!, run);
    if (what === 'Error running actions for repository') {
      run.failed = true;
      // What was printed just before the error line is its cause: borg's last words inside the
      // repository's own block, or a hook's output before any repository line.
      const before = current === run ? run.body.filter((l) => l.trim()).slice(-3) : pending;
      run.cause.push(...before.map((l) => l.trim()));
    }
    pending = [];
    current = run;
  }
  return { repos: [...repos.values()], configErrors };
}

function parse(mail: ParsedEmail): TemplateJob[] {
  const { repos, configErrors } = repositories(runLines(mail.text));
  // The success verdict comes in the summary, after the lines the repositories are read from.
  const configOk = /^\S.*: Successfully ran configuration file$/m.exec(mail.text)?.[0] ?? null;
  const device = senderHost(mail);
  if (repos.length === 0) {
    if (configErrors.length === 0) return [];
    return [
      job({ device, check: 'borgmatic', kind: 'backup', status: 'failed', rawStatus: configErrors[0]!, message: message(configErrors) }),
    ];
  }
  return repos.map((run) => {
    const text = run.body.join('\n');
    const stats = archiveStats(text);
    const status: JobStatus = run.failed ? 'failed' : 'succeeded';
    const unread = [...stats.unread];
    if (!run.failed && stats.archive === null) unread.push('size', 'duration');
    const after = run.failed ? run.body.filter((l) => /returned non-zero exit status|^Error|error/i.test(l)).map((l) => l.trim()) : [];
    return job({
      device,
      check: `borgmatic ${run.name}`,
      kind: 'backup',
      status,
      // borgmatic's own verdict: per repository when it failed, else the configuration's.
      rawStatus: run.failed ? 'Error running actions for repository' : (configOk ?? 'Running actions for repository'),
      startedAt: stats.startedAt,
      endedAt: stats.endedAt,
      durationMs: stats.durationMs,
      bytes: stats.bytes,
      message: run.failed ? message([...new Set([...run.cause, ...after, ...configErrors])]) : null,
      ...(unread.length > 0 ? { unread } : {}),
    });
  });
}

export const borgmatic: EmailTemplate = {
  id: 'borgmatic',
  product: 'borgmatic',
  detect,
  parse,
  statusHints: [
    { field: 'body', op: 'contains', value: 'Error running actions for repository', status: 'failed' },
    { field: 'body', op: 'contains', value: 'Error running configuration file', status: 'failed' },
    { field: 'body', op: 'contains', value: 'Successfully ran configuration file', status: 'succeeded' },
  ],
};
