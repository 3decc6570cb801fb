// Wall-clock time in an IANA zone, with Intl only (no date library needed for this much).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallTime(ms: number, tz: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at instant ms, in milliseconds (e.g. +3,600,000 for CET). */
export function offsetAt(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show this wall time. In a DST gap (the time does not
 * exist) it answers the instant just after the gap; in an overlap, the first occurrence.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // The zone has at most two offsets around any instant: the one a day before and a day after.
  const before = guess - offsetAt(guess - 86_400_000, tz);
  const after = guess - offsetAt(guess + 86_400_000, tz);
  const matches = [before, after].filter((c) => {
    const w = wallTime(c, tz);
    return w.hour === hour && w.minute === minute && w.day === day;
  });
  if (matches.length > 0) return Math.min(...matches);
  return before; // a gap: the same distance past the gap's start
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}
