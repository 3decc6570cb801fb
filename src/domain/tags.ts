// Tags on devices and checks (issue #20): short labels a person or a script puts on things so a
// list, the alerts and the grid can be narrowed to them (`?tag=prod`). Tags are compared the way
// names are: trimmed and lower-cased, so `Prod` from one script and `prod` from another are one tag.
import { type FieldProblem, ValidationError } from './errors.js';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
/** After trimming and lower-casing: letters, digits and `- _ . : /` (room for `site:paris`, `os/linux`). */
const TAG = /^[a-z0-9_.:/-]{1,50}$/;
export const TAG_RULE = `1 to ${MAX_TAG_LENGTH} letters, digits or - _ . : /`;

/** A tag as stored and matched; null when it cannot be one. */
export function normaliseTag(value: string): string | null {
  const tag = value.trim().toLowerCase();
  return TAG.test(tag) ? tag : null;
}

/**
 * The tags as stored: normalised, duplicates dropped, sorted (so a list reads the same whoever
 * wrote it). A bad tag is a ValidationError naming it by position, e.g. `tags[2]` or
 * `jobs[0].device.tags[2]` with `field` as the prefix.
 */
export function normaliseTags(values: readonly string[], field = 'tags'): string[] {
  const problems: FieldProblem[] = [];
  const out = new Set<string>();
  values.forEach((v, i) => {
    const tag = normaliseTag(v);
    if (tag === null) problems.push({ field: `${field}[${i}]`, message: `must be ${TAG_RULE}` });
    else out.add(tag);
  });
  if (out.size > MAX_TAGS) problems.push({ field, message: `must hold at most ${MAX_TAGS} tags` });
  if (problems.length > 0) throw new ValidationError(problems);
  return [...out].sort();
}

/** A `?tag=` filter: each tag normalised (repeated `tag=` means all of them); a bad one names `tag`. */
export function tagFilter(values: readonly string[] | undefined): string[] {
  if (values === undefined || values.length === 0) return [];
  return normaliseTags(values, 'tag');
}

/** The tags a row keeps as JSON text; anything unreadable counts as none. */
export function storedTags(text: string | null): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
