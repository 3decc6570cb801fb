// The connector types Keepwatch knows. A new source adds its folder and one line here.
import { azureConnector } from './azure/index.js';
import { describeType, type TypeDescription } from '../lib/config-fields.js';
import type { ConnectorType } from './types.js';

export const CONNECTOR_TYPES = ['azure'] as const;
export type ConnectorTypeName = (typeof CONNECTOR_TYPES)[number];

const registry: Record<ConnectorTypeName, ConnectorType> = {
  azure: azureConnector as unknown as ConnectorType,
};

export function connectorType(type: string): ConnectorType | null {
  return (registry as Record<string, ConnectorType>)[type] ?? null;
}

/** Every type with its config fields, for forms (GET /api/v1/connector-types). */
export function describeConnectorTypes(): TypeDescription[] {
  return CONNECTOR_TYPES.map((t) => describeType(t, registry[t].configSchema, registry[t].secretFields));
}
