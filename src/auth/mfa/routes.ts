// Multi-factor sign-in routes (docs/security.md "Multi-factor sign-in"): one's own factors under
// /api/v1/session/mfa (a console session only; the ones marked `enrolment` stay open to a session
// that may only enrol), and the workspace's "MFA required for everyone" switch for owners.
import { Type } from 'typebox';
import { IdParams, ProblemSchema, problemResponses } from '../../http/schemas.js';
import type { Api } from '../../http/types.js';
import type { SessionService } from '../sessions.js';
import type { MfaService, PasskeyView } from './service.js';

const Code = Type.String({ minLength: 1, maxLength: 64, description: 'a current code of the authenticator app, or an unused recovery code' });

const StatusSchema = Type.Object({
  totp: Type.Boolean({ description: 'an authenticator app (TOTP) is set up' }),
  totp_pending: Type.Boolean({ description: 'a TOTP secret awaits its first code (POST …/totp/confirm)' }),
  passkeys: Type.Integer(),
  recovery_codes_left: Type.Integer(),
  required: Type.Boolean({ description: 'the workspace makes MFA mandatory for password sign-in' }),
  enrolment_required: Type.Boolean({ description: 'this session may only enrol a factor until one is set up' }),
});

const PasskeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const PolicySchema = Type.Object({ required: Type.Boolean({ description: 'MFA required for everyone who signs in with a password' }) });

const iso = (ms: number) => new Date(ms).toISOString();
const passkeyDto = (p: PasskeyView) => ({ id: p.id, name: p.name, created_at: iso(p.created_at), last_used_at: p.last_used_at === null ? null : iso(p.last_used_at) });

export function mfaRoutes(app: Api, deps: { mfa: MfaService; sessions: SessionService }): void {
  const { mfa, sessions } = deps;
  const own = { ability: 'read', session: true } as const;
  const enrol = { ...own, enrolment: true } as const;

  app.get(
    '/api/v1/session/mfa',
    { config: enrol, schema: { tags: ['session'], summary: 'Your second factors, and whether the workspace requires one', response: { 200: StatusSchema, ...problemResponses } } },
    async (req) => ({ ...(await mfa.status(req.principal.id)), enrolment_required: req.consoleSession?.mfa_enrolment === 1 }),
  );

  app.post(
    '/api/v1/session/mfa/totp',
    {
      config: enrol,
      schema: {
        tags: ['session'],
        summary: 'Start setting up an authenticator app: a new secret, pending until confirmed with a code (409 while one is set up)',
        response: { 200: Type.Object({ secret: Type.String({ description: 'base32' }), otpauth_url: Type.String({ description: 'otpauth://totp/… for a QR code' }) }), 409: ProblemSchema, ...problemResponses },
      },
    },
    async (req) => mfa.beginTotp(req.principal),
  );

  app.post(
    '/api/v1/session/mfa/totp/confirm',
    {
      config: enrol,
      schema: {
        tags: ['session'],
        summary: 'Confirm the authenticator app with its current code: MFA is on; answers ten recovery codes, shown once',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ recovery_codes: Type.Array(Type.String()) }), 409: ProblemSchema, ...problemResponses },
      },
    },
    async (req) => mfa.confirmTotp(req.principal, req.body.code),
  );

  app.delete(
    '/api/v1/session/mfa/totp',
    {
      config: own,
      schema: {
        tags: ['session'],
        summary: 'Turn the authenticator app off (needs a current code or a recovery code); its recovery codes end with it',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 204: Type.Null(), 409: ProblemSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      await mfa.disableTotp(req.principal, req.body.code);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/session/mfa/passkeys',
    { config: enrol, schema: { tags: ['session'], summary: 'Your passkeys', response: { 200: Type.Object({ items: Type.Array(PasskeySchema) }), ...problemResponses } } },
    async (req) => ({ items: (await mfa.listPasskeys(req.principal)).map(passkeyDto) }),
  );

  app.post(
    '/api/v1/session/mfa/passkeys/options',
    {
      config: enrol,
      schema: {
        tags: ['session'],
        summary: 'WebAuthn registration options for navigator.credentials.create() (the challenge is valid for five minutes, once)',
        response: { 200: Type.Unknown({ description: 'PublicKeyCredentialCreationOptionsJSON' }), ...problemResponses },
      },
    },
    async (req) => mfa.registrationOptions(req.principal),
  );

  app.post(
    '/api/v1/session/mfa/passkeys',
    {
      config: enrol,
      schema: {
        tags: ['session'],
        summary: 'Register a passkey: the browser’s answer to the registration options',
        body: Type.Object(
          {
            response: Type.Unknown({ description: 'the PublicKeyCredential JSON navigator.credentials.create() gave' }),
            name: Type.Optional(Type.String({ maxLength: 100, description: 'how the passkey is listed; default "Passkey <n>"' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PasskeySchema, 409: ProblemSchema, ...problemResponses },
      },
    },
    async (req, reply) => reply.code(201).send(passkeyDto(await mfa.registerPasskey(req.principal, req.body.response, req.body.name))),
  );

  app.delete(
    '/api/v1/session/mfa/passkeys/:id',
    {
      config: own,
      schema: { tags: ['session'], summary: 'Remove one of your passkeys', params: IdParams, response: { 204: Type.Null(), 409: ProblemSchema, ...problemResponses } },
    },
    async (req, reply) => {
      await mfa.removePasskey(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/users/:id/mfa',
    {
      config: { ability: 'manage_users', scope: 'workspace' },
      schema: {
        tags: ['users'],
        summary: 'Remove every second factor of a user who lost theirs, and end their sessions (owners)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await mfa.resetUser(req.principal, req.params.id, (id) => sessions.revokeAll(id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/settings/mfa',
    { config: { ability: 'manage_users', scope: 'workspace' }, schema: { tags: ['users'], summary: 'Whether MFA is required for everyone (owners)', response: { 200: PolicySchema, ...problemResponses } } },
    async () => mfa.policy(),
  );

  app.put(
    '/api/v1/settings/mfa',
    {
      config: { ability: 'manage_users', scope: 'workspace' },
      schema: {
        tags: ['users'],
        summary: 'Require MFA for everyone who signs in with a password (owners): users without it may only enrol at their next sign-in',
        body: Type.Object({ required: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: PolicySchema, ...problemResponses },
      },
    },
    async (req) => mfa.setPolicy(req.principal, req.body),
  );
}
