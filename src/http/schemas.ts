// Building blocks of the route schemas, which sit beside their routes (catalog/schemas.ts,
// engine/schemas.ts, ingest/api/schemas.ts, …): the single source for validation, the OpenAPI
// document and the console's types.
import { type TSchema, Type } from 'typebox';
import { MAX_SAFE } from '../domain/limits.js';

/** A string enum as one `enum` keyword, so a bad value gets one clear error. */
export function StringEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function NullableEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const IsoTime = Type.String({ format: 'date-time' });
export const NullableTime = Nullable(IsoTime);
/** Sizes in bytes: whole, non-negative and exact as a JSON number (docs/api.md "Limits"). */
export const Bytes = Type.Integer({ minimum: 0, maximum: MAX_SAFE });
export const Percent = Type.Number({ minimum: 0, maximum: 100 });
/** A calendar day; months 01–12 and days 01–31 so an impossible date never reaches the rules. */
export const DateOnly = (description: string) =>
  Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description });
/** A query bound: a calendar day or an ISO-8601 date-time. */
export const DateOrTime = (description: string) =>
  Type.String({
    pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ][0-2][0-9]:[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?([Zz]|[+-][0-2][0-9]:?[0-5][0-9])?)?$',
    description,
  });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const IdParams = Type.Object({ id: Id });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    code: Type.Optional(Type.String({ description: 'a stable name of the problem where a client acts on it: mfa_required, mfa_rejected, mfa_enrolment_required' })),
    mfa_required: Type.Optional(Type.Boolean({ description: 'sign-in: the password was right; send a second factor (docs/security.md)' })),
    methods: Type.Optional(Type.Array(Type.String(), { description: 'sign-in: the second factors this user has: totp, passkey' })),
    passkey_options: Type.Optional(Type.Unknown({ description: 'sign-in: WebAuthn request options for navigator.credentials.get() when the user has a passkey' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** The error answers every authenticated route can give. */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  429: ProblemSchema,
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) });
}

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

/** How an integration (connector, mailbox, channel) is doing, from its last run: never green without evidence. */
export const HealthFields = {
  health: StringEnum(['ok', 'failing', 'unknown'] as const, { description: 'ok: the last run (sync, poll, delivery or test) went through; failing: it did not; unknown: never run' }),
  health_detail: Nullable(Type.String({ description: 'the last error when failing; null when ok' })),
  health_checked_at: Nullable(Type.String({ format: 'date-time', description: 'when the last run that decided it happened' })),
};

/** The API's form of a HealthReport (src/domain/integration-health.ts). */
export function healthDto(h: { health: 'ok' | 'failing' | 'unknown'; detail: string | null; checkedAt: number | null }) {
  return { health: h.health, health_detail: h.detail, health_checked_at: h.checkedAt === null ? null : new Date(h.checkedAt).toISOString() };
}
