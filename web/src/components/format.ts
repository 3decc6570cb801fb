const UNITS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
];

/** "3 h ago", "in 2 d", "never". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const diff = now - Date.parse(iso);
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'just now';
  const [ms, unit] = UNITS.find(([m]) => abs >= m) ?? UNITS[2]!;
  const n = Math.floor(abs / ms);
  return diff >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export const STATUS_COLORS: Record<string, string> = {
  healthy: 'teal',
  warning: 'yellow',
  critical: 'red',
  unknown: 'gray',
  retired: 'dark',
  succeeded: 'teal',
  failed: 'red',
  partial: 'orange',
  cancelled: 'gray',
  skipped: 'gray',
  running: 'blue',
  no_result: 'red',
  up: 'teal',
  down: 'red',
  late: 'yellow',
  overdue: 'red',
  paused: 'gray',
  new: 'blue',
  info: 'blue',
  open: 'red',
  acknowledged: 'yellow',
  dismissed: 'gray',
  resolved: 'teal',
};

export const colorOf = (s: string | null | undefined) => STATUS_COLORS[s ?? ''] ?? 'gray';

export const label = (s: string) => s.replace(/_/g, ' ');
