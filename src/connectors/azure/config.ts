// The Azure connector's settings (SPEC §8 and docs/azure.md): the schema the API validates
// against, and the resolved form the connector runs with (defaults filled in).
import { Type } from 'typebox';
import { ValidationError } from '../../domain/errors.js';
import { endpoint } from '../../lib/config-fields.js';

export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';
export const DEFAULT_MANAGEMENT_URL = 'https://management.azure.com';
export const CLIENT_BY = ['subscription', 'resource_group', 'tag'] as const;

const guidish = (description: string) => ({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$', description });
const Guidish = (description: string) => Type.String(guidish(description));
// Endpoints: changing one asks for client_secret again (docs/security.md, "Secrets bound to their endpoints").
const Url = (description: string, fallback: string) => Type.String(endpoint({ format: 'uri', pattern: '^https?://', maxLength: 500, default: fallback, description, 'x-advanced': true }));

export const AzureConfigSchema = Type.Object(
  {
    tenant_id: Type.String(endpoint(guidish('Entra ID tenant (directory) id, or its domain, e.g. contoso.onmicrosoft.com'))),
    client_id: Guidish('application (client) id of the app registration'),
    client_secret: Type.String({ minLength: 1, maxLength: 1000, description: 'client secret value; write-only, answered as "***"' }),
    subscription_id: Guidish('the subscription whose Recovery Services vaults are read (the app needs Reader on it)'),
    interval_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440, default: 60, title: 'Sync every (minutes)', description: 'minutes between syncs (default 60)' })),
    login_url: Type.Optional(Url(`Entra ID host (default ${DEFAULT_LOGIN_URL})`, DEFAULT_LOGIN_URL)),
    management_url: Type.Optional(Url(`Azure Resource Manager host (default ${DEFAULT_MANAGEMENT_URL})`, DEFAULT_MANAGEMENT_URL)),
    client_by: Type.Optional(Type.Unsafe<(typeof CLIENT_BY)[number]>({ type: 'string', enum: [...CLIENT_BY], description: "which client a vault's devices belong to (default subscription)" })),
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "client for client_by=subscription, and for vaults without the resource group or tag (default: the connector's name)" })),
    client_tag: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'vault tag naming the client (client_by=tag)' })),
    client_map: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), { title: 'Client mapping', description: 'resource group or tag value → client name' }),
    ),
    history_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 180, description: 'how far back the first sync of a vault reads jobs (default 30)', 'x-advanced': true })),
    overlap_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, description: 'how far before the last sync each sync re-reads jobs (default 120)', 'x-advanced': true })),
    max_job_details: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'job-detail reads per sync, for backup sizes (default 200; 0: none)', 'x-advanced': true })),
  },
  {
    additionalProperties: false,
    title: 'Azure Backup and Site Recovery',
    description: 'An Entra ID app registration with Reader on the subscription: its vaults’ backup jobs, protected items and replication health.',
  },
);

export interface AzureConfig {
  [key: string]: unknown;
  tenant_id: string;
  client_id: string;
  client_secret: string;
  subscription_id: string;
  interval_minutes: number;
  login_url: string;
  management_url: string;
  client_by: (typeof CLIENT_BY)[number];
  client: string;
  client_tag: string | null;
  client_map: Record<string, string>;
  history_days: number;
  overlap_minutes: number;
  max_job_details: number;
}

/** Defaults and the checks a schema cannot express. */
export function resolveAzureConfig(c: Record<string, unknown>, name: string): AzureConfig {
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string).trim() : '');
  const num = (k: string, d: number) => (typeof c[k] === 'number' ? (c[k] as number) : d);
  const problems = ['tenant_id', 'client_id', 'client_secret', 'subscription_id']
    .filter((k) => str(k) === '')
    .map((k) => ({ field: `config.${k}`, message: 'is required' }));
  const clientBy = (c.client_by as AzureConfig['client_by'] | undefined) ?? 'subscription';
  if (clientBy === 'tag' && str('client_tag') === '') problems.push({ field: 'config.client_tag', message: 'is required when client_by is tag' });
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    tenant_id: str('tenant_id'),
    client_id: str('client_id'),
    client_secret: c.client_secret as string,
    subscription_id: str('subscription_id'),
    interval_minutes: num('interval_minutes', 60),
    login_url: (str('login_url') || DEFAULT_LOGIN_URL).replace(/\/+$/, ''),
    management_url: (str('management_url') || DEFAULT_MANAGEMENT_URL).replace(/\/+$/, ''),
    client_by: clientBy,
    client: str('client') || name,
    client_tag: str('client_tag') || null,
    client_map: (c.client_map as Record<string, string> | undefined) ?? {},
    history_days: num('history_days', 30),
    overlap_minutes: num('overlap_minutes', 120),
    max_job_details: num('max_job_details', 200),
  };
}
