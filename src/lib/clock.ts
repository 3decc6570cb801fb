/** Time is passed in: services and loops get a Clock, domain code gets `now` as a number. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms` (a connector waiting out throttling). Absent: real timers. */
  sleep?(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Waits on the clock: real time, or a ManualClock's time moving forward at once. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  if (clock.sleep) return clock.sleep(ms);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A clock that only moves when told to; for tests and backfills. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  /** Nobody waits: the time moves instead. */
  sleep(ms: number): Promise<void> {
    this.current += ms;
    return Promise.resolve();
  }
}
