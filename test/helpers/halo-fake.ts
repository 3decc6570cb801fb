// HaloPSA played from its published API documentation: the OAuth2 token endpoint, clients,
// tickets (search, create and update through the array POST), actions, and the lookups of the
// settings form. Bearer tokens are checked on every resource call; tokens can be revoked to
// prove a 401 refreshes once. Errors on demand through `server.forced` (fake-http.ts).
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

export const HALO_CREDENTIALS = { client_id: '6b7a0f3e-2c1d-4e5f-9a8b-7c6d5e4f3a2b', client_secret: 'halo-s3cret-0f9e8d7c-6b5a-4938-2716-0a1b2c3d4e5f' };
export const HALO_TENANT = 'acmemsp';

export interface HaloTicket {
  id: number;
  summary: string;
  details: string;
  client_id: number;
  priority_id: number | null;
  tickettype_id: number | null;
  status_id: number;
  actions: Array<{ note: string; outcome: string; hiddenfromuser: boolean }>;
}

export const HALO_CLIENTS = [
  { id: 12, name: 'Contoso Ltd', inactive: false },
  { id: 14, name: 'Fabrikam', inactive: false },
  { id: 31, name: 'Wide World Importers', inactive: false },
];

export interface FakeHalo {
  server: FakeServer;
  url: string;
  tickets: HaloTicket[];
  /** Form bodies of every token request, in order. */
  tokenRequests: Array<{ form: URLSearchParams; tenant: string | null }>;
  /** How long issued tokens live (seconds), as Halo's `expires_in`. */
  expiresIn: number;
  /** Every token issued so far stops working (Halo answers 401 to it). */
  revokeTokens(): void;
  close(): Promise<void>;
}

