// One wake-up bus for the process: code that has just committed work for a background loop says
// so by topic; the loop listens. Publishers need not exist after, or know, the loops they wake,
// so the composition root builds everything in one pass with no late-bound callbacks. Waking is
// only a hint: every loop also polls, which is how instances on one database see each other's work.

export type WakeTopic =
  /** devices queued for evaluation, or settings/windows that make devices due */
  | 'evaluator'
  /** raw e-mail stored and waiting to be parsed */
  | 'email'
  /** a connector added, changed or asked to sync */
  | 'connectors'
  /** alert events committed to the outbox */
  | 'notify-router'
  /** deliveries queued */
  | 'notify-sender'
  /** a check's e-mail address or rules changed: routing caches must be dropped */
  | 'email-routing';

export class WakeBus {
  private readonly listeners = new Map<WakeTopic, Array<() => void>>();

  on(topic: WakeTopic, listener: () => void): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(listener);
    this.listeners.set(topic, list);
  }

  wake(topic: WakeTopic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  /** A callback that wakes `topic`, for constructors that take one. */
  waker(topic: WakeTopic): () => void {
    return () => this.wake(topic);
  }
}
