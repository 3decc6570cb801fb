// Synology Hyper Backup task notifications from DSM (Control Panel → Notification, e-mail or push).
// DSM words every notification as one title line; e-mail subjects carry it after the `[<hostname>]`
// prefix DSM adds, and DSM's push/webhook text either repeats that `[<hostname>] <title>` or opens
// with an event line and puts the title under it:
//   A new system event occurred on your host01 on 11-02-2026 at 21:28.
//   Data backup task on host01 partially completed
// Source of the layout: DSM 7.2 notifications captured as sent, github:alexisskeates/synology-alert-captures
// (alerts/2026/02/11/alert_2026-02-11T21-28-23-097Z.json @743df989): the Hyper Backup title
// `Data backup task on <host> partially completed`, which another public incident log quotes too
// ("DSM: Data backup task on nl-nas01 partially comple…"). The Active Backup titles captured beside
// it (`… backup task [<task>] on [<host>] was completed`, `… has been completed`) show the other
// spellings DSM uses, with and without brackets around the task and host.
// No mail body with figures has been published: DSM's title names no size or duration, so jobs have
// none. One job per notification: the device is the NAS (Hyper Backup protects the NAS's own shares),
// the check the task name, or `Hyper Backup` with `unread: ['task name']` when the title omits it.
// Times: the event line's date follows the DSM user's date format (`11-02-2026`, `2026-02-11`);
// day and month orders are both tried and the one nearest the mail's Date header wins. Local time
// with no zone, read as UTC like every template here.
import type { JobStatus } from '../../../domain/job.js';
import { isReplyOrForward, job, keywords, mentions } from './common.js';
import type { EmailTemplate, ParsedEmail, TemplateJob } from './types.js';

const HOST_PREFIX = /^\[([^\]]+)\]\s*/;
const EVENT_LINE = /^A new system event occurred on your (\S+) on (\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4}) at (\d{1,2}):(\d{2})\.?$/;
const TITLE = /^Data backup task(?: \[(.+?)\])? on \[?([^\]\s]+)\]? (.+?)\.?$/i;

/** A DSM notification: its title (without the `[host]` prefix) and the event time, when given. */
export interface DsmNotice {
  title: string;
  at: number | null;
}

/**
 * The first subject or body line `title` accepts, with the event time from the body's `A new system
 * event occurred …` line. Shared by the Synology templates, which differ only in their titles.
 */
export function readDsmNotice(mail: ParsedEmail, title: RegExp): DsmNotice | null {
  const body = mail.text.split(/\r?\n/).map((l) => l.trim());
  const candidates = [mail.subject.trim(), ...body].map((l) => l.replace(HOST_PREFIX, ''));
  const found = candidates.find((l) => title.test(l));
  if (!found) return null;
  const event = body.map((l) => EVENT_LINE.exec(l)).find((m) => m !== null);
  return { title: found, at: event ? eventTime(event, mail.date) : null };
}

function eventTime(m: RegExpExecArray, mailDate: number | null): number | null {
  const [a, b, c, h, mi] = [m[2]!, m[3]!, m[4]!, m[5]!, m[6]!].map(Number) as [number, number, number, number, number];
  const options: Array<[number, number, number]> = m[2]!.length === 4 ? [[a, b, c]] : [[c, b, a], [c, a, b]];
  const valid = options.map(([y, mo, d]) => utc(y, mo, d, h, mi)).filter((t): t is number => t !== null);
  if (valid.length === 0) return null;
  if (mailDate === null) return valid[0]!;
  return valid.reduce((best, t) => (Math.abs(t - mailDate) < Math.abs(best - mailDate) ? t : best));
}

function utc(y: number, mo: number, d: number, h: number, mi: number): number | null {
  if (mo < 1 || mo > 12 || h > 23 || mi > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi);
  return new Date(t).getUTCDate() === d ? t : null;
}

/**
 * DSM's outcome words → status. `partially completed` is checked before `completed`; a word DSM may
 * add later is not taken for success.
 */
export function dsmOutcome(words: string): { status: JobStatus; known: boolean } {
  const w = words.toLowerCase();
  if (/partially completed/.test(w)) return { status: 'partial', known: true };
  if (/\bfail(ed|ure)?\b/.test(w)) return { status: 'failed', known: true };
  if (/\b(cancell?ed|aborted|stopped)\b/.test(w)) return { status: 'cancelled', known: true };
  if (/^(has |was )?(been )?completed( successfully)?$|^(was |is )?successful$/.test(w)) return { status: 'succeeded', known: true };
  return { status: 'warning', known: false };
}

/** detect() for a DSM notice: a cheap marker first (every message runs every template's detect(),
 * and most are not Synology's), then the title line. */
export function dsmDetect(marker: string, title: RegExp): (mail: ParsedEmail) => boolean {
  const markers = keywords(marker);
  return (mail) => mentions(mail, markers) && !isReplyOrForward(mail) && readDsmNotice(mail, title) !== null;
}

const detect = dsmDetect('data backup task', TITLE);

function parse(mail: ParsedEmail): TemplateJob[] {
  const notice = readDsmNotice(mail, TITLE);
  const m = notice && TITLE.exec(notice.title);
  if (!notice || !m) return [];
  const [, task, host, words] = m;
  const outcome = dsmOutcome(words!);
  const unread = [...(task ? [] : ['task name']), ...(outcome.known ? [] : [`status: "${words}"`])];
  return [
    job({
      device: host!,
      check: task ?? 'Hyper Backup',
      kind: 'backup',
      status: outcome.status,
      rawStatus: words!,
      endedAt: notice.at,
      message: outcome.status === 'succeeded' ? null : notice.title,
      ...(unread.length ? { unread } : {}),
    }),
  ];
}

export const synologyHyperBackup: EmailTemplate = {
  id: 'synology-hyper-backup',
  product: 'Synology Hyper Backup',
  detect,
  parse,
  statusHints: [
    { field: 'subject', op: 'regex', value: 'Data backup task .* failed', status: 'failed' },
    { field: 'subject', op: 'regex', value: 'Data backup task .* partially completed', status: 'warning' },
    { field: 'subject', op: 'regex', value: 'Data backup task .* completed', status: 'succeeded' },
  ],
};
