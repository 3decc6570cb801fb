// A channel row read for use: filters parsed, secrets opened, its kind's driver attached.
import type { ChannelRow } from '../db/schema.js';
import type { HealthReport } from '../domain/integration-health.js';
import type { RoutableChannel } from '../domain/notify.js';
import type { Severity } from '../domain/settings.js';
import { openSecrets } from '../lib/secret-config.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { ChannelConfig, ChannelDriver } from './channels/channel.js';
import type { ChannelRegistry } from './channels/registry.js';

/** The built-in channel that tells every owner and admin of destructive operations. */
export const OWNERS_CHANNEL_ID = 'owners-and-admins';

export function jsonList(text: string | null): string[] | null {
  return text === null ? null : (JSON.parse(text) as string[]);
}

/** A channel with how it is doing (docs/notifications.md, "Channel health"). */
export type ChannelWithHealth = ChannelRow & { health: HealthReport };

export interface ChannelView {
  row: ChannelRow;
  driver: ChannelDriver;
  /** Stored form (secrets sealed). */
  stored: ChannelConfig;
}

export function view(row: ChannelRow, registry: ChannelRegistry): ChannelView | null {
  const driver = registry.get(row.type);
  return driver ? { row, driver, stored: JSON.parse(row.config) as ChannelConfig } : null;
}

export function openConfig(v: ChannelView, box: SecretBox): ChannelConfig {
  return openSecrets(box, v.stored, v.driver.secretFields);
}

export function isDigest(v: ChannelView): boolean {
  return v.row.type === 'email' && v.stored.mode === 'hourly_digest';
}

export function routable(v: ChannelView): RoutableChannel {
  return {
    id: v.row.id,
    topics: v.driver.topics,
    clientIds: jsonList(v.row.client_ids),
    minSeverity: v.row.min_severity as Severity | null,
    types: jsonList(v.row.types),
    digest: isDigest(v),
    sinceId: v.row.id,
  };
}
