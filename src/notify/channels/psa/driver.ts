// A PSA as a notification channel: one open ticket per alert. The ticket is made when the alert
// first meets its type's mapping (a raise, or an escalation such as the 3rd consecutive failure),
// after searching the PSA for a ticket carrying the alert's marker, so a restart, a second
// instance or lost state never makes a second one. Later events add notes; the resolution (or a
// dismissal) closes it with the configured status. The ticket id is the channel's per-alert state.
import type { TObject } from 'typebox';
import type { AlertEvent } from '../../../domain/notify.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { schemaProblems, withDefaults } from '../config-schema.js';
import type { FieldProblem } from '../../../domain/errors.js';
import { ALERT_TYPES } from '../../../domain/settings.js';
import { type PsaApi, PsaFailure } from './api.js';
import { companyFor, mappingFor, meetsMapping, type PriorityLevel, priorityId, type TypeMapping } from './mapping.js';
import { ticketDescription, ticketNote, ticketSummary } from './ticket-text.js';

/** Acknowledgements made by a PSA's callback carry this in `by`: no note goes back to the ticket. */
export const PSA_ACTOR_PREFIX = 'psa:';

export interface TicketState {
  ticket_id: number;
  company_id: number;
  closed?: boolean;
}

export interface PsaVendor {
  type: string;
  label: string;
  secretFields: readonly string[];
  configSchema: TObject;
  /** Priority ids used when the channel names none (Autotask's standard picklist). */
  priorityDefaults: Partial<Record<PriorityLevel, number>>;
  /** Checks the schema cannot express. */
  extraProblems?(config: ChannelConfig): FieldProblem[];
  api(config: ChannelConfig, timeoutMs: number): PsaApi;
}

const OPENING = new Set(['alert.raised', 'alert.escalated', 'alert.deescalated', 'alert.repeat']);

const done = (status: string, response: string, state?: TicketState): SendResult => ({ ok: true, status, response, ...(state ? { state } : {}) });

export function ticketWanted(config: ChannelConfig, e: AlertEvent): TypeMapping | null {
  const m = mappingFor(config, e.alert.type);
  return m && meetsMapping(m, e.alert) ? m : null;
}

export function psaDriver(v: PsaVendor): ChannelDriver {
  return {
    type: v.type,
    secretFields: v.secretFields,
    topics: ['alert.raised', 'alert.escalated', 'alert.deescalated', 'alert.resolved', 'alert.acknowledged', 'alert.dismissed', 'alert.repeat'],
    kinds: ['alert', 'test'],
    keepsState: true,
    configSchema: v.configSchema,
    parseConfig(raw) {
      const problems = schemaProblems(v.configSchema, raw);
      for (const t of Object.keys((raw.mapping as object | undefined) ?? {})) {
        if (!(ALERT_TYPES as readonly string[]).includes(t)) problems.push({ field: `config.mapping.${t}`, message: 'is not an alert type' });
      }
      if (problems.length === 0) problems.push(...(v.extraProblems?.(raw) ?? []));
      return problems.length > 0 ? { problems } : { config: withDefaults<ChannelConfig>(v.configSchema, raw) };
    },
    fallback(config, message: Message) {
      return message.kind === 'alert' && (message.event.event === 'alert.raised' || message.event.event === 'alert.escalated') && ticketWanted(config, message.event) !== null;
    },
    async send(config, message, ctx): Promise<SendResult> {
      const api = v.api(config, ctx.timeoutMs);
      try {
        if (message.kind === 'test') {
          const companies = await api.companies();
          return done('connected', `${v.label} answered: ${companies.length} companies readable`);
        }
        if (message.kind !== 'alert') return done('skipped', `a ${v.label} channel carries alerts only`);
        return await onAlert(v, api, config, message.event, ctx);
      } catch (err) {
        if (err instanceof PsaFailure) return err.result;
        throw err;
      }
    },
  };
}

