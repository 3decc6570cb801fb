// What the badge, status-page and branding routes take and answer (routes.ts).
import { Type } from 'typebox';
import { BADGE_STATUSES } from '../domain/badges.js';
import { Nullable, StringEnum } from '../http/schemas.js';

export const BadgeParams = Type.Object({
  file: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,200}\\.(svg|json|shields)$',
    maxLength: 210,
    description: 'the badge key, then .svg, .json or .shields',
  }),
});

export const BadgeJsonSchema = Type.Object({ status: StringEnum(BADGE_STATUSES), label: Type.String() });

export const ShieldsSchema = Type.Object({
  schemaVersion: Type.Literal(1),
  label: Type.String(),
  message: Type.String(),
  color: Type.String(),
});

export const StatusParams = Type.Object({ key: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$', description: 'the status page key' }) });

export const BadgeUrlSchema = Type.Object({ badge_url: Type.String({ description: 'the SVG; .json and .shields in place of .svg give the other forms' }) });

export const TagParams = Type.Object({ tag: Type.String({ minLength: 1, maxLength: 100, description: 'a tag (percent-encode a /)' }) });
export const TagBadgeSchema = Type.Object({ tag: Type.String(), badge_url: Type.String() });

export const StatusPageUrlSchema = Type.Object({ status_page_url: Type.String() });

export const BrandingSchema = Type.Object(
  {
    name: Nullable(Type.String({ maxLength: 100, description: 'the MSP name shown on status pages' })),
    logo_url: Nullable(Type.String({ maxLength: 100_000, description: 'an https URL, or a base64 data: image under 100,000 characters' })),
  },
  { additionalProperties: false },
);
