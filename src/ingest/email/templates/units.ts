// Size, duration and time parsing shared by every product template. Products print these in their
// own ways; each helper accepts the spellings found in real mails and answers null for anything it
// cannot read, so a template never throws on odd input.

const SI: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const IEC: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export interface SizeOptions {
  /**
   * What `KB`/`MB`/`GB` mean. IEC units (`KiB`, `MiB`) are always 1024-based. Windows products
   * (Veeam, Backup Exec) and vzdump print 1024-based sizes with SI letters; borg and Duplicati's
   * own units are 1000-based. Default: decimal.
   */
  siLetters?: 'decimal' | 'binary';
}

/** `12,345 bytes`, `2.5 GB`, `1.1 GiB`, `512.0 MB`, `0.00MB`, `13919` (bytes) → bytes, or null. */
export function parseSize(text: string | null | undefined, options: SizeOptions = {}): number | null {
  if (!text) return null;
  const m = /(-?\d[\d,. ]*)\s*([kmgtp]?)(i?)(b|bytes?|o)?\b/i.exec(text.trim());
  if (!m) return null;
  const value = parseNumber(m[1]!);
  if (value === null) return null;
  const prefix = m[2]!.toLowerCase();
  if (!prefix) return Math.round(value);
  if (!m[3] && !m[4]) return null; // a bare "5 k" or "5 m" is not a size
  const table = m[3] || options.siLetters === 'binary' ? IEC : SI;
  return Math.round(value * table[prefix]!);
}

/**
 * A number as products print it: `12,345`, `1 234`, `2.5`, `2,5`. A comma or space followed by
 * exactly three digits groups thousands; any other comma is a decimal comma.
 */
export function parseNumber(text: string): number | null {
  let s = text.trim().replace(/\s(?=\d{3}\b)/g, '');
  if (/,\d{3}(?!\d)/.test(s)) s = s.replace(/,(?=\d{3}(?!\d))/g, '');
  s = s.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
};

/**
 * `0:12:31`, `00:05:12`, `1.02:03:04.5` (.NET TimeSpan with days), `0:02` (restic's m:ss),
 * `1h 2m`, `12.5s`, `0.29 seconds`, `2 min 5 sec` → milliseconds, or null. Two colon-separated
 * parts read as minutes:seconds, as restic and `time` print them.
 */
export function parseDuration(text: string | null | undefined): number | null {
  if (!text) return null;
  const s = text.trim();
  const clock = /^(?:(\d+)[.:](?=\d+:\d+:))?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:[.,](\d+))?$/.exec(s);
  if (clock) {
    const [, d, a, b, c, frac] = clock;
    const [h, m, sec] = c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
    const fraction = frac ? Number(`0.${frac}`) : 0;
    return Math.round(((Number(d ?? 0) * 24 + h) * 3600 + m * 60 + sec + fraction) * 1000);
  }
  const parts = [...s.matchAll(/(\d+(?:[.,]\d+)?)\s*([a-z]+)/gi)];
  if (parts.length === 0) return null;
  const rest = s.replace(/(\d+(?:[.,]\d+)?)\s*([a-z]+)/gi, '').replace(/[\s,and]/gi, '');
  if (rest) return null;
  let total = 0;
  for (const [, n, unit] of parts) {
    const ms = UNIT_MS[unit!.toLowerCase()];
    if (ms === undefined) return null;
    total += Number(n!.replace(',', '.')) * ms;
  }
  return Math.round(total);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase());
}

export interface TimeOptions {
  /** Day order of numeric dates with slashes: `3/4/2024`. Default US month-first, as Duplicati and Veeam in en-US print. */
  slashOrder?: 'mdy' | 'dmy';
  /** Offset in minutes added to local times that carry no zone; default 0 (UTC). */
  defaultOffsetMinutes?: number;
}

interface DateParts {
  y: number;
  mo: number;
  d: number;
  rest: string;
}

