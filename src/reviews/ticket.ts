// A PSA ticket about one run, opened by the person reviewing it (the console's `t` key,
// docs/review.md). It goes through a PSA channel's own API (src/notify/channels/psa), to the
// company the channel maps the run's client to, at the channel's `high` (failed, partial) or
// `medium` (warning) priority, with the board / queue / type / status ids of the channel's
// job_failed (or job_warning) mapping when it has one, else the channel's. The summary carries
// the run's marker, as alert tickets carry the alert's, so asking twice answers the ticket
// already open instead of making another.
import type { CatalogService } from '../catalog/catalog.js';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { Principal } from '../domain/access.js';
import { UpstreamError, ValidationError } from '../domain/errors.js';
import type { SecretBox } from '../lib/secret-box.js';
import { openConfig, view } from '../notify/channel-model.js';
import type { ChannelConfig } from '../notify/channels/channel.js';
import { deviceUrl } from '../notify/channels/format.js';
import { PsaFailure } from '../notify/channels/psa/api.js';
import { PSA_APIS, PSA_LABELS } from '../notify/channels/psa/apis.js';
import { companyFor, mappingFor, priorityId } from '../notify/channels/psa/mapping.js';
import { markerOf, SUMMARY_MAX } from '../notify/channels/psa/ticket-text.js';
import type { ChannelRegistry } from '../notify/channels/registry.js';

export interface ReviewTicketDeps {
  catalog: CatalogService;
  channels: ChannelRepository;
  registry: ChannelRegistry;
  secrets: SecretBox;
  publicUrl: string;
}

export interface RunTicket {
  ticket: string;
  channel_id: string;
  created: boolean;
}

interface RunFacts {
  id: string;
  client_id: string;
  client: string;
  device_id: string;
  device: string;
  check: string | null;
  status: string;
  at: number;
  message: string | null;
  error_code: string | null;
}

export function runTicketSummary(r: RunFacts): string {
  const marker = ` ${markerOf(r.id)}`;
  const text = `Backup ${r.status === 'warning' ? 'warning' : 'failure'}: ${r.device}${r.check ? ` — ${r.check}` : ''} (${r.status})`;
  const room = SUMMARY_MAX - marker.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${marker}`;
}

export function runTicketDescription(r: RunFacts, publicUrl: string): string {
  return [
    `A ${r.status} run found in the daily review.`,
    '',
    `Client: ${r.client}`,
    `Device: ${r.device}`,
    `Check: ${r.check ?? '—'}`,
    `Status: ${r.status}`,
    `Time: ${new Date(r.at).toISOString()}`,
    `Message: ${r.message ?? '—'}`,
    ...(r.error_code ? [`Error code: ${r.error_code}`] : []),
    '',
    `Device and job log: ${deviceUrl(publicUrl, r.device_id)}`,
    `Reference ${markerOf(r.id)}.`,
  ].join('\n');
}

export class ReviewTickets {
  constructor(private readonly d: ReviewTicketDeps) {}

  async open(p: Principal, jobId: string, channelId: string | undefined): Promise<RunTicket> {
    const job = await this.d.catalog.getJob(p, jobId);
    const { device, checks } = await this.d.catalog.getDevice(p, job.device_id);
    const client = (await this.d.catalog.getClient(p, job.client_id)).client;
    const { id, type, config } = await this.channel(channelId);
    const companyId = companyFor(config, { client_id: job.client_id, scope: 'device' });
    if (companyId === null) {
      throw ValidationError.field('channel_id', `client "${client.name}" has no ${PSA_LABELS[type]} company in this channel: map it in the channel's companies`);
    }
    const facts: RunFacts = {
      id: job.id,
      client_id: client.id,
      client: client.name,
      device_id: device.id,
      device: device.name,
      check: checks.find((c) => c.id === job.check_id)?.name ?? null,
      status: job.status,
      at: job.occurred_at,
      message: job.message,
      error_code: job.error_code,
    };
    const m = mappingFor(config, job.status === 'warning' ? 'job_warning' : 'job_failed');
    const api = PSA_APIS[type]!(config, 15_000);
    try {
      const existing = await api.findOpenTicket(job.id, companyId);
      if (existing !== null) return { ticket: String(existing), channel_id: id, created: false };
      const ticket = await api.createTicket({
        companyId,
        summary: runTicketSummary(facts),
        description: runTicketDescription(facts, this.d.publicUrl),
        // One run is not the 3rd failure in a row job_failed's mapping is about: high for a failure, medium for a warning.
        priorityId: priorityId(config, job.status === 'warning' ? 'medium' : 'high'),
        boardId: m?.board_id ?? (config.board_id as number | undefined) ?? null,
        queueId: m?.queue_id ?? (config.queue_id as number | undefined) ?? null,
        typeId: m?.type_id ?? (config.type_id as number | undefined) ?? null,
        statusId: m?.status_id ?? (config.new_status_id as number | undefined) ?? null,
      });
      return { ticket: String(ticket), channel_id: id, created: true };
    } catch (err) {
      if (err instanceof PsaFailure) throw new UpstreamError(`${PSA_LABELS[type]}: ${err.message}`);
      throw err;
    }
  }

  /** The PSA channel named, or the only enabled one; 400 naming channel_id otherwise. */
  private async channel(channelId: string | undefined): Promise<{ id: string; type: string; config: ChannelConfig }> {
    const psa = (await this.d.channels.all()).filter((c) => c.enabled === 1 && PSA_APIS[c.type] !== undefined);
    let row = psa[0];
    if (channelId !== undefined) {
      row = psa.find((c) => c.id === channelId);
      if (!row) throw ValidationError.field('channel_id', 'is not an enabled PSA channel (ConnectWise, Autotask, HaloPSA)');
    } else if (psa.length !== 1) {
      throw ValidationError.field('channel_id', psa.length === 0 ? 'no PSA channel is set up: add one under Settings → Channels' : `${psa.length} PSA channels are set up: name one`);
    }
    const v = view(row!, this.d.registry);
    if (!v) throw ValidationError.field('channel_id', 'is not an enabled PSA channel');
    return { id: row!.id, type: row!.type, config: openConfig(v, this.d.secrets) };
  }
}
