// The route shapes the API's resources share (checks, clients, devices, connectors, mailboxes,
// notification channels, stored e-mail, users, tokens): the list, one item to create, read, change
// or delete, the actions on one item (`/:id/test`, `/:id/sync`) and its histories (`/:id/runs`).
// A routes file says what differs (paths, summaries, schemas, abilities, the service calls); the
// route shape, the error answers and the paging are written once, here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { Ability, Principal, RouteScope } from '../domain/access.js';
import { IdParams, Page, PageQuery, ProblemSchema, problemResponses } from './schemas.js';
import type { Api } from './types.js';

export interface ResourceOptions {
  /** The collection, e.g. `/api/v1/connectors`; one item is `<path>/:id`. */
  path: string;
  tags: string[];
  /** What a route needs unless it says otherwise. */
  ability: Ability;
  /** What a route reaches unless it says otherwise (default `client`; see `RouteScope`). */
  scope?: RouteScope;
}

export interface RouteInfo {
  summary: string;
  description?: string;
  /** Instead of the resource's. */
  ability?: Ability;
  /** Instead of the resource's. */
  scope?: RouteScope;
  tags?: string[];
  /** Problem answers besides 400, 401, 403, 404 and 429, e.g. 409 or 502. */
  problems?: readonly number[];
}

interface Paged<T> {
  items: T[];
  next_cursor: string | null;
}

const DefaultQuery = Type.Object(PageQuery);
type DefaultQuery = typeof DefaultQuery;

/** A page of rows as the API shows them. */
function pageOf<R, T>(page: Paged<R>, dto: (row: R) => T): Paged<T> {
  return { items: page.items.map(dto), next_cursor: page.next_cursor };
}

export function resourceRoutes(app: Api, options: ResourceOptions) {
  const { path } = options;
  // The schemas are checked before a handler runs, and each method's signature carries their
  // static types; Fastify's own inference cannot follow generic schemas, so it is not asked to.
  const api = app as unknown as FastifyInstance;
  type Handler = (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => Promise<unknown>;

  function add(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, info: RouteInfo, schema: Record<string, unknown>, handler: Handler) {
    const problems = { ...problemResponses, ...Object.fromEntries((info.problems ?? []).map((code) => [code, ProblemSchema])) };
    const response = { ...(schema.response as object), ...problems };
    api.route({
      method,
      url,
      config: { ability: info.ability ?? options.ability, scope: info.scope ?? options.scope ?? 'client' },
      schema: { tags: info.tags ?? options.tags, summary: info.summary, ...(info.description !== undefined && { description: info.description }), ...schema, response },
      handler: handler as never,
    });
  }

  /** GET `<path>/:id/<name>` or `<path>`: a page of rows, newest or first by the service's order. */
  function paged<T extends TSchema, R, Q extends TSchema>(
    url: string,
    info: RouteInfo & { item: T; query?: Q | null },
    params: object,
    fetch: (principal: Principal, id: string, query: Static<Q>) => Promise<Paged<R>>,
    dto: (row: R) => Static<T>,
  ) {
    const query = info.query === undefined ? DefaultQuery : info.query;
    add('GET', url, info, { ...params, ...(query && { querystring: query }), response: { 200: Page(info.item) } }, async (req) =>
      pageOf(await fetch(req.principal, req.params.id, req.query as Static<Q>), dto),
    );
  }

  return {
    /** GET `typesPath`: every type of the resource with the fields of its config, for forms. */
    types(typesPath: string, info: RouteInfo & { answer: TSchema }, describe: () => unknown[]) {
      add('GET', typesPath, info, { response: { 200: info.answer } }, async () => ({ items: describe() }));
    },

    /** GET `<path>`: a page of items (`query: null`: the route takes no query; one page holds all). */
    list<T extends TSchema, R, Q extends TSchema = DefaultQuery>(
      info: RouteInfo & { item: T; query?: Q | null },
      fetch: (principal: Principal, query: Static<Q>) => Promise<Paged<R>>,
      dto: (row: R) => Static<T>,
    ) {
      paged(path, info, {}, (principal, _id, query) => fetch(principal, query), dto);
    },

    /** GET `<path>`: every item, unpaged (`{ items }`). */
    all<T extends TSchema, R>(info: RouteInfo & { item: T }, fetch: (principal: Principal) => Promise<R[]>, dto: (row: R) => Static<T>) {
      add('GET', path, info, { response: { 200: Type.Object({ items: Type.Array(info.item) }) } }, async (req) => ({ items: (await fetch(req.principal)).map(dto) }));
    },

    /** POST `<path>`: creates an item; answers 201 with it. */
    create<B extends TSchema, T extends TSchema>(info: RouteInfo & { body: B; item: T }, create: (principal: Principal, body: Static<B>) => Promise<Static<T>>) {
      add('POST', path, info, { body: info.body, response: { 201: info.item } }, async (req, reply) =>
        reply.code(201).send(await create(req.principal, req.body as Static<B>)),
      );
    },

    /** GET `<path>/:id`: one item. */
    get<T extends TSchema>(info: RouteInfo & { item: T }, get: (principal: Principal, id: string) => Promise<Static<T>>) {
      add('GET', `${path}/:id`, info, { params: IdParams, response: { 200: info.item } }, async (req) => get(req.principal, req.params.id));
    },

    /** PATCH `<path>/:id`: changes an item; answers it. */
    update<B extends TSchema, T extends TSchema>(info: RouteInfo & { body: B; item: T }, update: (principal: Principal, id: string, body: Static<B>) => Promise<Static<T>>) {
      add('PATCH', `${path}/:id`, info, { params: IdParams, body: info.body, response: { 200: info.item } }, async (req) => update(req.principal, req.params.id, req.body as Static<B>));
    },

    /** DELETE `<path>/:id`: answers 204. */
    remove(info: RouteInfo, remove: (principal: Principal, id: string) => Promise<unknown>) {
      add('DELETE', `${path}/:id`, info, { params: IdParams, response: { 204: Type.Null() } }, async (req, reply) => {
        await remove(req.principal, req.params.id);
        return reply.code(204).send(null);
      });
    },

    /** GET or POST `<path>/:id/<name>`: an action on one item (a test, a sync) or a view of it. */
    action<T extends TSchema>(method: 'GET' | 'POST', name: string, info: RouteInfo & { answer: T }, run: (principal: Principal, id: string) => Promise<Static<T>>) {
      add(method, `${path}/:id/${name}`, info, { params: IdParams, response: { 200: info.answer } }, async (req) => run(req.principal, req.params.id));
    },

    /** GET `<path>/:id/<name>`: a page of one item's history (runs, polls, deliveries). */
    history<T extends TSchema, R, Q extends TSchema = DefaultQuery>(
      name: string,
      info: RouteInfo & { item: T; query?: Q },
      fetch: (principal: Principal, id: string, query: Static<Q>) => Promise<Paged<R>>,
      dto: (row: R) => Static<T>,
    ) {
      paged(`${path}/:id/${name}`, info, { params: IdParams }, fetch, dto);
    },
  };
}
