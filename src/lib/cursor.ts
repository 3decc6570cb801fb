// Opaque keyset cursors: the sort key of the last item of a page, base64url-encoded JSON.
export type CursorKey = readonly (string | number | null)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** null when the cursor is not one of ours (the caller turns that into a 400 naming `cursor`). */
export function decodeCursor(cursor: string, length: number): CursorKey | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(key) || key.length !== length) return null;
    if (!key.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) return null;
    return key as CursorKey;
  } catch {
    return null;
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Given limit+1 rows, answers the page and the cursor of its last item. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), next_cursor: hasMore && last !== undefined ? encodeCursor(key(last)) : null };
}
