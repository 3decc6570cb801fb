// Every route declares the ability it needs in `config.ability`; this hook answers 401/403 before
// the body is even read. Routes without one are public (ping URLs, health, the OpenAPI document).
import type { FastifyRequest } from 'fastify';
import type { Api } from '../types.js';
import { type Ability, can, type Principal } from '../../domain/access.js';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    ability?: Ability;
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
  app.addHook('onRequest', async (request) => {
    const ability = request.routeOptions.config.ability;
    if (ability === undefined) return;
    let principal: Principal | null = null;
    for (const authenticate of authenticators) {
      principal = await authenticate(request);
      if (principal) break;
    }
    if (!principal) throw new UnauthenticatedError();
    if (!can(principal, ability)) {
      throw new ForbiddenError(`this ${principal.kind} may not ${ability === 'ingest' ? 'write jobs' : `do what needs "${ability}"`}`);
    }
    request.principal = principal;
  });
}
