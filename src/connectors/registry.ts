// The connector types Keepwatch knows. A new source adds its folder and one line here.

import { describeType, type TypeDescription } from '../lib/config-fields.js';
import { acronisConnector } from './acronis/index.js';
import { azureConnector } from './azure/index.js';
import { coveConnector } from './cove/index.js';
import { dattoConnector } from './datto/index.js';
import { pbsConnector } from './pbs/index.js';
import type { ConnectorType } from './types.js';
import { vspcConnector } from './veeam-spc/index.js';
import { veeamVbrConnector } from './veeam-vbr/index.js';

export const CONNECTOR_TYPES = ['azure', 'veeam-spc', 'datto', 'veeam-vbr', 'pbs', 'cove', 'acronis'] as const;
export type ConnectorTypeName = (typeof CONNECTOR_TYPES)[number];

const registry: Record<ConnectorTypeName, ConnectorType> = {
  azure: azureConnector as unknown as ConnectorType,
  'veeam-spc': vspcConnector as unknown as ConnectorType,
  datto: dattoConnector as unknown as ConnectorType,
  pbs: pbsConnector as unknown as ConnectorType,
  'veeam-vbr': veeamVbrConnector as unknown as ConnectorType,
  acronis: acronisConnector as unknown as ConnectorType,
  cove: coveConnector as unknown as ConnectorType,
};

export function connectorType(type: string): ConnectorType | null {
  return (registry as Record<string, ConnectorType>)[type] ?? null;
}

/** Every type with its config fields, for forms (GET /api/v1/connector-types). */
export function describeConnectorTypes(): TypeDescription[] {
  return CONNECTOR_TYPES.map((t) => describeType(t, registry[t].configSchema, registry[t].secretFields));
}
