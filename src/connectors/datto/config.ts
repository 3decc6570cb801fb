// The Datto BCDR connector's settings (issue #19, pinned: `url`, `public_key`, `private_key`):
// the schema the API validates against and the resolved form the connector runs with.
import { Type } from 'typebox';
import { baseUrl, IntervalField, num, OverlapField, requireFields, str, TlsConfigFields, tlsPolicyOf, UrlField } from '../common/config.js';
import type { TlsPolicy } from '../http.js';

export const DEFAULT_DATTO_URL = 'https://api.datto.com';

export const DattoConfigSchema = Type.Object(
  {
    url: Type.Optional(UrlField(`Datto REST API host (default ${DEFAULT_DATTO_URL})`, DEFAULT_DATTO_URL)),
    public_key: Type.String({ minLength: 1, maxLength: 200, description: 'REST API public key (Datto Partner Portal: Admin → Integrations → REST API)' }),
    private_key: Type.String({ minLength: 1, maxLength: 500, description: 'REST API secret key paired with the public key; write-only, answered as "***"' }),
    ...TlsConfigFields,
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "the client of appliances that name no client company (default: the connector's name)", 'x-advanced': true })),
    interval_minutes: IntervalField,
    overlap_minutes: OverlapField,
    history_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 180, description: 'how far back the first sync records snapshots (default 30)', 'x-advanced': true })),
  },
  {
    additionalProperties: false,
    title: 'Datto BCDR (SIRIS, ALTO)',
    description: 'The Datto Partner Portal REST API: each BCDR appliance, the agents and shares it protects, their snapshots, screenshot verification and off-site sync.',
  },
);

export interface DattoConfig {
  [key: string]: unknown;
  url: string;
  public_key: string;
  private_key: string;
  tls: TlsPolicy;
  interval_minutes: number;
  overlap_minutes: number;
  history_days: number;
  /** The client of appliances that name no client company (default: the connector's name). */
  client: string;
}

export function resolveDattoConfig(c: Record<string, unknown>, name: string): DattoConfig {
  requireFields(c, ['public_key', 'private_key']);
  return {
    url: baseUrl(c, DEFAULT_DATTO_URL),
    public_key: str(c, 'public_key'),
    private_key: c.private_key as string,
    tls: tlsPolicyOf(c),
    interval_minutes: num(c, 'interval_minutes', 60),
    overlap_minutes: num(c, 'overlap_minutes', 120),
    history_days: num(c, 'history_days', 30),
    client: str(c, 'client') || name,
  };
}
