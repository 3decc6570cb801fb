// Users, sessions and API tokens, and the authenticators the HTTP layer asks in turn.
import { timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core.js';
import { TokenRepository } from '../db/repositories/tokens.js';
import { SessionRepository, UserRepository } from '../db/repositories/users.js';
import { METRICS_SCRAPER } from '../domain/access.js';
import { type Authenticator, bearerToken } from '../http/plugins/auth.js';
import { sessionAuthenticator } from '../http/plugins/session.js';
import { SessionService, sessionRevoker } from './sessions.js';
import { TokenService } from './tokens.js';
import { UserService } from './users.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthServices {
  users: UserService;
  sessions: SessionService;
  tokens: TokenService;
}

export function buildAuth(c: CoreDeps): AuthServices & { authenticators: Authenticator[] } {
  const sessionRepo = new SessionRepository(c.db);
  const users = new UserService(new UserRepository(c.db), c.audit, c.clock, sessionRevoker(sessionRepo, c.clock));
  const sessions = new SessionService(sessionRepo, users, c.audit, c.clock);
  const tokens = new TokenService(new TokenRepository(c.db, c.dialect), c.audit, c.clock);
  const metricsToken = c.config.metricsToken;
  const authenticators: Authenticator[] = [
    async (req) => {
      const token = bearerToken(req);
      if (token === null) return null;
      if (metricsToken !== null && sameSecret(token, metricsToken)) return METRICS_SCRAPER;
      return tokens.authenticate(token);
    },
    sessionAuthenticator(sessions),
  ];
  return { users, sessions, tokens, authenticators };
}
