// What a badge says: one of four bands, read from what the engine has already decided (a device's
// band from its health score, a check's state), never computed a second way here.
export const BADGE_STATUSES = ['healthy', 'warning', 'critical', 'unknown'] as const;
export type BadgeStatus = (typeof BADGE_STATUSES)[number];

// Worst first: something unknown (never reported, paused) outranks healthy, because a badge that
// shows green while one machine has never been heard from would reassure wrongly.
const WORST_FIRST: readonly BadgeStatus[] = ['critical', 'warning', 'unknown', 'healthy'];

/** A device's band as the engine stored it (`retired` is left out before this is asked). */
export function deviceBadgeStatus(band: string): BadgeStatus {
  return (BADGE_STATUSES as readonly string[]).includes(band) ? (band as BadgeStatus) : 'unknown';
}

/** A check's state as a band: up is healthy, late a warning, down or overdue critical; new and paused are unknown. */
export function checkBadgeStatus(state: string, paused: boolean): BadgeStatus {
  if (paused) return 'unknown';
  if (state === 'up') return 'healthy';
  if (state === 'late') return 'warning';
  if (state === 'down' || state === 'overdue') return 'critical';
  return 'unknown';
}

/** The worst of several; nothing at all is unknown. */
export function worstStatus(statuses: readonly BadgeStatus[]): BadgeStatus {
  if (statuses.length === 0) return 'unknown';
  return WORST_FIRST.find((s) => statuses.includes(s)) ?? 'unknown';
}
