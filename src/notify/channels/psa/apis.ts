// The PSA APIs by channel type, for what is asked of a PSA outside a delivery (companies,
// metadata for the settings screen).
import type { ChannelConfig } from '../channel.js';
import { autotaskApi } from '../autotask/driver.js';
import { connectWiseApi } from '../connectwise/driver.js';
import { haloApi } from '../halopsa/driver.js';
import type { PsaApi } from './api.js';

export const PSA_APIS: Record<string, (config: ChannelConfig, timeoutMs: number) => PsaApi> = {
  connectwise: connectWiseApi,
  autotask: autotaskApi,
  halopsa: haloApi,
};

export const PSA_LABELS: Record<string, string> = { connectwise: 'ConnectWise', autotask: 'Autotask', halopsa: 'HaloPSA' };
