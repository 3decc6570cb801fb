// OpenID Connect sign-in (authorisation code flow with PKCE S256, `state` and `nonce`) through
// openid-client. Every request to the issuer goes through Keepwatch's outbound client
// (src/lib/outbound: the address policy, Node's own trust store, so NODE_EXTRA_CA_CERTS works).
// A login is a row in `oidc_logins` keyed by `state`, bound to the browser by a short-lived
// cookie holding the same value, and used once: the callback deletes it before anything else.

import * as client from 'openid-client';
import type { OidcLoginRepository } from '../../db/repositories/oidc-logins.js';
import type { UserRow } from '../../db/schema.js';
import { SYSTEM } from '../../domain/access.js';
import type { Clock } from '../../lib/clock.js';
import { outboundFetch } from '../../lib/outbound/index.js';
import { MINUTE } from '../../lib/time.js';
import type { ClientMeta, SessionService, StartedSession } from '../sessions.js';
import type { SsoConfig, SsoRole, SsoService } from '../sso.js';
import type { UserService } from '../users.js';

/** How long a redirect to the issuer may take to come back. */
export const LOGIN_TTL_MS = 10 * MINUTE;
const ISSUER_TIMEOUT_MS = 10_000;
const DISCOVERY_TTL_MS = 5 * MINUTE;

export type LoginFailureReason = 'not_configured' | 'bad_state' | 'bad_nonce' | 'issuer_error' | 'no_email' | 'email_unverified' | 'domain_not_allowed' | 'unknown_user' | 'user_disabled' | 'throttled';

/** A sign-in that did not happen, with what the person is told (and the HTTP status of the page). */
export class LoginFailure extends Error {
  constructor(
    readonly reason: LoginFailureReason,
    message: string,
    readonly status: 400 | 403 | 429 = 400,
    readonly user: UserRow | null = null,
  ) {
    super(message);
  }
}

const fetchThroughOutbound: client.CustomFetch = (url, options) =>
  outboundFetch(url, { method: options.method, headers: options.headers, body: options.body as string | URLSearchParams | null, redirect: 'manual', signal: options.signal ?? AbortSignal.timeout(ISSUER_TIMEOUT_MS) });

/** The issuer's configuration from its discovery document (errors: the library's, with its reason). */
export async function discover(c: Pick<SsoConfig, 'issuer' | 'client_id' | 'client_secret'>): Promise<client.Configuration> {
  const issuer = new URL(c.issuer);
  const config = await client.discovery(issuer, c.client_id, undefined, client.ClientSecretBasic(c.client_secret), {
    [client.customFetch]: fetchThroughOutbound,
    // http only for an issuer on this machine (sso.ts issuerProblem refuses it elsewhere).
    ...(issuer.protocol === 'http:' && { execute: [client.allowInsecureRequests] }),
    timeout: ISSUER_TIMEOUT_MS / 1000,
  });
  return config;
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: unknown; error?: string; error_description?: string };
  if (e?.error) return `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  const cause = e?.cause as { message?: string; code?: string } | undefined;
  const base = e?.message ?? String(err);
  return cause?.message && !base.includes(cause.message) ? `${base} (${cause.message})` : base;
}

/** What enabling SSO checks: the discovery document can be read and is valid. */
export async function checkIssuer(c: SsoConfig): Promise<string | null> {
  try {
    const config = await discover(c);
    const meta = config.serverMetadata();
    if (!meta.authorization_endpoint || !meta.token_endpoint) return 'the discovery document names no authorization or token endpoint';
    return null;
  } catch (err) {
    return `the issuer's discovery document could not be read: ${describe(err)}`;
  }
}