const TIME_RE = /^(?:T|\s+|,\s*|\s+at\s+)?(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([ap]\.?m\.?)?\s*(.*)$/i;

/**
 * A point in time as a product prints it → epoch ms, or null. Reads ISO 8601, `2024-03-04 22:00:05`,
 * `Wed, 2020-12-02 08:14:41` (borg), `06-Mar-2024 23:05:01` (Bacula), `1/8/2018 10:09:16 PM`
 * (Duplicati, US order), `04.03.2024 22:00:05`, `Monday, 4 March 2024 22:00:05` and
 * `March 4, 2024 10:00:05 PM` (Veeam), with an optional zone (`Z`, `UTC`, `GMT`, `+01:00`, `-0800`,
 * `-08`). Without a zone the time is read as UTC (or `defaultOffsetMinutes`), since a mail rarely
 * says which zone its product's clock was in.
 */
export function parseTime(text: string | null | undefined, options: TimeOptions = {}): number | null {
  if (!text) return null;
  const s = text.trim().replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, '');
  const date = readDate(s, options.slashOrder ?? 'mdy');
  if (!date) return null;
  const t = TIME_RE.exec(date.rest);
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let zoneText = date.rest;
  if (t) {
    h = Number(t[1]);
    mi = Number(t[2]);
    sec = Number(t[3] ?? 0);
    ms = t[4] ? Math.round(Number(`0.${t[4]}`) * 1000) : 0;
    const ampm = t[5]?.toLowerCase().replace(/\./g, '');
    if (ampm === 'pm' && h < 12) h += 12;
    if (ampm === 'am' && h === 12) h = 0;
    zoneText = t[6] ?? '';
  }
  if (h > 23 || mi > 59 || sec > 60) return null;
  const offset = parseZone(zoneText, options.defaultOffsetMinutes ?? 0);
  if (offset === null) return null;
  const utc = Date.UTC(date.y, date.mo, date.d, h, mi, sec, ms);
  const check = new Date(Date.UTC(date.y, date.mo, date.d));
  if (check.getUTCDate() !== date.d || check.getUTCMonth() !== date.mo) return null;
  return utc - offset * 60_000;
}

function readDate(s: string, slashOrder: 'mdy' | 'dmy'): DateParts | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$/.exec(s);
  if (m) return { y: Number(m[1]), mo: Number(m[2]) - 1, d: Number(m[3]), rest: m[4]! };
  m = /^(\d{1,2})[-\s]([A-Za-z]{3,})\.?[-\s,]+(\d{4})(.*)$/.exec(s);
  if (m && monthIndex(m[2]!) >= 0) return { y: Number(m[3]), mo: monthIndex(m[2]!), d: Number(m[1]), rest: m[4]! };
  m = /^([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(.*)$/.exec(s);
  if (m && monthIndex(m[1]!) >= 0) return { y: Number(m[3]), mo: monthIndex(m[1]!), d: Number(m[2]), rest: m[4]! };
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(.*)$/.exec(s);
  if (m) return { y: Number(m[3]), mo: Number(m[2]) - 1, d: Number(m[1]), rest: m[4]! };
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(.*)$/.exec(s);
  if (m) {
    let [a, b] = [Number(m[1]), Number(m[2])];
    // A first number above 12 cannot be a month: the mail is day-first whatever the option says.
    if (slashOrder === 'dmy' || a > 12) [a, b] = [b, a];
    return { y: Number(m[3]), mo: a - 1, d: b, rest: m[4]! };
  }
  return null;
}

/** Minutes east of UTC for a trailing zone, the default when there is none, or null for junk. */
function parseZone(text: string, fallback: number): number | null {
  const z = text.trim().replace(/^\(|\)$/g, '');
  if (!z) return fallback;
  if (/^(z|utc|gmt)$/i.test(z)) return 0;
  const m = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  // Anything after the time that is not a zone (a trailing word, an epoch in brackets) is ignored.
  return /^[a-z]{3,5}$/i.test(z) ? null : fallback;
}

/**
 * A clock time without a date (`22:00:05`, `10:00:05 PM`), placed on the day of `base` (epoch ms);
 * a time earlier than `base` by more than 12 hours is taken as the next day (a job past midnight).
 */
export function timeOnDayOf(text: string | null | undefined, base: number | null): number | null {
  if (!text || base === null) return null;
  const t = TIME_RE.exec(` ${text.trim()}`);
  if (!t || t[6]) return parseTime(text);
  let h = Number(t[1]);
  const ampm = t[5]?.toLowerCase().replace(/\./g, '');
  if (ampm === 'pm' && h < 12) h += 12;
  if (ampm === 'am' && h === 12) h = 0;
  const day = new Date(base);
  const at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, Number(t[2]), Number(t[3] ?? 0));
  return at < base - 12 * 3_600_000 ? at + 86_400_000 : at;
}

/** Lines of `key: value` (first colon) as a map with lower-cased, space-normalised keys; first wins. */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z][\w ().%/-]*?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase().replace(/\s+/g, ' ');
    if (!out.has(key)) out.set(key, m[2]!);
  }
  return out;
}
