// The Acronis Cyber Protect Cloud connector's settings (issue #19, pinned): the data centre URL
// and an API client (client_id and its secret) created in the partner's management portal, plus
// the common certificate, interval and overlap fields.
import { Type } from 'typebox';
import { baseUrl, IntervalField, num, OverlapField, requireFields, str, TlsConfigFields, UrlField } from '../common/config.js';

export const AcronisConfigSchema = Type.Object(
  {
    url: UrlField('the data centre the API client is registered in, e.g. https://eu2-cloud.acronis.com'),
    client_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$', description: 'client_id of an API client created in the partner tenant (Settings › API clients)' }),
    client_secret: Type.String({ minLength: 1, maxLength: 1000, description: 'its client_secret; write-only, answered as "***"' }),
    ...TlsConfigFields,
    interval_minutes: IntervalField,
    overlap_minutes: OverlapField,
  },
  {
    additionalProperties: false,
    title: 'Acronis Cyber Protect Cloud',
    description: "A partner's API client: its customers, and their machines' backup activities.",
  },
);

export interface AcronisConfig {
  [key: string]: unknown;
  url: string;
  client_id: string;
  client_secret: string;
  fingerprint: string | null;
  insecure_tls: boolean;
  interval_minutes: number;
  overlap_minutes: number;
}

export function resolveAcronisConfig(c: Record<string, unknown>): AcronisConfig {
  requireFields(c, ['url', 'client_id', 'client_secret']);
  return {
    url: baseUrl(c),
    client_id: str(c, 'client_id'),
    client_secret: c.client_secret as string,
    fingerprint: str(c, 'fingerprint') || null,
    insecure_tls: c.insecure_tls === true,
    interval_minutes: num(c, 'interval_minutes', 60),
    overlap_minutes: num(c, 'overlap_minutes', 120),
  };
}
