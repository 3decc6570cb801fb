// Channel kinds by type: e-mail, webhooks, chat, PSA tickets (ConnectWise, Autotask) and on-call
// paging (PagerDuty, Opsgenie / JSM Operations), each with the config schema (TypeBox) that
// describes its fields for forms.
import { describeType, type TypeDescription } from '../../lib/config-fields.js';
import { autotaskDriver } from './autotask/driver.js';
import { haloDriver } from './halopsa/driver.js';
import type { ChannelDriver } from './channel.js';
import { connectWiseDriver } from './connectwise/driver.js';
import { opsgenieDriver } from './opsgenie/driver.js';
import { pagerDutyDriver } from './pagerduty/driver.js';
import { emailDriver } from './email/driver.js';
import { slackDriver } from './slack/driver.js';
import { teamsDriver } from './teams/driver.js';
import { discordDriver } from './discord/driver.js';
import { googleChatDriver } from './google_chat/driver.js';
import { ntfyDriver } from './ntfy/driver.js';
import { telegramDriver } from './telegram/driver.js';
import { webhookDriver } from './webhook/driver.js';
import { mattermostDriver } from './mattermost/driver.js';
import { pushoverDriver } from './pushover/driver.js';
import { twilioSmsDriver } from './twilio_sms/driver.js';

export const CHANNEL_TYPES = ['email', 'webhook', 'slack', 'teams', 'ntfy', 'telegram', 'discord', 'google_chat', 'connectwise', 'autotask', 'halopsa', 'pagerduty', 'opsgenie', 'pushover', 'mattermost', 'twilio_sms'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export class ChannelRegistry {
  private readonly drivers = new Map<string, ChannelDriver>();

  constructor(mailFrom: string) {
    for (const d of [emailDriver(mailFrom), webhookDriver, slackDriver, teamsDriver, ntfyDriver, telegramDriver, discordDriver, googleChatDriver, connectWiseDriver, autotaskDriver, haloDriver, pagerDutyDriver, opsgenieDriver, pushoverDriver, mattermostDriver, twilioSmsDriver]) this.drivers.set(d.type, d);
  }

  get(type: string): ChannelDriver | undefined {
    return this.drivers.get(type);
  }

  types(): string[] {
    return [...this.drivers.keys()];
  }

  /** Every kind with its config fields, for forms (GET /api/v1/channel-types). */
  describe(): Array<TypeDescription & { carries: string[] }> {
    return [...this.drivers.values()].map((d) => ({ ...describeType(d.type, d.configSchema, d.secretFields), carries: [...d.kinds] }));
  }
}
