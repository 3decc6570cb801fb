// How an integration (a connector, a polled mailbox, a notification channel) is doing, read from
// its last run: `ok` when the last sync, poll or delivery attempt went through, `failing` when it
// did not (with the error), `unknown` when it has never run. Never green without evidence.
// docs/connectors.md and docs/notifications.md describe the derivation for users.

export type HealthState = 'ok' | 'failing' | 'unknown';

export interface HealthReport {
  health: HealthState;
  /** The last error when failing; why it is unknown, if there is more to say; null when ok. */
  detail: string | null;
  /** When the evidence was gathered (the last run, poll or attempt); null when there is none. */
  checkedAt: number | null;
}

const UNKNOWN: HealthReport = { health: 'unknown', detail: null, checkedAt: null };

/** A connector, from its last sync run: `succeeded` is ok; `partial` and `failed` are failing. */
export function connectorHealth(last: { status: string | null; error: string | null; at: number | null }): HealthReport {
  if (last.status === null || last.at === null) return UNKNOWN;
  if (last.status === 'succeeded') return { health: 'ok', detail: null, checkedAt: last.at };
  // Stopped by a shutdown or a lost lease: it says nothing either way.
  if (last.status === 'abandoned') return { health: 'unknown', detail: last.error ?? 'the last sync did not finish', checkedAt: last.at };
  return { health: 'failing', detail: last.error ?? `the last sync ${last.status}`, checkedAt: last.at };
}

/** A polled mailbox, from its last poll. */
export function mailboxHealth(last: { at: number | null; error: string | null }): HealthReport {
  if (last.at === null) return UNKNOWN;
  return last.error === null ? { health: 'ok', detail: null, checkedAt: last.at } : { health: 'failing', detail: last.error, checkedAt: last.at };
}

export const NO_RELAY_HEALTH = 'no relay configured (KEEPWATCH_MAIL_URL)';

export interface ChannelFacts {
  type: string;
  /** Whether an e-mail relay is configured (KEEPWATCH_MAIL_URL). */
  relay: boolean;
  brokenAt: number | null;
  brokenReason: string | null;
  failingSince: number | null;
  /** The newest delivery attempt (a notification or a test), if any. */
  lastAttempt: { at: number; sent: boolean; status: string | null; response: string | null } | null;
  /** The newest failed attempt, when the newest attempt went through but the channel still backs off. */
  lastFailure: { at: number; status: string | null; response: string | null } | null;
}

const attemptError = (a: { status: string | null; response: string | null }) => a.response ?? (a.status === null ? 'the last delivery failed' : `the last delivery failed: ${a.status}`);

/**
 * A notification channel, from its last delivery attempt or test: an e-mail channel with no relay
 * cannot send anything, and a broken channel or one backing off after failures is failing whatever
 * went through before.
 */
export function channelHealth(f: ChannelFacts): HealthReport {
  const checkedAt = f.lastAttempt?.at ?? null;
  if (f.type === 'email' && !f.relay) return { health: 'failing', detail: NO_RELAY_HEALTH, checkedAt };
  if (f.brokenAt !== null) return { health: 'failing', detail: f.brokenReason ?? 'the channel is broken', checkedAt: checkedAt ?? f.brokenAt };
  if (f.lastAttempt !== null && !f.lastAttempt.sent) return { health: 'failing', detail: attemptError(f.lastAttempt), checkedAt };
  if (f.failingSince !== null) {
    const failure = f.lastFailure;
    return { health: 'failing', detail: failure ? attemptError(failure) : 'deliveries are failing; retried with back-off', checkedAt: checkedAt ?? failure?.at ?? f.failingSince };
  }
  if (f.lastAttempt === null) return UNKNOWN;
  return { health: 'ok', detail: null, checkedAt };
}
