// First-run setup, sign-in, sign-out and password change for the console. The routes of one's own
// session say `session: true`: an API token is refused (403) before the body is read.
import { Type } from 'typebox';
import type { SessionRow, UserRow } from '../db/schema.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { SessionService } from './sessions.js';
import type { SsoService } from './sso.js';
import { principalOf, type UserService } from './users.js';
import { PasswordChangeBody, SessionSchema, SetupBody, SetupStateSchema, SignInBody, userDto } from './schemas.js';
import { clearSessionCookie, clientMeta, sessionSecret, setSessionCookie } from '../http/plugins/session.js';
import { ProblemSchema, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';

export interface SessionDeps {
  users: UserService;
  sessions: SessionService;
  sso: SsoService;
  publicUrl: string;
  /** Loads the demo estate; absent where the process cannot (none in this build). */
  loadDemo?: () => Promise<unknown>;
}

function sessionDto(user: UserRow, session: SessionRow) {
  return {
    user: userDto(user),
    abilities: [...principalOf(user).abilities],
    csrf_token: session.csrf_token,
    expires_at: new Date(session.expires_at).toISOString(),
    mfa_enrolment_required: session.mfa_enrolment === 1,
  };
}

export function sessionRoutes(app: Api, deps: SessionDeps): void {
  const { users, sessions, publicUrl } = deps;
  const publicProblems = { 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema, 429: ProblemSchema };

  app.get(
    '/api/v1/setup',
    { schema: { tags: ['session'], summary: 'Whether first-run setup is needed (no owner exists yet)', security: [], response: { 200: SetupStateSchema } } },
    async () => ({ needs_setup: await users.needsSetup(), demo_available: deps.loadDemo !== undefined, sso_enabled: await deps.sso.enabled() }),
  );

  app.post(
    '/api/v1/setup',
    {
      schema: {
        tags: ['session'],
        summary: 'First run: create the owner (only while none exists), sign them in, optionally load the demo estate',
        security: [],
        body: SetupBody,
        response: { 201: SessionSchema, ...publicProblems },
      },
    },
    async (req, reply) => {
      const user = await users.setupOwner({ email: req.body.email, password: req.body.password, name: req.body.name ?? null });
      const started = await sessions.start(user, clientMeta(req));
      if (req.body.demo && deps.loadDemo) await deps.loadDemo();
      setSessionCookie(reply, started.secret, publicUrl);
      return reply.code(201).send(sessionDto(user, started.session));
    },
  );

  app.post(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in with e-mail and password (and a second factor when the user has one: 401 mfa_required without it): sets the HTTP-only session cookie',
        security: [],
        body: SignInBody,
        response: { 200: SessionSchema, ...publicProblems },
      },
    },
    async (req, reply) => {
      const started = await sessions.signIn(req.body.email, req.body.password, clientMeta(req), { code: req.body.code, passkey: req.body.passkey });
      setSessionCookie(reply, started.secret, publicUrl);
      return sessionDto(started.user, started.session);
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { ability: 'read', session: true, enrolment: true },
      schema: { tags: ['session'], summary: 'Who is signed in, with the CSRF token for writes', response: { 200: SessionSchema, ...problemResponses } },
    },
    async (req) => {
      if (!req.consoleSession) throw new UnauthenticatedError('no console session: sign in');
      return sessionDto(await users.get(req.principal.id), req.consoleSession);
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { ability: 'read', session: true, enrolment: true },
      schema: { tags: ['session'], summary: 'Sign out: the session ends at once', response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      const secret = sessionSecret(req);
      if (!req.consoleSession || secret === null) throw new UnauthenticatedError('no console session: sign in');
      await sessions.signOut(secret);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/session/password',
    {
      config: { ability: 'read', session: true },
      schema: {
        tags: ['session'],
        summary: 'Change your password: every session of yours ends, this one is renewed',
        body: PasswordChangeBody,
        response: { 200: SessionSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (!req.consoleSession) throw new UnauthenticatedError('no console session: sign in');
      const user = await users.changePassword(req.principal, req.body.current_password, req.body.new_password);
      const started = await sessions.start(user, clientMeta(req));
      setSessionCookie(reply, started.secret, publicUrl);
      return sessionDto(user, started.session);
    },
  );
}
