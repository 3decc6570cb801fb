// Answers of the `…-types` routes: each registered channel, connector or mailbox type with its
// config fields, so the console draws their forms without knowing the types (lib/config-fields.ts).
import { Type } from 'typebox';
import { Nullable, StringEnum } from './schemas.js';

const FIELD_KINDS = ['string', 'url', 'email', 'integer', 'number', 'boolean', 'enum', 'list', 'email_list', 'map', 'json'] as const;

export const FieldDescriptionSchema = Type.Object({
  name: Type.String({ description: 'the key in `config`' }),
  label: Type.String(),
  description: Nullable(Type.String()),
  required: Type.Boolean(),
  secret: Type.Boolean({ description: 'write-only: answered as `***`; omit it or send `***` to keep the stored value' }),
  kind: StringEnum(FIELD_KINDS, { description: 'list: strings; email_list: addresses; map: string → string; json: anything else' }),
  options: Nullable(Type.Array(Type.String(), { description: 'the choices of an enum' })),
  default: Type.Unknown(),
  minimum: Nullable(Type.Number({ description: 'numbers: the least value; lists: the fewest items' })),
  maximum: Nullable(Type.Number()),
  advanced: Type.Boolean({ description: 'rarely changed: forms fold it away' }),
});

export const TypeDescriptionSchema = Type.Object({
  type: Type.String(),
  label: Type.String(),
  description: Nullable(Type.String()),
  fields: Nullable(Type.Array(FieldDescriptionSchema, { description: 'null: the type describes no fields; its config is free-form JSON' })),
});

export const TypeListSchema = Type.Object({ items: Type.Array(TypeDescriptionSchema) });
