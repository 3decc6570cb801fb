// The Veeam Backup & Replication connector's settings (issue #19, pinned): the backup server's
// REST API URL, a user and its password, the common certificate, interval and overlap fields,
// and the client its jobs belong to.
import { Type } from 'typebox';
import { baseUrl, IntervalField, num, OverlapField, requireFields, str, TlsConfigFields, UrlField } from '../common/config.js';

export const VbrConfigSchema = Type.Object(
  {
    url: UrlField('REST API of the backup server, e.g. https://vbr.example:9419'),
    username: Type.String({ minLength: 1, maxLength: 200, description: 'a user of the backup server with the Veeam Backup Viewer role, e.g. DOMAIN\\keepwatch' }),
    password: Type.String({ minLength: 1, maxLength: 1000, description: 'its password; write-only, answered as "***"' }),
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "the client this backup server's machines belong to (default: the connector's name)" })),
    ...TlsConfigFields,
    interval_minutes: IntervalField,
    overlap_minutes: OverlapField,
  },
  {
    additionalProperties: false,
    title: 'Veeam Backup & Replication',
    description: "A backup server's REST API (port 9419): its job sessions per machine, backup copies, SureBackup and repository space.",
  },
);

export interface VbrConfig {
  [key: string]: unknown;
  url: string;
  username: string;
  password: string;
  client: string;
  fingerprint: string | null;
  insecure_tls: boolean;
  interval_minutes: number;
  overlap_minutes: number;
}

export function resolveVbrConfig(c: Record<string, unknown>, name: string): VbrConfig {
  requireFields(c, ['url', 'username', 'password']);
  return {
    url: baseUrl(c),
    username: str(c, 'username'),
    password: c.password as string,
    client: str(c, 'client') || name,
    fingerprint: str(c, 'fingerprint') || null,
    insecure_tls: c.insecure_tls === true,
    interval_minutes: num(c, 'interval_minutes', 60),
    overlap_minutes: num(c, 'overlap_minutes', 120),
  };
}
