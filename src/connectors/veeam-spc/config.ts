// The veeam-spc connector's settings (issue #19, pinned): the console's URL and a REST API key,
// plus the certificate trust, interval and overlap every console connector shares.
import { Type } from 'typebox';
import { baseUrl, IntervalField, num, OverlapField, requireFields, TlsConfigFields, UrlField } from '../common/config.js';

export const VspcConfigSchema = Type.Object(
  {
    url: UrlField('Veeam Service Provider Console address, e.g. https://vspc.example:1280 (REST API v3 under /api/v3)'),
    api_key: Type.String({
      minLength: 1,
      maxLength: 4000,
      title: 'API key',
      description: 'a Simple REST API key with read-only access (Configuration > Access Management > REST API Keys); write-only, answered as "***"',
    }),
    ...TlsConfigFields,
    interval_minutes: IntervalField,
    overlap_minutes: OverlapField,
  },
  {
    additionalProperties: false,
    title: 'Veeam Service Provider Console',
    description: 'Companies, protected machines and the latest session of every Veeam Backup & Replication and Veeam agent job the console manages.',
  },
);

export interface VspcConfig {
  [key: string]: unknown;
  url: string;
  api_key: string;
  fingerprint: string | null;
  insecure_tls: boolean;
  interval_minutes: number;
  overlap_minutes: number;
}

export function resolveVspcConfig(c: Record<string, unknown>): VspcConfig {
  requireFields(c, ['url', 'api_key']);
  return {
    url: baseUrl(c),
    api_key: (c.api_key as string).trim(),
    fingerprint: typeof c.fingerprint === 'string' && c.fingerprint.trim() !== '' ? c.fingerprint.trim() : null,
    insecure_tls: c.insecure_tls === true,
    interval_minutes: num(c, 'interval_minutes', 60),
    overlap_minutes: num(c, 'overlap_minutes', 120),
  };
}
