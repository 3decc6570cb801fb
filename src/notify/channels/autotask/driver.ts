// Autotask PSA REST v1.0: the zone is looked up first (`zoneInformation?user=`), then calls carry
// the `ApiIntegrationCode`, `UserName` and `Secret` headers. Tickets: `Tickets/query` (search by
// title and status), `POST Tickets`, notes as `Tickets/{id}/Notes`, close with `PATCH Tickets`
// setting the Complete status; companies from `Companies/query`; picklists (queues, priorities,
// statuses, ticket types) from `Tickets/entityInformation/fields`. Shapes: shared/data/psa/autotask_*.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig } from '../channel.js';
import { type NewTicket, type PsaApi, type PsaChoice, psaCall } from '../psa/api.js';
import { commonPsaFields, secret } from '../psa/common-schema.js';
import { psaDriver } from '../psa/driver.js';
import { MAX_FOREIGN_ID } from '../../../domain/limits.js';

export const ZONE_LOOKUP_URL = 'https://webservices.autotask.net/atservicesrest';

export const AutotaskConfig = Type.Object(
  {
    username: Type.String({ minLength: 3, title: 'API user (e-mail)' }),
    secret: Type.String(secret({ minLength: 1, title: 'Secret' })),
    integration_code: Type.String(secret({ minLength: 1, title: 'API integration code', description: 'the tracking identifier of the API user' })),
    zone_lookup_url: Type.Optional(Type.String(endpoint({ format: 'uri', minLength: 8, default: ZONE_LOOKUP_URL, title: 'Zone lookup URL' }))),
    queue_id: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, title: 'Queue id' })),
    type_id: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, title: 'Ticket type id' })),
    new_status_id: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, default: 1, title: 'Status id of a new ticket', description: 'Autotask standard: 1 New' })),
    complete_status_id: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, default: 5, title: 'Status id that closes a ticket', description: 'Autotask standard: 5 Complete' })),
    ...commonPsaFields(['queue_id', 'type_id', 'status_id']),
  },
  { additionalProperties: false },
);

/** Autotask's standard ticket priority picklist: 4 Critical, 1 High, 2 Medium, 3 Low. */
const STANDARD_PRIORITIES = { critical: 4, high: 1, medium: 2, low: 3 };

// The zone of an API user rarely changes: look it up once an hour per user.
const zones = new Map<string, { url: string; until: number }>();
const ZONE_TTL_MS = 3_600_000;

async function zoneOf(config: ChannelConfig, timeoutMs: number): Promise<string> {
  const lookup = ((config.zone_lookup_url as string | undefined) ?? ZONE_LOOKUP_URL).replace(/\/+$/, '');
  const key = `${lookup}|${config.username}`;
  const hit = zones.get(key);
  if (hit && hit.until > Date.now()) return hit.url;
  const q = new URLSearchParams({ user: config.username as string });
  const zone = await psaCall<{ url: string }>('Autotask', 'the zone lookup', 'GET', `${lookup}/v1.0/zoneInformation?${q}`, undefined, {}, timeoutMs);
  const url = `${zone.url.replace(/\/+$/, '')}/v1.0`;
  zones.set(key, { url, until: Date.now() + ZONE_TTL_MS });
  return url;
}

interface QueryPage<T> {
  items: T[];
  pageDetails?: { nextPageUrl?: string | null };
}

interface Field {
  name: string;
  isPickList?: boolean;
  picklistValues?: Array<{ value: string; label: string; isActive?: boolean }> | null;
}

export function autotaskApi(config: ChannelConfig, timeoutMs: number): PsaApi {
  const headers = { apiintegrationcode: config.integration_code as string, username: config.username as string, secret: config.secret as string };
  const call = async <T>(what: string, method: string, path: string, body?: unknown) => psaCall<T>('Autotask', what, method, path.startsWith('http') ? path : `${await zoneOf(config, timeoutMs)}${path}`, body, headers, timeoutMs);
  const complete = (config.complete_status_id as number | undefined) ?? 5;
  return {
    async findOpenTicket(alertId, companyId) {
      const filter = [
        { op: 'eq', field: 'companyID', value: companyId },
        { op: 'contains', field: 'title', value: alertId },
        { op: 'noteq', field: 'status', value: complete },
      ];
      const page = await call<QueryPage<{ id: number }>>('the ticket search', 'POST', '/Tickets/query', { filter, maxRecords: 10 });
      return page.items[0]?.id ?? null;
    },
    async createTicket(t: NewTicket) {
      const body = {
        companyID: t.companyId,
        title: t.summary,
        description: t.description,
        status: t.statusId ?? 1,
        priority: t.priorityId ?? STANDARD_PRIORITIES.medium,
        ...(t.queueId !== null ? { queueID: t.queueId } : {}),
        ...(t.typeId !== null ? { ticketType: t.typeId } : {}),
      };
      const created = await call<{ itemId: number }>('the new ticket', 'POST', '/Tickets', body);
      return created.itemId;
    },
    async addNote(ticketId, text) {
      // noteType 1 and publish 1: Autotask's standard "task detail" note, visible to all internal users.
      await call('a ticket note', 'POST', `/Tickets/${ticketId}/Notes`, { ticketID: ticketId, title: text.split('\n')[0]!.slice(0, 250), description: text, noteType: 1, publish: 1 });
    },
    async closeTicket(ticketId) {
      await call('closing the ticket', 'PATCH', '/Tickets', { id: ticketId, status: complete });
    },
    async companies() {
      const out: PsaChoice[] = [];
      let next: string | null = '/Companies/query';
      let body: unknown = { filter: [{ op: 'eq', field: 'isActive', value: true }], includeFields: ['id', 'companyName'], maxRecords: 500 };
      while (next) {
        const page: QueryPage<{ id: number; companyName: string }> = await call('the company list', body ? 'POST' : 'GET', next, body);
        out.push(...page.items.map((c) => ({ id: c.id, name: c.companyName })));
        next = page.pageDetails?.nextPageUrl ?? null;
        body = undefined;
      }
      return out;
    },
    async metadata() {
      const { fields } = await call<{ fields: Field[] }>('the ticket fields', 'GET', '/Tickets/entityInformation/fields');
      const pick = (name: string): PsaChoice[] =>
        (fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.picklistValues ?? []).filter((p) => p.isActive !== false).map((p) => ({ id: Number(p.value), name: p.label }));
      return { queues: pick('queueID'), priorities: pick('priority'), statuses: pick('status'), types: pick('ticketType') };
    },
  };
}

export const autotaskDriver = psaDriver({
  type: 'autotask',
  label: 'Autotask',
  secretFields: ['secret', 'integration_code', 'integration_key'],
  configSchema: AutotaskConfig,
  priorityDefaults: STANDARD_PRIORITIES,
  api: autotaskApi,
});
