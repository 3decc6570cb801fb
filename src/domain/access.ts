// Who is asking, and what they may do. Tokens carry a scope, users a role; both may be limited
// to clients. Every route states the ability it needs and its scope (docs/security.md): a
// `client` route's service filters by `clientIds`; a `workspace` route needs an unlimited principal.

export const TOKEN_SCOPES = ['ingest', 'read', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** ingest: write jobs. read: see. operate: acknowledge, dismiss, edit checks. admin: configure. */
export type Ability = 'ingest' | 'read' | 'operate' | 'admin' | 'manage_users' | 'metrics';

const SCOPE_ABILITIES: Record<TokenScope, readonly Ability[]> = {
  ingest: ['ingest'],
  read: ['read', 'metrics'],
  admin: ['ingest', 'read', 'operate', 'admin', 'metrics'],
};

const ROLE_ABILITIES: Record<Role, readonly Ability[]> = {
  owner: ['ingest', 'read', 'operate', 'admin', 'manage_users', 'metrics'],
  admin: ['ingest', 'read', 'operate', 'admin', 'metrics'],
  operator: ['read', 'operate', 'metrics'],
  viewer: ['read', 'metrics'],
};

/**
 * What a route reaches. `client` (the default): objects of clients, which the service filters by the
 * principal's `clientIds`. `workspace`: anything that is not one client's (workspace settings,
 * connectors, mailboxes, users, tokens, every client's mail or audit log): only an unlimited principal.
 */
export type RouteScope = 'client' | 'workspace';

export interface Principal {
  kind: 'token' | 'user' | 'system';
  id: string;
  name: string;
  abilities: ReadonlySet<Ability>;
  /** null: every client. */
  clientIds: readonly string[] | null;
}

export function tokenPrincipal(t: { id: string; name: string; scope: TokenScope; clientIds: string[] | null }): Principal {
  return { kind: 'token', id: t.id, name: t.name, abilities: new Set(SCOPE_ABILITIES[t.scope]), clientIds: t.clientIds };
}

export function userPrincipal(u: { id: string; email: string; role: Role; clientIds: string[] | null }): Principal {
  return { kind: 'user', id: u.id, name: u.email, abilities: new Set(ROLE_ABILITIES[u.role]), clientIds: u.clientIds };
}

/** Whoever presents KEEPWATCH_METRICS_TOKEN: a Prometheus server, which may scrape and nothing else. */
export const METRICS_SCRAPER: Principal = { kind: 'token', id: 'metrics', name: 'metrics token', abilities: new Set<Ability>(['metrics']), clientIds: null };

/** The process itself: CLI commands and workers. */
export const SYSTEM: Principal = {
  kind: 'system',
  id: 'system',
  name: 'system',
  abilities: new Set(ROLE_ABILITIES.owner),
  clientIds: null,
};

export function can(p: Principal, ability: Ability): boolean {
  return p.abilities.has(ability);
}

export function canSeeClient(p: Principal, clientId: string): boolean {
  return p.clientIds === null || p.clientIds.includes(clientId);
}

/** Why the principal may not use a route of this ability and scope; null when it may. */
export function refusal(p: Principal, ability: Ability, scope: RouteScope = 'client'): string | null {
  if (!can(p, ability)) return `this ${p.kind} may not ${ability === 'ingest' ? 'write jobs' : `do what needs "${ability}"`}`;
  if (scope === 'workspace' && p.clientIds !== null) return `this reaches the whole workspace, and this ${p.kind} is limited to clients`;
  return null;
}
