// A real OpenID Connect provider for the tests: `oidc-provider` (the certified Node.js
// implementation, https://github.com/panva/node-oidc-provider) on 127.0.0.1 with one confidential
// client (client_secret_basic, code flow, PKCE required) and a few accounts with e-mail claims.
// Its development interactions serve the login page: any account id as "login", any password.
// Consent is given for the client's first sign-in (loadExistingGrant, as the library's
// documentation shows for first-party clients), so the login page is the only page a person sees.
// Not a stand-in: the discovery document, authorization, token and userinfo endpoints are the
// library's own.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Released in the `roles` claim (as Entra ID's app roles are). */
  roles?: string[];
  /** Released in the `groups` claim. */
  groups?: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * Logs `accountId` in at the provider the way a browser would (cookies kept, the login form
   * posted), starting from the authorization URL Keepwatch redirected to. Answers the URL the
   * provider sends the browser back to (Keepwatch's redirect URI with `code`, `state`, `iss`),
   * without following it.
   */
  login(authorizationUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

/** Ports freePort handed out: the provider never listens on one (the OS may give a just-freed port again). */
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1 (for an app whose public URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  handedOut.add(port);
  return port;
}

/** Listens on a port of 127.0.0.1 that freePort did not hand out to someone else. */
async function listenAside(server: http.Server): Promise<number> {
  for (;;) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    if (!handedOut.has(port)) return port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startIdp(options: {
  redirectUris: string[];
  accounts: Record<string, IdpAccount>;
  clientId?: string;
  clientSecret?: string;
  /** false: the scope's claims only at userinfo, none in the ID token (the library's default, conformIdTokenClaims). */
  claimsInIdToken?: boolean;
}): Promise<TestIdp> {
  const clientId = options.clientId ?? 'keepwatch-test';
  const clientSecret = options.clientSecret ?? 'idp-client-secret-0123456789';
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  const issuer = `http://127.0.0.1:${await listenAside(server)}`;

  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'roles', 'groups'] },
    // The e-mail claims in the ID token itself (as Entra ID and Google put them), not only at userinfo.
    conformIdTokenClaims: options.claimsInIdToken === false,
    cookies: { keys: ['keepwatch-test-idp-cookie-key'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = options.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const oidc = ctx.oidc;
      const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  // Development interactions print a warning per start; the tests know.
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('test IdP error', err));
  handler = provider.callback() as unknown as http.RequestListener;

  return {
    issuer,
    clientId,
    clientSecret,
    async login(authorizationUrl, accountId) {
      const jar = new Map<string, string>();
      const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const keep = (res: Response) => {
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair!.indexOf('=');
          jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
      };
      let url = new URL(authorizationUrl);
      let body: string | undefined;
      for (let hop = 0; hop < 12; hop++) {
        if (!url.href.startsWith(issuer)) return url;
        const res = await fetch(url, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { cookie: cookieHeader(), ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }) },
          body,
          redirect: 'manual',
        });
        keep(res);
        body = undefined;
        const location = res.headers.get('location');
        if (location) {
          url = new URL(location, url);
          continue;
        }
        const html = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        if (res.status !== 200 || !action || !html.includes('name="login"')) throw new Error(`test IdP: unexpected page ${res.status} at ${url}: ${html.slice(0, 300)}`);
        url = new URL(action.replace(/&amp;/g, '&'), url);
        body = new URLSearchParams({ prompt: 'login', login: accountId, password: 'any password' }).toString();
      }
      throw new Error('test IdP: too many redirects');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
