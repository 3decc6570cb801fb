// Console users (owners only) and API tokens (admins) over the API: workspace-wide, so only for
// a principal not limited to clients (users and tokens reach across clients).
import type { CatalogService } from '../catalog/catalog.js';
import type { TokenService } from './tokens.js';
import type { UserService } from './users.js';
import { CreatedTokenSchema, NewTokenBody, NewUserBody, TokenSchema, UserPatchBody, UserSchema, tokenDto, userDto } from './schemas.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function userRoutes(app: Api, deps: { users: UserService; tokens: TokenService; catalog: CatalogService }): void {
  const { users, tokens, catalog } = deps;
  const clientsOf = async (ids: string[] | null | undefined) => (ids ? await catalog.resolveClients(ids) : ids);
  const userApi = resourceRoutes(app, { path: '/api/v1/users', tags: ['users'], ability: 'manage_users', scope: 'workspace' });
  const tokenApi = resourceRoutes(app, { path: '/api/v1/tokens', tags: ['tokens'], ability: 'admin', scope: 'workspace' });

  userApi.all({ summary: 'Console users', item: UserSchema }, () => users.list(), userDto);
  userApi.create({ summary: 'Add a console user with a role, optionally limited to clients', body: NewUserBody, item: UserSchema, problems: [409] }, async (p, b) =>
    userDto(await users.create(p, { email: b.email, password: b.password, role: b.role, name: b.name ?? null, clientIds: await clientsOf(b.client_ids) })),
  );
  userApi.update({ summary: "Change a user's name, role, clients, password, or disable them", body: UserPatchBody, item: UserSchema, problems: [409] }, async (p, id, b) => {
    const clientIds = b.client_ids === undefined ? undefined : await clientsOf(b.client_ids);
    return userDto(await users.update(p, id, { name: b.name, role: b.role, clientIds, disabled: b.disabled, password: b.password, breakGlass: b.break_glass }));
  });
  userApi.remove({ summary: 'Remove a user; their sessions end', problems: [409] }, (p, id) => users.remove(p, id));

  tokenApi.all({ summary: 'API tokens (never the tokens themselves)', item: TokenSchema }, () => tokens.list(), tokenDto);
  tokenApi.create({ summary: 'Create an API token: the answer holds it, once', body: NewTokenBody, item: CreatedTokenSchema }, async (p, b) => {
    const { token, view } = await tokens.create(p, { scope: b.scope, name: b.name, clientIds: await clientsOf(b.client_ids), dailyLimit: b.daily_limit ?? null });
    return { ...tokenDto(view), token };
  });
  app.delete(
    '/api/v1/tokens/:id',
    { config: { ability: 'admin', scope: 'workspace' }, schema: { tags: ['tokens'], summary: 'Revoke an API token (at once here, within 10 s on other instances)', params: IdParams, response: { 200: TokenSchema, ...problemResponses } } },
    async (req) => tokenDto(await tokens.revoke(req.principal, req.params.id)),
  );
}