function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const v = claims[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export class OidcFlow {
  constructor(
    private readonly logins: OidcLoginRepository,
    private readonly sso: SsoService,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {}

  /** The last discovery, reused for a few minutes (a login reads it twice); any settings change misses it. */
  private cached: { key: string; at: number; config: client.Configuration } | null = null;

  private async configFor(c: SsoConfig): Promise<client.Configuration> {
    const key = JSON.stringify([c.issuer, c.client_id, c.client_secret]);
    const now = this.clock.now();
    if (this.cached && this.cached.key === key && now - this.cached.at < DISCOVERY_TTL_MS) return this.cached.config;
    const config = await discover(c);
    this.cached = { key, at: now, config };
    return config;
  }

  /** The URL of the issuer's authorization endpoint to send the browser to, and the state to bind to it. */
  async begin(): Promise<{ url: string; state: string }> {
    const c = await this.sso.config();
    if (!c.enabled) throw new LoginFailure('not_configured', 'Single sign-on is not switched on for this workspace.');
    let config: client.Configuration;
    try {
      config = await this.configFor(c);
    } catch (err) {
      throw new LoginFailure('issuer_error', `The identity provider could not be reached: ${describe(err)}`);
    }
    const now = this.clock.now();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    await this.logins.insert({ state, nonce, code_verifier: codeVerifier, created_at: now }, now - LOGIN_TTL_MS);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.sso.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * The callback: `query` is the callback's query string, `bound` the state the browser's cookie
   * holds. A session for the user, or a LoginFailure saying what was wrong.
   */
  async complete(query: URLSearchParams, bound: string | null, meta: ClientMeta): Promise<StartedSession> {
    const state = query.get('state');
    if (!state || bound === null || state !== bound) {
      throw new LoginFailure('bad_state', 'The sign-in could not be matched to one started in this browser (bad or missing state). Start again.');
    }
    const pending = await this.logins.take(state);
    if (!pending || pending.created_at < this.clock.now() - LOGIN_TTL_MS) {
      throw new LoginFailure('bad_state', 'This sign-in has expired or was already used (unknown state). Start again.');
    }
    const error = query.get('error');
    if (error) throw new LoginFailure('issuer_error', `The identity provider refused the sign-in: ${error}${query.get('error_description') ? `: ${query.get('error_description')}` : ''}`);
    const c = await this.sso.config();
    if (!c.enabled) throw new LoginFailure('not_configured', 'Single sign-on is not switched on for this workspace.');

    let claims: Record<string, unknown>;
    try {
      const config = await this.configFor(c);
      const tokens = await client.authorizationCodeGrant(config, new URL(`${this.sso.redirectUri}?${query.toString()}`), {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (typeof claims.email !== 'string' && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
    } catch (err) {
      const text = describe(err);
      if (/nonce/i.test(text)) throw new LoginFailure('bad_nonce', `The identity provider's answer was not for this sign-in (nonce mismatch): ${text}`);
      throw new LoginFailure('issuer_error', `The identity provider's answer could not be used: ${text}`);
    }

    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (email === '' || !email.includes('@')) throw new LoginFailure('no_email', 'The identity provider sent no e-mail address (the "email" claim): ask its administrator to release it.', 403);
    if (claims.email_verified === false) throw new LoginFailure('email_unverified', `The identity provider says ${email} is not verified.`, 403);
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (c.allowed_domains.length > 0 && !c.allowed_domains.includes(domain)) {
      throw new LoginFailure('domain_not_allowed', `${email}: the domain ${domain} is not allowed to sign in to this workspace.`, 403);
    }
    let user = await this.users.byEmail(email);
    if (!user) {
      if (!c.auto_create) throw new LoginFailure('unknown_user', `${email} is not a user of this workspace: ask an owner to add you.`, 403);
      user = await this.users.createExternal(SYSTEM, { email, role: roleFor(c, claims), clientIds: clientsFor(c, claims), name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null });
    }
    if (user.disabled_at !== null) throw new LoginFailure('user_disabled', `${email} is disabled in this workspace.`, 403, user);
    const started = await this.sessions.start(user, meta, 'oidc');
    await this.sessions.recordSignIn('oidc', 'success', user, { ip: meta.ip, issuer: c.issuer });
    return started;
  }
}

/** The role a new user gets: the role claim's first mapped value, else the default role. */
export function roleFor(c: SsoConfig, claims: Record<string, unknown>): SsoRole {
  if (c.role_claim) {
    for (const v of claimValues(claims, c.role_claim.claim)) {
      const role = c.role_claim.values[v];
      if (role) return role;
    }
  }
  return c.default_role;
}

/** The clients a new user is limited to: the union over their mapped groups; null (every client) when none maps. */
export function clientsFor(c: SsoConfig, claims: Record<string, unknown>): string[] | null {
  if (!c.group_clients) return null;
  const ids = new Set<string>();
  for (const g of claimValues(claims, c.group_clients.claim)) for (const id of c.group_clients.groups[g] ?? []) ids.add(id);
  return ids.size > 0 ? [...ids] : null;
}
