// Users, sessions and API tokens, and the authenticators the HTTP layer asks in turn.
import { timingSafeEqual } from 'node:crypto';
import type { CoreDeps } from '../core.js';
import { OidcLoginRepository } from '../db/repositories/oidc-logins.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import { TokenRepository } from '../db/repositories/tokens.js';
import { SessionRepository, UserRepository } from '../db/repositories/users.js';
import { METRICS_SCRAPER } from '../domain/access.js';
import { type Authenticator, bearerToken } from '../http/plugins/auth.js';
import { sessionAuthenticator } from '../http/plugins/session.js';
import { MfaRepository } from '../db/repositories/mfa.js';
import { MfaService } from './mfa/service.js';
import { checkIssuer, OidcFlow } from './oidc/flow.js';
import { SessionService, sessionRevoker } from './sessions.js';
import { SsoService } from './sso.js';
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
  sso: SsoService;
  oidc: OidcFlow;
  mfa: MfaService;
}

export function buildAuth(c: CoreDeps): AuthServices & { authenticators: Authenticator[] } {
  const sessionRepo = new SessionRepository(c.db);
  const users = new UserService(new UserRepository(c.db), c.audit, c.clock, sessionRevoker(sessionRepo, c.clock));
  const sso = new SsoService(new SettingsRepository(c.db), c.secrets, c.audit, c.clock, c.config.publicUrl, checkIssuer);
  const mfa = new MfaService(new MfaRepository(c.db), users, new SettingsRepository(c.db), c.secrets, c.audit, c.clock, c.config.publicUrl);
  const sessions = new SessionService(sessionRepo, users, c.audit, c.clock, {
    metrics: c.metrics,
    passwordRefusal: (u) => sso.passwordRefusal(u),
    secondFactor: (u, proof) => mfa.secondFactor(u, proof),
  });
  const oidc = new OidcFlow(new OidcLoginRepository(c.db), sso, users, sessions, c.clock);
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
  return { users, sessions, tokens, sso, oidc, mfa, authenticators };
}
