// ConnectWise Manage (ConnectWise PSA) REST v3.0: `company+publicKey:privateKey` basic auth and
// the `clientId` header; tickets in `service/tickets` (conditions search, notes, JSON-Patch close
// by status name); companies, boards, priorities, and a board's statuses and types for the form.
// Shapes: shared/data/psa/connectwise_*.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { ChannelConfig } from '../channel.js';
import { type NewTicket, type PsaApi, type PsaChoice, psaCall } from '../psa/api.js';
import { commonPsaFields, secret } from '../psa/common-schema.js';
import { psaDriver } from '../psa/driver.js';
import { MAX_FOREIGN_ID } from '../../../domain/limits.js';

export const ConnectWiseConfig = Type.Object(
  {
    site_url: Type.String(endpoint({ format: 'uri', minLength: 8, title: 'Site URL', description: 'e.g. https://api-na.myconnectwise.net (or an on-premises host); /v4_6_release/apis/3.0 is added' })),
    company_id: Type.String({ minLength: 1, title: 'Company id', description: 'the company you log in with' }),
    public_key: Type.String({ minLength: 1, title: 'Public key' }),
    private_key: Type.String(secret({ minLength: 1, title: 'Private key' })),
    client_id: Type.String({ minLength: 1, title: 'clientId', description: 'the integration GUID from developer.connectwise.com' }),
    board_id: Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, title: 'Service board id' }),
    type_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, title: 'Ticket type id' })),
    new_status_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREIGN_ID, title: 'Status id of a new ticket' })),
    close_status: Type.Optional(Type.String({ minLength: 1, default: 'Closed', title: 'Status name that closes a ticket' })),
    ...commonPsaFields(['board_id', 'type_id', 'status_id']),
  },
  { additionalProperties: false },
);

const PAGE = 1000;

export function connectWiseBase(siteUrl: string): string {
  const trimmed = siteUrl.replace(/\/+$/, '');
  return /\/apis\/3\.0$/.test(trimmed) ? trimmed : `${trimmed}/v4_6_release/apis/3.0`;
}

export function connectWiseApi(config: ChannelConfig, timeoutMs: number): PsaApi {
  const base = connectWiseBase(config.site_url as string);
  const auth = Buffer.from(`${config.company_id}+${config.public_key}:${config.private_key}`).toString('base64');
  const headers = { authorization: `Basic ${auth}`, clientid: config.client_id as string };
  const call = <T>(what: string, method: string, path: string, body?: unknown) => psaCall<T>('ConnectWise', what, method, `${base}${path}`, body, headers, timeoutMs);
  const list = async (what: string, path: string, conditions?: string): Promise<PsaChoice[]> => {
    const out: PsaChoice[] = [];
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({ fields: 'id,name', pageSize: String(PAGE), page: String(page), ...(conditions ? { conditions } : {}) });
      const rows = await call<Array<{ id: number; name: string }>>(what, 'GET', `${path}?${q}`);
      out.push(...rows.map((r) => ({ id: r.id, name: r.name })));
      if (rows.length < PAGE) return out;
    }
  };
  return {
    async findOpenTicket(alertId, companyId) {
      const conditions = `summary like "%${alertId}%" and closedFlag=false and company/id=${companyId}`;
      const rows = await call<Array<{ id: number }>>('the ticket search', 'GET', `/service/tickets?${new URLSearchParams({ conditions, fields: 'id,summary', pageSize: '10' })}`);
      return rows[0]?.id ?? null;
    },
    async createTicket(t: NewTicket) {
      const body = {
        summary: t.summary,
        recordType: 'ServiceTicket',
        company: { id: t.companyId },
        board: { id: t.boardId },
        initialDescription: t.description,
        ...(t.priorityId !== null ? { priority: { id: t.priorityId } } : {}),
        ...(t.typeId !== null ? { type: { id: t.typeId } } : {}),
        ...(t.statusId !== null ? { status: { id: t.statusId } } : {}),
      };
      const created = await call<{ id: number }>('the new ticket', 'POST', '/service/tickets', body);
      return created.id;
    },
    async addNote(ticketId, text) {
      await call('a ticket note', 'POST', `/service/tickets/${ticketId}/notes`, { text, detailDescriptionFlag: true, internalAnalysisFlag: false });
    },
    async closeTicket(ticketId) {
      await call('closing the ticket', 'PATCH', `/service/tickets/${ticketId}`, [{ op: 'replace', path: 'status', value: { name: config.close_status ?? 'Closed' } }]);
    },
    companies: () => list('the company list', '/company/companies', 'deletedFlag=false'),
    async metadata() {
      const board = config.board_id as number;
      return {
        boards: await list('the boards', '/service/boards', 'inactiveFlag=false'),
        priorities: await list('the priorities', '/service/priorities'),
        statuses: await list('the board statuses', `/service/boards/${board}/statuses`),
        types: await list('the board types', `/service/boards/${board}/types`),
      };
    },
  };
}

export const connectWiseDriver = psaDriver({
  type: 'connectwise',
  label: 'ConnectWise',
  secretFields: ['private_key', 'integration_key'],
  configSchema: ConnectWiseConfig,
  priorityDefaults: {},
  extraProblems(c) {
    try {
      const u = new URL(c.site_url as string);
      return u.protocol === 'https:' || u.protocol === 'http:' ? [] : [{ field: 'config.site_url', message: 'must be an http(s) URL' }];
    } catch {
      return [{ field: 'config.site_url', message: 'is not a valid URL' }];
    }
  },
  api: connectWiseApi,
});
