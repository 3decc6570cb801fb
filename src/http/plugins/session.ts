// The console's session cookie as an authenticator. A bearer token, when present, wins (scripts
// are not affected by any of this). Writes made with the cookie must echo the session's CSRF
// token in X-CSRF-Token: another site can make the browser send the cookie, never read the token.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionRow } from '../../db/schema.js';
import { ForbiddenError } from '../../domain/errors.js';
import type { ClientMeta, SessionService } from '../../auth/sessions.js';
import { SESSION_MAX_MS } from '../../auth/sessions.js';
import { principalOf } from '../../auth/users.js';
import type { Authenticator } from './auth.js';

export const SESSION_COOKIE = 'kw_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session the request was authenticated with, if any. */
    consoleSession: SessionRow | null;
  }
}

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sessionSecret(request: FastifyRequest): string | null {
  const value = request.cookies?.[SESSION_COOKIE];
  return value ? value : null;
}

export function clientMeta(request: FastifyRequest): ClientMeta {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
}

export function sessionAuthenticator(sessions: SessionService): Authenticator {
  return async (request) => {
    const secret = sessionSecret(request);
    if (secret === null) return null;
    const found = await sessions.resolve(secret);
    if (found === null) return null;
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!sameToken(Array.isArray(header) ? header[0] : header, found.session.csrf_token)) {
        throw new ForbiddenError('a write with the session cookie needs the X-CSRF-Token header from GET /api/v1/session');
      }
    }
    request.consoleSession = found.session;
    return principalOf(found.user);
  };
}

/** Secure when the public URL is https, or the request came over TLS. */
export function setSessionCookie(reply: FastifyReply, secret: string, publicUrl: string): void {
  void reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: publicUrl.startsWith('https:') || reply.request.protocol === 'https',
    maxAge: SESSION_MAX_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
