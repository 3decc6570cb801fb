// Console users (owners only) and API tokens (admins) over the API.
import { Type } from 'typebox';
import type { Principal } from '../domain/access.js';
import { ForbiddenError } from '../domain/errors.js';
import type { CatalogService } from '../catalog/catalog.js';
import type { TokenService } from './tokens.js';
import type { UserService } from './users.js';
import { CreatedTokenSchema, NewTokenBody, NewUserBody, TokenSchema, UserPatchBody, UserSchema, tokenDto, userDto } from './schemas.js';
import { IdParams, ProblemSchema, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';

/** Users and tokens reach across clients: someone limited to some clients may not manage them. */
function unlimited(p: Principal, what: string): void {
  if (p.clientIds !== null) throw new ForbiddenError(`a ${p.kind} limited to clients may not manage ${what}`);
}

export function userRoutes(app: Api, deps: { users: UserService; tokens: TokenService; catalog: CatalogService }): void {
  const { users, tokens, catalog } = deps;
  const withConflict = { ...problemResponses, 409: ProblemSchema };
  const clientsOf = async (ids: string[] | null | undefined) => (ids ? await catalog.resolveClients(ids) : ids);

  app.get(
    '/api/v1/users',
    { config: { ability: 'manage_users' }, schema: { tags: ['users'], summary: 'Console users', response: { 200: Type.Object({ items: Type.Array(UserSchema) }), ...problemResponses } } },
    async (req) => {
      unlimited(req.principal, 'users');
      return { items: (await users.list()).map(userDto) };
    },
  );
  app.post(
    '/api/v1/users',
    {
      config: { ability: 'manage_users' },
      schema: { tags: ['users'], summary: 'Add a console user with a role, optionally limited to clients', body: NewUserBody, response: { 201: UserSchema, ...withConflict } },
    },
    async (req, reply) => {
      unlimited(req.principal, 'users');
      const b = req.body;
      const row = await users.create(req.principal, { email: b.email, password: b.password, role: b.role, name: b.name ?? null, clientIds: await clientsOf(b.client_ids) });
      return reply.code(201).send(userDto(row));
    },
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: { ability: 'manage_users' },
      schema: { tags: ['users'], summary: "Change a user's name, role, clients, password, or disable them", params: IdParams, body: UserPatchBody, response: { 200: UserSchema, ...withConflict } },
    },
    async (req) => {
      unlimited(req.principal, 'users');
      const b = req.body;
      const clientIds = b.client_ids === undefined ? undefined : await clientsOf(b.client_ids);
      return userDto(await users.update(req.principal, req.params.id, { name: b.name, role: b.role, clientIds, disabled: b.disabled, password: b.password }));
    },
  );
  app.delete(
    '/api/v1/users/:id',
    { config: { ability: 'manage_users' }, schema: { tags: ['users'], summary: 'Remove a user; their sessions end', params: IdParams, response: { 204: Type.Null(), ...withConflict } } },
    async (req, reply) => {
      unlimited(req.principal, 'users');
      await users.remove(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/tokens',
    { config: { ability: 'admin' }, schema: { tags: ['tokens'], summary: 'API tokens (never the tokens themselves)', response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...problemResponses } } },
    async (req) => {
      unlimited(req.principal, 'API tokens');
      return { items: (await tokens.list()).map(tokenDto) };
    },
  );
  app.post(
    '/api/v1/tokens',
    {
      config: { ability: 'admin' },
      schema: { tags: ['tokens'], summary: 'Create an API token: the answer holds it, once', body: NewTokenBody, response: { 201: CreatedTokenSchema, ...problemResponses } },
    },
    async (req, reply) => {
      unlimited(req.principal, 'API tokens');
      const b = req.body;
      const { token, view } = await tokens.create(req.principal, { scope: b.scope, name: b.name, clientIds: await clientsOf(b.client_ids), dailyLimit: b.daily_limit ?? null });
      return reply.code(201).send({ ...tokenDto(view), token });
    },
  );
  app.delete(
    '/api/v1/tokens/:id',
    { config: { ability: 'admin' }, schema: { tags: ['tokens'], summary: 'Revoke an API token (at once here, within 10 s on other instances)', params: IdParams, response: { 200: TokenSchema, ...problemResponses } } },
    async (req) => {
      unlimited(req.principal, 'API tokens');
      return tokenDto(await tokens.revoke(req.principal, req.params.id));
    },
  );
}
