// GET|PUT /api/v1/sso: the workspace's single sign-on settings, owners only (workspace-wide).
import { Type } from 'typebox';
import type { CatalogService } from '../catalog/catalog.js';
import { Nullable, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { SSO_ROLES, type SsoService } from './sso.js';

const Claim = Type.String({ minLength: 1, maxLength: 200 });
const RoleClaim = Type.Object(
  {
    claim: Claim,
    values: Type.Record(Type.String({ maxLength: 300 }), StringEnum(SSO_ROLES), { description: 'claim value → role; the first value of the claim found here gives a new user their role' }),
  },
  { additionalProperties: false, description: 'role of a user made at first sign-in, from a claim (e.g. Entra app roles in "roles"); else default_role' },
);
const GroupClients = Type.Object(
  {
    claim: Claim,
    groups: Type.Record(Type.String({ maxLength: 300 }), Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 }), {
      description: 'group → clients (ids or names): a user made at first sign-in is limited to the clients of their groups',
    }),
  },
  { additionalProperties: false },
);

const fields = {
  enabled: Type.Boolean(),
  issuer: Type.String({ maxLength: 500, description: "the issuer URL; its /.well-known/openid-configuration is read when single sign-on is switched on" }),
  client_id: Type.String({ maxLength: 500 }),
  allowed_domains: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 100, description: 'e-mail domains that may sign in; empty: any (only without auto_create)' }),
  default_role: StringEnum(SSO_ROLES),
  auto_create: Type.Boolean({ description: 'make a user at their first sign-in (else only users an owner added may sign in)' }),
  password_sign_in: Type.Boolean({ description: 'false: only break-glass owners may sign in with a password while single sign-on is on' }),
  role_claim: Nullable(RoleClaim),
  group_clients: Nullable(GroupClients),
};

export const SsoSchema = Type.Object({
  ...fields,
  client_secret: Nullable(Type.String({ description: 'write-only: "***" when one is stored' })),
  redirect_uri: Type.String({ description: 'register this at the identity provider: <KEEPWATCH_PUBLIC_URL>/auth/oidc/callback' }),
});

export const SsoBody = Type.Object(
  {
    enabled: Type.Optional(fields.enabled),
    issuer: Type.Optional(fields.issuer),
    client_id: Type.Optional(fields.client_id),
    client_secret: Type.Optional(Type.String({ maxLength: 2000, description: 'write-only; omitted or "***" keeps the stored one, unless issuer changes' })),
    allowed_domains: Type.Optional(fields.allowed_domains),
    default_role: Type.Optional(fields.default_role),
    auto_create: Type.Optional(fields.auto_create),
    password_sign_in: Type.Optional(fields.password_sign_in),
    role_claim: Type.Optional(fields.role_claim),
    group_clients: Type.Optional(fields.group_clients),
  },
  { additionalProperties: false },
);

export function ssoRoutes(app: Api, deps: { sso: SsoService; catalog: CatalogService }): void {
  const { sso, catalog } = deps;
  const config = { ability: 'manage_users', scope: 'workspace' } as const;
  app.get(
    '/api/v1/sso',
    { config, schema: { tags: ['users'], summary: 'Single sign-on (OpenID Connect) settings; the client secret is never shown', response: { 200: SsoSchema, ...problemResponses } } },
    async () => sso.view(),
  );
  app.put(
    '/api/v1/sso',
    {
      config,
      schema: {
        tags: ['users'],
        summary: "Change single sign-on; switching it on reads the issuer's discovery document first (400 naming issuer when that fails)",
        body: SsoBody,
        response: { 200: SsoSchema, ...problemResponses },
      },
    },
    async (req) => {
      await sso.update(req.principal, req.body, (refs) => catalog.resolveClients(refs));
      return sso.view();
    },
  );
}
