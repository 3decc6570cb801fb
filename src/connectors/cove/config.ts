// The N-able Cove Data Protection connector's settings (issue #19, pinned: `url`, `partner`,
// `username`, `password`): the schema the API validates against and the resolved form it runs with.
import { Type } from 'typebox';
import { baseUrl, IntervalField, num, requireFields, str, TlsConfigFields, tlsPolicyOf, UrlField } from '../common/config.js';
import type { TlsPolicy } from '../http.js';

/** The JSON-RPC endpoint N-able documents (developer.n-able.com/n-able-cove/docs/authorization). */
export const DEFAULT_COVE_URL = 'https://api.backup.management/jsonapi';

export const CoveConfigSchema = Type.Object(
  {
    url: Type.Optional(UrlField(`Cove JSON-RPC endpoint (default ${DEFAULT_COVE_URL})`, DEFAULT_COVE_URL)),
    partner: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'the customer (partner) name the API user logs in under, exactly as the Management Console shows it' }),
    username: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'the API user’s login name (Management → Users → API Users)' }),
    password: Type.String({ minLength: 1, maxLength: 1000, description: 'the API user’s token; write-only, answered as "***"' }),
    ...TlsConfigFields,
    interval_minutes: IntervalField,
  },
  {
    additionalProperties: false,
    title: 'N-able Cove Data Protection',
    description: 'The Cove JSON-RPC API (an API user with a read-only role): each device’s last session per data source, its customer and its used storage.',
  },
);

export interface CoveConfig {
  [key: string]: unknown;
  url: string;
  partner: string;
  username: string;
  password: string;
  tls: TlsPolicy;
  interval_minutes: number;
}

export function resolveCoveConfig(c: Record<string, unknown>): CoveConfig {
  requireFields(c, ['partner', 'username', 'password']);
  return {
    url: baseUrl(c, DEFAULT_COVE_URL),
    partner: str(c, 'partner'),
    username: str(c, 'username'),
    password: c.password as string,
    tls: tlsPolicyOf(c),
    interval_minutes: num(c, 'interval_minutes', 60),
  };
}
