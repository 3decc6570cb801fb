// Routes of badges, status pages and branding. `/badge/<key>.<format>` and `/status/<key>` have no
// ability: the key is the credential, and a key nobody was given is a plain 404.
import { Type } from 'typebox';
import { NotFoundError } from '../domain/errors.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { ProblemSchema, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { type BadgeFormat, badgeJson, badgeSvg, shieldsJson } from './badge-render.js';
import type { BadgeService } from './badges.js';
import type { BrandingService } from './branding.js';
import { BadgeJsonSchema, BadgeParams, BadgeUrlSchema, BrandingSchema, ShieldsSchema, StatusPageUrlSchema, StatusParams, TagBadgeSchema, TagParams } from './schemas.js';
import { STATUS_PAGE_CSP, statusPageHtml } from './status-page-html.js';
import type { StatusPageService } from './status-page.js';

export interface PublicRouteDeps {
  badges: BadgeService;
  statusPages: StatusPageService;
  branding: BrandingService;
}

/** Short: a badge follows the estate within a minute, and a CDN or README host may keep it that long. */
const BADGE_CACHE = 'public, max-age=60';
const CONTENT_TYPE: Record<BadgeFormat, string> = {
  svg: 'image/svg+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  shields: 'application/json; charset=utf-8',
};

export function publicRoutes(app: Api, d: PublicRouteDeps): void {
  app.get(
    '/badge/:file',
    {
      schema: {
        tags: ['badges'],
        summary: 'A badge without credentials: .svg an image, .json {status, label}, .shields a Shields.io endpoint document',
        params: BadgeParams,
        response: { 200: Type.Union([Type.String(), BadgeJsonSchema, ShieldsSchema]), 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      const dot = req.params.file.lastIndexOf('.');
      const key = req.params.file.slice(0, dot);
      const format = req.params.file.slice(dot + 1) as BadgeFormat;
      const badge = await d.badges.resolve(key);
      if (badge === null) throw new NotFoundError('badge', key);
      reply.header('cache-control', BADGE_CACHE).header('x-content-type-options', 'nosniff').type(CONTENT_TYPE[format]);
      if (format === 'svg') return reply.header('content-security-policy', "default-src 'none'").send(badgeSvg(badge));
      return format === 'json' ? badgeJson(badge) : shieldsJson(badge);
    },
  );

  app.get(
    '/status/:key',
    {
      schema: {
        tags: ['status pages'],
        summary: "A client's status page (HTML, no credentials); 404 while the page is off",
        params: StatusParams,
        response: { 200: Type.String(), 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      const page = await d.statusPages.page(req.params.key);
      if (page === null) throw new NotFoundError('status page', req.params.key);
      return reply
        .header('content-security-policy', STATUS_PAGE_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('cache-control', 'private, max-age=30')
        .type('text/html; charset=utf-8')
        .send(statusPageHtml(page));
    },
  );

  keyRoutes(app, d);
  brandingRoutes(app, d);
}

function keyRoutes(app: Api, d: PublicRouteDeps): void {
  const clients = resourceRoutes(app, { path: '/api/v1/clients', tags: ['clients', 'badges'], ability: 'operate' });
  const checks = resourceRoutes(app, { path: '/api/v1/checks', tags: ['checks', 'badges'], ability: 'operate' });
  clients.action('POST', 'badge-key', { summary: 'New badge key for a client: the old badge URL stops working', answer: BadgeUrlSchema }, async (p, id) => ({
    badge_url: await d.badges.regenerateClient(p, id),
  }));
  checks.action('POST', 'badge-key', { summary: 'New badge key for a check: the old badge URL stops working', answer: BadgeUrlSchema }, async (p, id) => ({
    badge_url: await d.badges.regenerateCheck(p, id),
  }));
  clients.action(
    'POST',
    'status-page-key',
    { summary: 'New status page key for a client: the old link stops working', tags: ['clients', 'status pages'], answer: StatusPageUrlSchema },
    async (p, id) => ({ status_page_url: await d.statusPages.regenerate(p, id) }),
  );

  app.get(
    '/api/v1/tags/:tag/badge',
    {
      config: { ability: 'read', scope: 'workspace' },
      schema: { tags: ['badges'], summary: "A tag's badge URL: the worst band of the devices and checks carrying it", params: TagParams, response: { 200: TagBadgeSchema, ...problemResponses } },
    },
    async (req) => d.badges.tagUrl(req.principal, req.params.tag),
  );
  app.post(
    '/api/v1/tags/badge-key',
    {
      config: { ability: 'operate', scope: 'workspace' },
      schema: { tags: ['badges'], summary: 'New secret for tag badges: every tag badge URL changes', response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await d.badges.rotateTagSecret(req.principal);
      return reply.code(204).send(null);
    },
  );
}

function brandingRoutes(app: Api, d: PublicRouteDeps): void {
  app.get(
    '/api/v1/settings/branding',
    { config: { ability: 'read' }, schema: { tags: ['settings'], summary: 'The MSP name and logo on status pages', response: { 200: BrandingSchema, ...problemResponses } } },
    async () => d.branding.get(),
  );
  app.put(
    '/api/v1/settings/branding',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: { tags: ['settings'], summary: 'Set the MSP name and logo shown on status pages', body: BrandingSchema, response: { 200: BrandingSchema, ...problemResponses } },
    },
    async (req) => d.branding.set(req.principal, req.body),
  );
}
