// Schemas and answers of the console's own routes: setup, sessions, users and API tokens.
import { type Static, Type } from 'typebox';
import { ROLES, TOKEN_SCOPES } from '../domain/access.js';
import type { UserRow } from '../db/schema.js';
import { toIso } from '../lib/time.js';
import type { TokenView } from './tokens.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import { MAX_COUNT } from '../domain/limits.js';

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1000 });
const Time = Nullable(Type.String({ format: 'date-time' }));
const ClientIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000, description: 'limit to these clients; empty or null: every client' });

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: StringEnum(ROLES),
  client_ids: Nullable(Type.Array(Type.String())),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  disabled_at: Time,
  break_glass: Type.Boolean({ description: 'an owner who keeps password sign-in when single sign-on switches it off' }),
});

export const SessionSchema = Type.Object({
  user: UserSchema,
  abilities: Type.Array(Type.String(), { description: 'what this user may do: read, operate, admin, manage_users …' }),
  csrf_token: Type.String({ description: 'send it back as the X-CSRF-Token header on every write made with the session cookie' }),
  expires_at: Type.String({ format: 'date-time' }),
  mfa_enrolment_required: Type.Boolean({ description: 'MFA is mandatory and this user has none: until one is set up, this session may only enrol (403 mfa_enrolment_required elsewhere)' }),
});

export const SetupStateSchema = Type.Object({
  needs_setup: Type.Boolean({ description: 'true until an owner exists' }),
  demo_available: Type.Boolean(),
  sso_enabled: Type.Boolean({ description: 'the sign-in page offers "Sign in with SSO" (GET /auth/oidc/login)' }),
});

export const SetupBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    demo: Type.Optional(Type.Boolean({ description: 'load the demo estate (3 clients, ~40 devices, 60 days of jobs)' })),
  },
  { additionalProperties: false },
);

export const SignInBody = Type.Object(
  {
    email: Email,
    password: Password,
    code: Type.Optional(Type.String({ maxLength: 64, description: 'second factor: a current code of the authenticator app, or an unused recovery code' })),
    passkey: Type.Optional(Type.Unknown({ description: 'second factor: the PublicKeyCredential JSON navigator.credentials.get() gave for `passkey_options`' })),
  },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object({ current_password: Password, new_password: Password }, { additionalProperties: false });

export const NewUserBody = Type.Object(
  { email: Email, password: Password, role: StringEnum(ROLES), name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), client_ids: Type.Optional(Nullable(ClientIds)) },
  { additionalProperties: false },
);

export const UserPatchBody = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    role: Type.Optional(StringEnum(ROLES)),
    client_ids: Type.Optional(Nullable(ClientIds)),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'set a new password; ends the user’s sessions' })),
    break_glass: Type.Optional(Type.Boolean({ description: 'owners only: keeps password sign-in when single sign-on switches it off' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scope: StringEnum(TOKEN_SCOPES),
  client_ids: Nullable(Type.Array(Type.String())),
  daily_limit: Nullable(Type.Integer()),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Time,
  revoked_at: Time,
});

export const NewTokenBody = Type.Object(
  {
    scope: StringEnum(TOKEN_SCOPES),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    client_ids: Type.Optional(Nullable(ClientIds)),
    daily_limit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_COUNT }))),
  },
  { additionalProperties: false },
);

export const CreatedTokenSchema = Type.Object({ ...TokenSchema.properties, token: Type.String({ description: 'the token itself: shown once, never again' }) });

export function userDto(u: UserRow): Static<typeof UserSchema> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Static<typeof UserSchema>['role'],
    client_ids: u.client_ids ? (JSON.parse(u.client_ids) as string[]) : null,
    created_at: new Date(u.created_at).toISOString(),
    updated_at: new Date(u.updated_at).toISOString(),
    disabled_at: toIso(u.disabled_at),
    break_glass: u.break_glass === 1,
  };
}

export function tokenDto(t: TokenView): Static<typeof TokenSchema> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scope: t.scope,
    client_ids: t.client_ids,
    daily_limit: t.daily_limit,
    created_at: new Date(t.created_at).toISOString(),
    last_used_at: toIso(t.last_used_at),
    revoked_at: toIso(t.revoked_at),
  };
}
