// HaloPSA as a PSA channel, on the shared PSA machinery (psa/driver.ts): one ticket per alert,
// found again by its `[kw:<alert id>]` marker before one is made, notes (Actions) on later events,
// closed with the configured status on resolution. Halo API reference:
//   Tickets  https://halo.haloservicedesk.com/apidoc/resources/tickets  — GET /api/Tickets
//            (`search`, `client_id`, `open_only`, `count`), POST /api/Tickets with an array of
//            tickets (Halo creates each, or updates the one whose `id` is given)
//   Actions, Client, Priority, Status, TicketType: the OpenAPI viewer https://www.usehalo.com/swagger
//            (POST /api/Actions takes an array; GET /api/Client pages with pageinate/page_size/page_no)
// Bearer tokens come from token.ts; a 401 from the resource server fetches a new token once.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig } from '../channel.js';
import { type NewTicket, type PsaApi, type PsaChoice, PsaFailure, psaCall } from '../psa/api.js';
import { commonPsaFields, secret } from '../psa/common-schema.js';
import { psaDriver } from '../psa/driver.js';
import { MAX_FOREIGN_ID } from '../../../domain/limits.js';
import { type HaloAuth, haloToken } from './token.js';

export const HaloConfig = Type.Object(
  {
    url: Type.String(endpoint({ format: 'uri', minLength: 8, title: 'Halo URL', description: 'e.g. https://acme.halopsa.com (the API is {url}/api, tokens from {url}/auth/token)' })),
    client_id: Type.String({ minLength: 1, title: 'Client ID', description: 'of a Client Credentials application under Configuration > Integrations > Halo API' }),
    client_secret: Type.String(secret({ minLength: 1, title: 'Client secret' })),
    tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$', title: 'Tenant', description: 'hosted Halo only: the tenant shown in the API details' })),
    type_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, title: 'Ticket type id' })),
    new_status_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, title: 'Status id of a new ticket', description: 'Halo default: 1 New' })),
    complete_status_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, default: 9, title: 'Status id that closes a ticket', description: 'Halo default: 9 Closed' })),
    ...commonPsaFields(['type_id', 'status_id']),
  },
  { additionalProperties: false, title: 'HaloPSA', description: 'HaloPSA tickets: one per alert, noted on escalation, closed on resolution' },
);

/** Halo's default priorities: 1 Critical, 2 High, 3 Medium, 4 Low. */
const STANDARD_PRIORITIES = { critical: 1, high: 2, medium: 3, low: 4 };
const PAGE = 100;
const VENDOR = 'HaloPSA';

/** `https://acme.halopsa.com/` or `…/api` → `https://acme.halopsa.com`. */
export function haloBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/i, '');
}

/** The one ticket of Halo's create call (POST /api/Tickets takes an array). */
export function haloTicket(t: NewTicket): Record<string, unknown> {
  return {
    summary: t.summary,
    details: t.description,
    client_id: t.companyId,
    ...(t.priorityId !== null ? { priority_id: t.priorityId } : {}),
    ...(t.typeId !== null ? { tickettype_id: t.typeId } : {}),
    ...(t.statusId !== null ? { status_id: t.statusId } : {}),
  };
}

/** A private note: `hiddenfromuser` keeps it off the end user's portal and e-mails. */
export function haloAction(ticketId: number, text: string): Record<string, unknown> {
  return { ticket_id: ticketId, outcome: 'Private Note', note: text, hiddenfromuser: true };
}

interface HaloTicketRow {
  id: number;
  summary?: string;
  status_id?: number;
}

export function haloApi(config: ChannelConfig, timeoutMs: number): PsaApi {
  const base = haloBase(config.url as string);
  const auth: HaloAuth = { base, clientId: config.client_id as string, clientSecret: config.client_secret as string, tenant: config.tenant as string | undefined };
  const complete = (config.complete_status_id as number | undefined) ?? 9;
  const call = async <T>(what: string, method: string, path: string, body?: unknown): Promise<T> => {
    const send = async (fresh: boolean) =>
      psaCall<T>(VENDOR, what, method, `${base}/api${path}`, body, { authorization: `Bearer ${await haloToken(auth, timeoutMs, Date.now(), fresh)}` }, timeoutMs);
    try {
      return await send(false);
    } catch (err) {
      // A token Halo revoked or expired early: one new token, then the answer stands.
      if (err instanceof PsaFailure && err.httpStatus === 401) return send(true);
      throw err;
    }
  };
  const list = async (what: string, path: string): Promise<PsaChoice[]> => {
    const rows = await call<Array<{ id?: number; priorityid?: number; name: string }>>(what, 'GET', path);
    return (rows ?? []).map((r) => ({ id: (r.priorityid ?? r.id)!, name: r.name }));
  };
  return {
    async findOpenTicket(alertId, companyId) {
      const q = new URLSearchParams({ search: alertId, client_id: String(companyId), open_only: 'true', count: '10' });
      const found = await call<{ tickets?: HaloTicketRow[] }>('the ticket search', 'GET', `/Tickets?${q}`);
      // `search` also matches details and other fields: keep to the marker in the summary, still open.
      const hit = (found?.tickets ?? []).find((t) => (t.summary ?? '').includes(`[kw:${alertId}]`) && t.status_id !== complete);
      return hit?.id ?? null;
    },
    async createTicket(t: NewTicket) {
      const created = await call<HaloTicketRow | HaloTicketRow[]>('the new ticket', 'POST', '/Tickets', [haloTicket(t)]);
      const row = Array.isArray(created) ? created[0] : created;
      if (typeof row?.id !== 'number') throw new PsaFailure({ ok: false, retry: false, breaksChannel: false, status: 'invalid answer', error: 'HaloPSA answered the new ticket without its id' });
      return row.id;
    },
    async addNote(ticketId, text) {
      await call('a ticket note', 'POST', '/Actions', [haloAction(ticketId, text)]);
    },
    async closeTicket(ticketId) {
      await call('closing the ticket', 'POST', '/Tickets', [{ id: ticketId, status_id: complete }]);
    },
    async companies() {
      const out: PsaChoice[] = [];
      for (let page = 1; ; page++) {
        const q = new URLSearchParams({ pageinate: 'true', page_size: String(PAGE), page_no: String(page), includeinactive: 'false' });
        const res = await call<{ record_count?: number; clients?: Array<{ id: number; name: string }> }>('the client list', 'GET', `/Client?${q}`);
        const rows = res?.clients ?? [];
        out.push(...rows.map((c) => ({ id: c.id, name: c.name })));
        if (rows.length < PAGE || out.length >= (res?.record_count ?? 0)) return out;
      }
    },
    async metadata() {
      return {
        priorities: await list('the priorities', '/Priority'),
        statuses: await list('the statuses', '/Status'),
        types: await list('the ticket types', '/TicketType'),
      };
    },
  };
}

export const haloDriver = psaDriver({
  type: 'halopsa',
  label: VENDOR,
  secretFields: ['client_secret', 'integration_key'],
  configSchema: HaloConfig,
  priorityDefaults: STANDARD_PRIORITIES,
  extraProblems(c) {
    try {
      const u = new URL(c.url as string);
      return u.protocol === 'https:' || u.protocol === 'http:' ? [] : [{ field: 'config.url', message: 'must be an http(s) URL' }];
    } catch {
      return [{ field: 'config.url', message: 'is not a valid URL' }];
    }
  },
  api: haloApi,
});
