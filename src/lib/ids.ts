import { randomBytes } from 'node:crypto';
import { v7 } from 'uuid';

/** Time-ordered ids: they sort by creation, so they double as stable cursor keys. */
export function newId(): string {
  return v7();
}

/** A random URL-safe secret of `bytes` bytes of entropy (ping keys, inbound addresses). */
export function randomKey(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
