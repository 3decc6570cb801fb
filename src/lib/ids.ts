import { randomBytes, randomFillSync } from 'node:crypto';

// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then random bits. Ids made
// by one process sort in the order they were made, even within a millisecond (RFC 9562 §6.2,
// method 1), so they double as stable cursor keys and history order; a job id's prefix says when
// it was received (retention and exports walk the primary key by time). Randomness comes from a
// pool, refilled in bulk: one syscall per 256 ids instead of one per id, on the ingest hot path.
const POOL_IDS = 256;
const pool = Buffer.alloc(10 * POOL_IDS);
let poolIndex = POOL_IDS;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let lastTs = -1;
let counter = 0;

export function newId(now = Date.now()): string {
  if (poolIndex === POOL_IDS) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  const r = poolIndex++ * 10;
  let t = Math.floor(now);
  if (t > lastTs) {
    // A new millisecond: start the counter low and random, leaving room to count up.
    counter = ((pool[r]! & 0x07) << 8) | pool[r + 1]!;
    lastTs = t;
  } else {
    // Same millisecond, or the clock stepped back: count on from the last id.
    counter++;
    if (counter > 0xfff) {
      lastTs++;
      counter = 0;
    }
    t = lastTs;
  }
  const ts = t.toString(16).padStart(12, '0');
  const ver = HEX[0x70 | (counter >> 8)]! + HEX[counter & 0xff]!;
  const variant = HEX[0x80 | (pool[r + 2]! & 0x3f)]! + HEX[pool[r + 3]!]!;
  let tail = '';
  for (let i = 4; i < 10; i++) tail += HEX[pool[r + i]!]!;
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${ver}-${variant}-${tail}`;
}

/**
 * Forgets the last id's time, so the next id is made at the time it is given. Ids stay ordered in
 * a process whose clock only moves on; this is for one whose clock jumps back for good: test
 * files sharing a worker process, each with a clock of its own (vitest `isolate: false`).
 */
export function forgetLastId(): void {
  lastTs = -1;
  counter = 0;
}

/** The smallest id that can be made at `ms`: ids below it were made earlier. */
export function idFloor(ms: number): string {
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-0000-0000-000000000000`;
}

/** A random URL-safe secret of `bytes` bytes of entropy (ping keys, inbound addresses). */
export function randomKey(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
