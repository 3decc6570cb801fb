// A ping's body becomes its log. Backup tools print their summary (totals, errors, the verdict)
// last, so a body over the limit keeps its END, and says at the start how much went before it.

/** The marker put before a cut body's kept end; `n` counts the bytes (UTF-8) left out. */
export function cutMark(n: number): string {
  return `[… ${n.toLocaleString('en-US')} bytes cut]\n`;
}

/**
 * At most `maxBytes` bytes of UTF-8, mark included: the body as given when it fits, else the mark
 * and as much of the end as fits after it, never starting inside a character.
 */
export function keepEnd(body: string, maxBytes: number): string {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= maxBytes) return body;
  // The mark's length depends on the number it carries: size it for the worst case (all cut).
  const room = maxBytes - Buffer.byteLength(cutMark(bytes.length));
  let start = bytes.length - Math.max(room, 0);
  // Continuation bytes are 10xxxxxx: step forward to the first byte of a character.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return cutMark(start) + bytes.subarray(start).toString('utf8');
}
