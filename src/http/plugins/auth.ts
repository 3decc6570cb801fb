// Every route declares the ability it needs in `config.ability` and what it reaches in
// `config.scope` (`client`, the default, or `workspace`: docs/security.md); a route only for a
// signed-in console user says `config.session: true`. This hook answers 401/403 in `onRequest`,
// before the body is even read, so a principal that may not use a route is refused whatever it
// sends. Routes without an ability are public (ping URLs, health, sign-in, the OpenAPI document).
import type { FastifyRequest } from 'fastify';
import type { Api } from '../types.js';
import { type Ability, type Principal, type RouteScope, refusal } from '../../domain/access.js';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';
import { MfaEnrolmentRequiredError } from '../../auth/mfa/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    ability?: Ability;
    /** Default `client`: the service filters by the principal's clients. */
    scope?: RouteScope;
    /** Only a console session (not an API token): the signed-in user's own session and password. */
    session?: boolean;
    /** Open to a session that may only enrol a second factor (MFA mandatory, none yet: src/auth/mfa). */
    enrolment?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Finds who is calling; null when the request carries no credentials at all. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function registerAuth(app: Api, authenticators: Authenticator[]): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('consoleSession', null);
  app.addHook('onRequest', async (request) => {
    const { ability, scope, session, enrolment } = request.routeOptions.config;
    if (ability === undefined) return;
    let principal: Principal | null = null;
    for (const authenticate of authenticators) {
      principal = await authenticate(request);
      if (principal) break;
    }
    if (!principal) throw new UnauthenticatedError();
    const why = refusal(principal, ability, scope);
    if (why !== null) throw new ForbiddenError(why);
    if (session === true && !request.consoleSession) throw new ForbiddenError('this is for a signed-in console user, not an API token');
    if (request.consoleSession?.mfa_enrolment === 1 && enrolment !== true) throw new MfaEnrolmentRequiredError();
    request.principal = principal;
  });
}
