// The Proxmox Backup Server connector's settings (issue #19, pinned: `url`, `token_id`,
// `token_secret`, `fingerprint`): the schema the API validates against and the resolved form.
import { Type } from 'typebox';
import { ValidationError } from '../../domain/errors.js';
import { baseUrl, IntervalField, num, OverlapField, requireFields, str, TlsConfigFields, tlsPolicyOf, UrlField } from '../common/config.js';
import type { TlsPolicy } from '../http.js';

/** `user@realm!tokenname`: PBS's API token id (the token name is a safe id: letters, digits, `_ . -`). */
export const TOKEN_ID_PATTERN = '^[^\\s:@!]+@[A-Za-z0-9][A-Za-z0-9_.-]*![A-Za-z0-9][A-Za-z0-9_.-]*$';

export const PbsConfigSchema = Type.Object(
  {
    url: UrlField('the server, e.g. https://pbs.example:8007'),
    token_id: Type.String({ minLength: 3, maxLength: 200, pattern: TOKEN_ID_PATTERN, title: 'Token ID', description: 'API token id, user@realm!tokenname (e.g. keepwatch@pbs!monitor)' }),
    token_secret: Type.String({ minLength: 1, maxLength: 200, description: 'the API token secret shown once when the token was made; write-only, answered as "***"' }),
    ...TlsConfigFields,
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "the client whose backups this server holds (default: the connector's name)" })),
    interval_minutes: IntervalField,
    overlap_minutes: OverlapField,
    history_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 180, description: 'how far back the first sync reads tasks (default 30)', 'x-advanced': true })),
  },
  {
    additionalProperties: false,
    title: 'Proxmox Backup Server',
    description: "A PBS server's tasks (backup, verify, sync, garbage collection, prune), its datastores' usage and their snapshots, read with an API token.",
  },
);

export interface PbsConfig {
  [key: string]: unknown;
  url: string;
  token_id: string;
  token_secret: string;
  tls: TlsPolicy;
  client: string;
  interval_minutes: number;
  overlap_minutes: number;
  history_days: number;
}

export function resolvePbsConfig(c: Record<string, unknown>, name: string): PbsConfig {
  requireFields(c, ['url', 'token_id', 'token_secret']);
  const tokenId = str(c, 'token_id');
  if (!new RegExp(TOKEN_ID_PATTERN).test(tokenId)) throw ValidationError.field('config.token_id', 'must be user@realm!tokenname');
  return {
    url: baseUrl(c),
    token_id: tokenId,
    token_secret: str(c, 'token_secret'),
    tls: tlsPolicyOf(c),
    client: str(c, 'client') || name,
    interval_minutes: num(c, 'interval_minutes', 60),
    overlap_minutes: num(c, 'overlap_minutes', 120),
    history_days: num(c, 'history_days', 30),
  };
}
