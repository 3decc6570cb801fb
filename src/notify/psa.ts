// What the settings screen and the PSA itself ask of a PSA channel: the PSA's companies with the
// Keepwatch clients they match by exact name (then chosen by hand), the PSA's boards / queues /
// priorities / statuses / types read from its own metadata endpoints, and inbound callbacks (a
// ticket closed in the PSA acknowledges the Keepwatch alert, with a note), authenticated by the
// channel's `X-Integration-Key`.
import { timingSafeEqual } from 'node:crypto';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { Principal } from '../domain/access.js';
import { ConflictError, NotFoundError, UnauthenticatedError, UpstreamError, ValidationError } from '../domain/errors.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { ChannelConfig } from './channels/channel.js';
import { type PsaApi, type PsaChoice, type PsaMetadata, PsaFailure } from './channels/psa/api.js';
import { PSA_ACTOR_PREFIX, type TicketState } from './channels/psa/driver.js';
import { PSA_APIS, PSA_LABELS } from './channels/psa/apis.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { AlertService } from '../engine/alerts.js';
import { openConfig, view } from './channel-model.js';
import type { ChannelService } from './channel-service.js';

export interface CompanyMatch {
  client_id: string;
  client_name: string;
  /** The company the channel maps this client to now (null: none). */
  company_id: number | null;
  /** A PSA company with exactly the client's name (case and spacing aside), offered first. */
  suggestion: PsaChoice | null;
}

export interface CallbackOutcome {
  ticket_id: number;
  alert_id: string | null;
  action: 'acknowledged' | 'none';
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface PsaServiceDeps {
  channels: ChannelService;
  channelRepo: ChannelRepository;
  deliveries: DeliveryRepository;
  reads: NotifyReadRepository;
  registry: ChannelRegistry;
  secrets: SecretBox;
  alerts: AlertService;
}

export class PsaService {
  constructor(private readonly d: PsaServiceDeps) {}

  async companies(p: Principal, channelId: string): Promise<{ companies: PsaChoice[]; clients: CompanyMatch[] }> {
    const { api, config } = await this.open(channelId);
    const companies = await upstream(() => api.companies());
    const byName = new Map(companies.map((c) => [norm(c.name), c]));
    const mapped = (config.companies as Record<string, number | null> | undefined) ?? {};
    const visible = (await this.d.reads.clients()).filter((c) => p.clientIds === null || p.clientIds.includes(c.id));
    return {
      companies,
      clients: visible.map((c) => ({ client_id: c.id, client_name: c.name, company_id: mapped[c.id] ?? null, suggestion: byName.get(norm(c.name)) ?? null })),
    };
  }

  async metadata(channelId: string): Promise<PsaMetadata> {
    const { api } = await this.open(channelId);
    return upstream(() => api.metadata());
  }

  /**
   * A PSA's status callback. Generic `{ ticket_id, closed?, status? }`, ConnectWise's callback
   * (`{ ID, Entity }`, the entity's `closedFlag`), or Autotask's webhook (`{ Id, Fields: { Status } }`).
   */
  async callback(channelId: string, key: string | undefined, body: unknown): Promise<CallbackOutcome> {
    const row = await this.d.channelRepo.byId(channelId);
    const v = row ? view(row, this.d.registry) : null;
    if (!v || !PSA_APIS[v.row.type]) throw new UnauthenticatedError('an X-Integration-Key of a PSA channel is required');
    const config = openConfig(v, this.d.secrets);
    const expected = config.integration_key;
    if (typeof expected !== 'string' || typeof key !== 'string' || !sameKey(key, expected)) throw new UnauthenticatedError('the X-Integration-Key is missing or wrong');
    const { ticketId, closed } = readCallback(body, (config.complete_status_id as number | undefined) ?? 5);
    const found = await this.d.deliveries.alertOfTicket(v.row.id, ticketId);
    if (!found || !closed) return { ticket_id: ticketId, alert_id: found?.alert_id ?? null, action: 'none' };
    const state = found.state as TicketState;
    await this.d.deliveries.putState(v.row.id, found.alert_id, { ...state, closed: true }, Date.now());
    const actor: Principal = { kind: 'system', id: `psa:${v.row.id}`, name: `${PSA_ACTOR_PREFIX}${v.row.name}`, abilities: new Set(['read', 'operate']), clientIds: null };
    try {
      await this.d.alerts.acknowledge(actor, found.alert_id, `Ticket ${ticketId} was closed in ${PSA_LABELS[v.row.type]}`);
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError) return { ticket_id: ticketId, alert_id: found.alert_id, action: 'none' };
      throw err;
    }
    return { ticket_id: ticketId, alert_id: found.alert_id, action: 'acknowledged' };
  }

  private async open(channelId: string): Promise<{ api: PsaApi; config: ChannelConfig }> {
    const row = await this.d.channels.get(channelId);
    const make = PSA_APIS[row.type];
    if (!make) throw new NotFoundError('PSA channel', channelId);
    const config = openConfig(view(row, this.d.registry)!, this.d.secrets);
    return { api: make(config, 15_000), config };
  }
}

async function upstream<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof PsaFailure) throw new UpstreamError(`${err.message}${err.result.response ? `: ${err.result.response.slice(0, 300)}` : ''}`);
    throw err;
  }
}

function readCallback(body: unknown, completeStatus: number): { ticketId: number; closed: boolean } {
  const b = (body ?? {}) as Record<string, unknown>;
  const id = Number(b.ticket_id ?? b.ID ?? b.Id ?? b.id);
  if (!Number.isInteger(id) || id <= 0) throw ValidationError.field('ticket_id', 'is required: the PSA ticket id');
  if (typeof b.closed === 'boolean') return { ticketId: id, closed: b.closed };
  if (typeof b.Entity === 'string') {
    try {
      const e = JSON.parse(b.Entity) as { closedFlag?: boolean };
      return { ticketId: id, closed: e.closedFlag === true };
    } catch {
      throw ValidationError.field('Entity', 'is not JSON');
    }
  }
  const fields = b.Fields as Record<string, unknown> | undefined;
  const status = fields?.Status ?? fields?.status ?? b.status;
  return { ticketId: id, closed: Number(status) === completeStatus || (typeof status === 'string' && /^(closed|complete)/i.test(status)) };
}
