// Tags as the API takes them (domain/tags.ts has the rules). The schema bounds size only; the
// domain normalises each tag and names a bad one by position (`tags[2]`), the same for every path.
import { Type } from 'typebox';
import { MAX_TAGS, TAG_RULE } from '../domain/tags.js';

/** A list of tags; `what` says what the list does (replace or add). */
export const Tags = (what: string) =>
  Type.Array(Type.String({ maxLength: 100 }), {
    maxItems: MAX_TAGS,
    description: `${what}; each ${TAG_RULE}, trimmed and lower-cased, duplicates dropped`,
  });

/** `?tag=`: repeat it to require every tag. */
export const TagQuery = {
  tag: Type.Optional(
    Type.Array(Type.String({ maxLength: 100 }), { maxItems: MAX_TAGS, description: 'only what carries this tag; repeated: every one of them' }),
  ),
};
