// One's own console sessions (list, revoke one) and an owner's "sign this user out everywhere".
// A session is named by its public id, never by the cookie's value.
import { Type } from 'typebox';
import { IdParams, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import type { SessionService, SessionView } from './sessions.js';

const SessionItem = Type.Object({
  id: Type.String({ description: 'the session’s public id (not its secret)' }),
  current: Type.Boolean({ description: 'the session this request came with' }),
  method: Type.String({ description: 'how it was started: password or oidc' }),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.String({ format: 'date-time', description: 'updated at most once a minute' }),
  expires_at: Type.String({ format: 'date-time' }),
});

const iso = (ms: number) => new Date(ms).toISOString();
const itemDto = (s: SessionView) => ({ ...s, created_at: iso(s.created_at), last_seen_at: iso(s.last_seen_at), expires_at: iso(s.expires_at) });

export function sessionListRoutes(app: Api, deps: { sessions: SessionService }): void {
  const { sessions } = deps;
  app.get(
    '/api/v1/session/sessions',
    {
      config: { ability: 'read', session: true },
      schema: { tags: ['session'], summary: 'Your live console sessions', response: { 200: Type.Object({ items: Type.Array(SessionItem) }), ...problemResponses } },
    },
    async (req) => ({ items: (await sessions.list(req.principal.id, req.consoleSession)).map(itemDto) }),
  );
  app.delete(
    '/api/v1/session/sessions/:id',
    {
      config: { ability: 'read', session: true },
      schema: { tags: ['session'], summary: 'End one of your sessions (404 when it is not yours or already ended)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await sessions.revokeOwn(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/api/v1/users/:id/sessions',
    {
      config: { ability: 'manage_users', scope: 'workspace' },
      schema: { tags: ['users'], summary: "End every session of a user (owners)", params: IdParams, response: { 200: Type.Object({ revoked: Type.Integer() }), ...problemResponses } },
    },
    async (req) => ({ revoked: await sessions.revokeAllOf(req.principal, req.params.id) }),
  );
}