async function onAlert(v: PsaVendor, api: PsaApi, config: ChannelConfig, e: AlertEvent, ctx: SendContext): Promise<SendResult> {
  const state = ctx.state as TicketState | null;
  const open = state && !state.closed ? state : null;
  if (e.event === 'alert.resolved' || e.event === 'alert.dismissed') return close(v, api, config, e, open, ctx);
  if (e.event === 'alert.acknowledged') {
    if (!open || (e.by ?? '').startsWith(PSA_ACTOR_PREFIX)) return done('no ticket', 'nothing to note');
    return note(api, open, e, ctx);
  }
  if (!OPENING.has(e.event)) return done('skipped', `${e.event} is not carried`);
  if (open) {
    const noted = await note(api, open, e, ctx).catch(gone);
    if (noted !== null) return noted;
  }
  const m = ticketWanted(config, e);
  if (!m) return done('no ticket', `a ${e.alert.severity} ${e.alert.type} alert does not call for a ticket (yet)`);
  const companyId = companyFor(config, e.alert);
  if (companyId === null) return unmapped(v, e);
  const existing = await api.findOpenTicket(e.alert.id, companyId);
  if (existing !== null) {
    const s = { ticket_id: existing, company_id: companyId };
    if (e.event !== 'alert.raised') await api.addNote(existing, ticketNote(e, ctx.publicUrl));
    return done('found', `ticket ${existing} already open for this alert`, s);
  }
  const lastGood = e.alert.device_id && ctx.facts ? await ctx.facts.lastGoodAt(e.alert.device_id) : null;
  const id = await api.createTicket({
    companyId,
    summary: ticketSummary(m.title, e.alert),
    description: ticketDescription(e.alert, ctx.publicUrl, lastGood),
    priorityId: priorityId(config, m.priority, v.priorityDefaults),
    boardId: m.board_id ?? (config.board_id as number | undefined) ?? null,
    queueId: m.queue_id ?? (config.queue_id as number | undefined) ?? null,
    typeId: m.type_id ?? (config.type_id as number | undefined) ?? null,
    statusId: m.status_id ?? (config.new_status_id as number | undefined) ?? null,
  });
  return done('created', `ticket ${id} created`, { ticket_id: id, company_id: companyId });
}

/** A note on a ticket that was deleted in the PSA (404) answers null: a new ticket is made instead. */
function gone(err: unknown): null {
  if (err instanceof PsaFailure && err.httpStatus === 404) return null;
  throw err;
}

async function note(api: PsaApi, open: TicketState, e: AlertEvent, ctx: SendContext): Promise<SendResult> {
  await api.addNote(open.ticket_id, ticketNote(e, ctx.publicUrl));
  return done('noted', `note added to ticket ${open.ticket_id}`, open);
}

async function close(v: PsaVendor, api: PsaApi, config: ChannelConfig, e: AlertEvent, open: TicketState | null, ctx: SendContext): Promise<SendResult> {
  let target = open;
  if (!target && mappingFor(config, e.alert.type)) {
    // State lost (or the ticket made by another instance): the marker finds it.
    const companyId = companyFor(config, e.alert);
    const found = companyId === null ? null : await api.findOpenTicket(e.alert.id, companyId);
    if (found !== null) target = { ticket_id: found, company_id: companyId! };
  }
  if (!target) return done('no ticket', 'no open ticket for this alert');
  try {
    await api.addNote(target.ticket_id, ticketNote(e, ctx.publicUrl));
    await api.closeTicket(target.ticket_id);
  } catch (err) {
    if (!(err instanceof PsaFailure && err.httpStatus === 404)) throw err;
  }
  return done('closed', `ticket ${target.ticket_id} closed in ${v.label}`, { ...target, closed: true });
}

function unmapped(v: PsaVendor, e: AlertEvent): SendResult {
  const who = e.alert.client_name ?? e.alert.client_id ?? 'this workspace';
  const hint = e.alert.client_id === null ? 'set msp_company_id for alerts without a client' : `map it in the channel's companies (GET /api/v1/channels/<id>/psa/companies lists ${v.label}'s)`;
  return { ok: false, retry: false, breaksChannel: false, status: 'unmapped', error: `client "${who}" has no ${v.label} company: ${hint}` };
}