export async function startFakeHalo(opts: { tenant?: string } = {}): Promise<FakeHalo> {
  const server = await startFakeServer();
  const valid = new Set<string>();
  let issued = 0;
  let nextTicket = 4201;
  const halo: FakeHalo = {
    server,
    url: `${server.url}/halo`,
    tickets: [],
    tokenRequests: [],
    expiresIn: 3600,
    revokeTokens: () => valid.clear(),
    close: () => server.close(),
  };

  // Authorisation, https://halo.haloservicedesk.com/apidoc/authentication/client: POST /auth/token,
  // application/x-www-form-urlencoded grant_type=client_credentials, client_id, client_secret, scope;
  // hosted instances name the tenant in `?tenant=`. A wrong client answers 400 invalid_client (RFC 6749 §5.2).
  server.route('POST', /^\/halo\/auth\/token$/, (r) => {
    const form = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
    halo.tokenRequests.push({ form, tenant: r.query.get('tenant') });
    if (!String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return { status: 400, body: { error: 'invalid_request' } };
    if (opts.tenant && r.query.get('tenant') !== opts.tenant) return { status: 400, body: { error: 'invalid_request', error_description: 'unknown tenant' } };
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== HALO_CREDENTIALS.client_id || form.get('client_secret') !== HALO_CREDENTIALS.client_secret) return { status: 400, body: { error: 'invalid_client' } };
    const token = `halo-token-${++issued}`;
    valid.add(token);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: halo.expiresIn, scope: form.get('scope') ?? 'all' } };
  });

  const guard = (h: (r: FakeRequest, p: string[]) => FakeAnswer) => (r: FakeRequest, p: string[]) => {
    const token = /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
    return token && valid.has(token) ? h(r, p) : { status: 401, body: { message: 'Authorization has been denied for this request.' } };
  };

  // Clients (GET /Client in https://www.usehalo.com/swagger; also https://kb.dtctoday.com/books/halopsa-api-reference): GET /api/Client with
  // pageinate, page_size, page_no; answers { page_no, page_size, record_count, clients: [...] }.
  server.route('GET', /^\/halo\/api\/Client$/, guard((r) => {
    const size = Number(r.query.get('page_size') ?? 50);
    const page = Number(r.query.get('page_no') ?? 1);
    const rows = HALO_CLIENTS.filter((c) => r.query.get('includeinactive') === 'true' || !c.inactive);
    return { status: 200, body: { page_no: page, page_size: size, record_count: rows.length, clients: rows.slice((page - 1) * size, page * size) } };
  }));

  // Tickets, https://halo.haloservicedesk.com/apidoc/resources/tickets: GET /api/Tickets with
  // search, client_id, open_only, count → { record_count, tickets: [...] }.
  server.route('GET', /^\/halo\/api\/Tickets$/, guard((r) => {
    const search = (r.query.get('search') ?? '').toLowerCase();
    const client = r.query.get('client_id');
    const open = r.query.get('open_only') === 'true';
    const rows = halo.tickets.filter((t) => (!search || `${t.summary} ${t.details}`.toLowerCase().includes(search)) && (!client || t.client_id === Number(client)) && (!open || t.status_id !== 9));
    const count = Number(r.query.get('count') ?? 50);
    return { status: 200, body: { record_count: rows.length, tickets: rows.slice(0, count).map(({ actions: _a, details: _d, ...t }) => t) } };
  }));

  // POST /api/Tickets takes an array; an item with an id updates that ticket, one without creates
  // one. Halo answers the saved ticket (the object itself when one was posted).
  server.route('POST', /^\/halo\/api\/Tickets$/, guard((r) => {
    if (!Array.isArray(r.body) || r.body.length === 0) return { status: 400, body: { message: 'An array of tickets is expected' } };
    const saved: HaloTicket[] = [];
    for (const b of r.body as Array<Record<string, any>>) {
      if (b.id !== undefined) {
        const t = halo.tickets.find((x) => x.id === b.id);
        if (!t) return { status: 404, body: { message: `Ticket ${b.id} not found` } };
        if (typeof b.status_id === 'number') t.status_id = b.status_id;
        saved.push(t);
        continue;
      }
      if (typeof b.summary !== 'string' || b.summary === '' || b.summary.length > 255) return { status: 400, body: { message: 'summary is required (at most 255 characters)' } };
      if (!HALO_CLIENTS.some((c) => c.id === b.client_id)) return { status: 400, body: { message: 'client_id is not a valid client' } };
      const t: HaloTicket = { id: nextTicket++, summary: b.summary, details: b.details ?? '', client_id: b.client_id, priority_id: b.priority_id ?? null, tickettype_id: b.tickettype_id ?? null, status_id: b.status_id ?? 1, actions: [] };
      halo.tickets.push(t);
      saved.push(t);
    }
    const out = saved.map(({ actions: _a, ...t }) => t);
    return { status: 201, body: out.length === 1 ? out[0] : out };
  }));

  // Actions (POST /Actions in https://www.usehalo.com/swagger; https://kb.dtctoday.com/books/halopsa-api-reference/page/action-endpoints): an array
  // of { ticket_id, outcome, note, hiddenfromuser }.
  server.route('POST', /^\/halo\/api\/Actions$/, guard((r) => {
    if (!Array.isArray(r.body)) return { status: 400, body: { message: 'An array of actions is expected' } };
    for (const a of r.body as Array<Record<string, any>>) {
      const t = halo.tickets.find((x) => x.id === a.ticket_id);
      if (!t) return { status: 404, body: { message: `Ticket ${a.ticket_id} not found` } };
      t.actions.push({ note: a.note, outcome: a.outcome, hiddenfromuser: a.hiddenfromuser === true });
    }
    return { status: 201, body: { id: 9000 + halo.tickets.reduce((n, t) => n + t.actions.length, 0) } };
  }));

  // Lookups for the settings form (GET /Priority, /Status, /TicketType in https://www.usehalo.com/swagger): plain arrays.
  server.route('GET', /^\/halo\/api\/Priority$/, guard(() => ({ status: 200, body: [{ priorityid: 1, name: 'Critical' }, { priorityid: 2, name: 'High' }, { priorityid: 3, name: 'Medium' }, { priorityid: 4, name: 'Low' }] })));
  server.route('GET', /^\/halo\/api\/Status$/, guard(() => ({ status: 200, body: [{ id: 1, name: 'New' }, { id: 2, name: 'In Progress' }, { id: 9, name: 'Closed' }] })));
  server.route('GET', /^\/halo\/api\/TicketType$/, guard(() => ({ status: 200, body: [{ id: 1, name: 'Incident' }, { id: 21, name: 'Backup Alert' }] })));
  return halo;
}
