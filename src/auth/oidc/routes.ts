// The browser's side of single sign-on: /auth/oidc/login sends it to the issuer, the issuer sends
// it back to /auth/oidc/callback, which sets the same `kw_session` cookie as password sign-in and
// redirects to `/`. Both are public (no token) and throttled with password sign-in (per client
// address); every failure is an HTML page saying what was wrong, with a link back to sign-in.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { clientMeta, setSessionCookie } from '../../http/plugins/session.js';
import type { Api } from '../../http/types.js';
import type { SessionService } from '../sessions.js';
import { LOGIN_TTL_MS, LoginFailure, type OidcFlow } from './flow.js';

/** Binds a login to the browser that started it; only sent to the callback. */
export const LOGIN_COOKIE = 'kw_oidc';
const COOKIE_PATH = '/auth/oidc';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** The error page: what went wrong, and the way back. */
export function errorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Keepwatch</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1b1e}h1{font-size:1.4rem}p{line-height:1.5}a{color:#1c7ed6}</style>
</head><body><main><h1>Single sign-on failed</h1><p id="reason">${escapeHtml(message)}</p>
<p>No session was started. <a href="/">Back to sign-in</a></p></main></body></html>`;
}

const HtmlPage = Type.String({ description: 'an HTML page saying why sign-in failed, with a link back to sign-in' });

export function oidcRoutes(app: Api, deps: { oidc: OidcFlow; sessions: SessionService; publicUrl: string }): void {
  const { oidc, sessions, publicUrl } = deps;
  const secure = (reply: FastifyReply) => publicUrl.startsWith('https:') || reply.request.protocol === 'https';

  const fail = async (reply: FastifyReply, err: unknown, meta: ReturnType<typeof clientMeta>) => {
    if (!(err instanceof LoginFailure)) throw err;
    if (err.reason !== 'throttled') {
      // A guess at nothing (SSO off, a missing or unknown state: 256 random bits) is not counted against the address.
      if (err.reason !== 'not_configured' && err.reason !== 'bad_state') sessions.failedFrom(meta);
      await sessions.recordSignIn('oidc', 'failure', err.user, { ip: meta.ip, reason: err.reason, message: err.message });
    }
    void reply.clearCookie(LOGIN_COOKIE, { path: COOKIE_PATH });
    return reply.code(err.status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(errorPage(err.message));
  };

  const throttle = (meta: ReturnType<typeof clientMeta>, reply: FastifyReply) => {
    const wait = sessions.throttledFor(meta);
    if (wait <= 0) return;
    sessions.recordSignIn('oidc', 'throttled', null).catch(() => {});
    void reply.header('retry-after', String(wait));
    throw new LoginFailure('throttled', `Too many failed sign-ins from this address: wait ${wait} seconds and try again.`, 429);
  };

  app.get(
    '/auth/oidc/login',
    {
      schema: {
        tags: ['session'],
        summary: "Single sign-on: redirects (302) to the identity provider's authorization endpoint (code flow, PKCE, state, nonce)",
        security: [],
        response: { 302: Type.Null(), 400: HtmlPage, 429: HtmlPage },
      },
    },
    async (req, reply) => {
      const meta = clientMeta(req);
      try {
        throttle(meta, reply);
        const { url, state } = await oidc.begin();
        void reply.setCookie(LOGIN_COOKIE, state, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: secure(reply), maxAge: LOGIN_TTL_MS / 1000 });
        return reply.header('cache-control', 'no-store').redirect(url, 302);
      } catch (err) {
        return fail(reply, err, meta);
      }
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      schema: {
        tags: ['session'],
        summary: 'Single sign-on: where the identity provider sends the browser back; sets the session cookie and redirects (302) to /',
        security: [],
        response: { 302: Type.Null(), 400: HtmlPage, 403: HtmlPage, 429: HtmlPage },
      },
    },
    async (req, reply) => {
      const meta = clientMeta(req);
      try {
        throttle(meta, reply);
        const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
        const bound = req.cookies?.[LOGIN_COOKIE] || null;
        const started = await oidc.complete(query, bound, meta);
        void reply.clearCookie(LOGIN_COOKIE, { path: COOKIE_PATH });
        setSessionCookie(reply, started.secret, publicUrl);
        return reply.header('cache-control', 'no-store').redirect('/', 302);
      } catch (err) {
        return fail(reply, err, meta);
      }
    },
  );
}
