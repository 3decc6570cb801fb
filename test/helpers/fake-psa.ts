// ConnectWise Manage and Autotask, played from their documented shapes (shared/data/psa/):
// authentication headers checked, tickets created, searched, noted and closed, companies and
// ticket metadata listed. Autotask is reached through its zone lookup.
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

export interface FakeTicket {
  id: number;
  summary: string;
  companyId: number;
  priorityId: number | null;
  boardId: number | null;
  statusName: string;
  closed: boolean;
  description: string;
  notes: string[];
  raw: any;
}

export const CW_CREDENTIALS = { company_id: 'keepwatchmsp', public_key: 'pubKEY123', private_key: 'privKEY456', client_id: '2b1d7f0e-6a55-4c3a-9b1e-5f9c2d7a8e01' };
export const AT_CREDENTIALS = { username: 'api-keepwatch@msp.example', secret: 'AT-s3cret-value', integration_code: 'KEEPWATCHTRACKINGID' };

const COMPANIES = [
  { id: 19298, identifier: 'Contoso', name: 'Contoso Ltd' },
  { id: 23, identifier: 'Example', name: 'Example Company' },
  { id: 250, identifier: 'Fabrikam', name: 'Fabrikam' },
];

export interface FakePsa {
  server: FakeServer;
  cwUrl: string;
  atLookupUrl: string;
  tickets: FakeTicket[];
  ticketsOf(kind: 'cw' | 'at'): FakeTicket[];
  close(): Promise<void>;
}

export async function startFakePsa(): Promise<FakePsa> {
  const server = await startFakeServer();
  const cw: FakeTicket[] = [];
  const at: FakeTicket[] = [];
  let nextId = 945370;
  const psa: FakePsa = {
    server,
    cwUrl: `${server.url}/cw`,
    atLookupUrl: `${server.url}/atservicesrest`,
    tickets: [],
    ticketsOf: (k) => (k === 'cw' ? cw : at),
    close: () => server.close(),
  };
  connectWise(server, cw, () => nextId++);
  autotask(server, at, () => nextId++);
  return psa;
}

// ---- ConnectWise -------------------------------------------------------------------------------

const CW = '/cw/v4_6_release/apis/3.0';
const cwAuthorized = (r: FakeRequest) =>
  r.headers.authorization === `Basic ${Buffer.from(`${CW_CREDENTIALS.company_id}+${CW_CREDENTIALS.public_key}:${CW_CREDENTIALS.private_key}`).toString('base64')}` &&
  r.headers.clientid === CW_CREDENTIALS.client_id;
const cwDenied: FakeAnswer = { status: 401, body: { code: 'Unauthorized', message: 'Authentication failed.' } };

function cwTicket(t: FakeTicket) {
  return {
    id: t.id,
    summary: t.summary,
    recordType: 'ServiceTicket',
    board: { id: t.boardId, name: 'Backups' },
    status: { id: t.closed ? 560 : 550, name: t.statusName },
    company: { id: t.companyId, identifier: COMPANIES.find((c) => c.id === t.companyId)?.identifier ?? 'x', name: COMPANIES.find((c) => c.id === t.companyId)?.name ?? 'x' },
    priority: t.priorityId === null ? null : { id: t.priorityId, name: `Priority ${t.priorityId}` },
    closedFlag: t.closed,
    info: { dateEntered: new Date().toISOString(), lastUpdated: new Date().toISOString() },
  };
}

function pageOf<T>(rows: T[], q: URLSearchParams): T[] {
  const size = Math.min(1000, Number(q.get('pageSize') ?? 25));
  const page = Number(q.get('page') ?? 1);
  return rows.slice((page - 1) * size, page * size);
}

function connectWise(server: FakeServer, tickets: FakeTicket[], id: () => number): void {
  const guard = (h: (r: FakeRequest, p: string[]) => FakeAnswer) => (r: FakeRequest, p: string[]) => (cwAuthorized(r) ? h(r, p) : cwDenied);
  server.route('GET', new RegExp(`^${CW}/service/tickets$`), guard((r) => {
    // `summary like "%x%" and closedFlag=false and company/id=N`, the conditions Keepwatch sends.
    const c = r.query.get('conditions') ?? '';
    const like = /summary like "%([^%"]+)%"/.exec(c)?.[1];
    const open = /closedFlag=false/.test(c);
    const company = /company\/id=(\d+)/.exec(c)?.[1];
    const rows = tickets.filter((t) => (!like || t.summary.includes(like)) && (!open || !t.closed) && (!company || t.companyId === Number(company)));
    return { status: 200, body: pageOf(rows, r.query).map(cwTicket) };
  }));
  server.route('POST', new RegExp(`^${CW}/service/tickets$`), guard((r) => {
    const b = r.body;
    if (typeof b?.summary !== 'string' || b.summary.length > 100) return { status: 400, body: { code: 'InvalidObject', message: 'summary is required, at most 100 characters' } };
    if (!b.company?.id || !COMPANIES.some((c) => c.id === b.company.id)) return { status: 400, body: { code: 'InvalidObject', message: 'company not found' } };
    if (!b.board?.id) return { status: 400, body: { code: 'InvalidObject', message: 'board is required' } };
    const t: FakeTicket = { id: id(), summary: b.summary, companyId: b.company.id, priorityId: b.priority?.id ?? null, boardId: b.board.id, statusName: 'New', closed: false, description: b.initialDescription ?? '', notes: [], raw: b };
    tickets.push(t);
    return { status: 201, body: cwTicket(t) };
  }));
  server.route('POST', new RegExp(`^${CW}/service/tickets/(\\d+)/notes$`), guard((r, [tid]) => {
    const t = tickets.find((x) => x.id === Number(tid));
    if (!t) return { status: 404, body: { code: 'NotFound', message: 'ticket not found' } };
    t.notes.push(r.body.text);
    return { status: 201, body: { id: t.notes.length, ticketId: t.id, text: r.body.text, detailDescriptionFlag: r.body.detailDescriptionFlag } };
  }));
  server.route('PATCH', new RegExp(`^${CW}/service/tickets/(\\d+)$`), guard((r, [tid]) => {
    const t = tickets.find((x) => x.id === Number(tid));
    if (!t) return { status: 404, body: { code: 'NotFound', message: 'ticket not found' } };
    for (const op of r.body as Array<{ op: string; path: string; value: any }>) {
      if (op.op === 'replace' && op.path === 'status') {
        t.statusName = op.value.name;
        t.closed = /closed|resolved/i.test(op.value.name);
      }
    }
    return { status: 200, body: cwTicket(t) };
  }));
  const list = (rows: Array<{ id: number; name: string }>) => guard((r) => ({ status: 200, body: pageOf(rows, r.query) }));
  server.route('GET', new RegExp(`^${CW}/company/companies$`), list(COMPANIES));
  server.route('GET', new RegExp(`^${CW}/service/boards$`), list([{ id: 30, name: 'Network Security' }, { id: 41, name: 'Backups' }]));
  server.route('GET', new RegExp(`^${CW}/service/priorities$`), list([{ id: 6, name: 'Priority 1 - Critical' }, { id: 7, name: 'Priority 2 - High' }, { id: 8, name: 'Priority 4 - Low' }]));
  server.route('GET', new RegExp(`^${CW}/service/boards/41/statuses$`), list([{ id: 550, name: 'New' }, { id: 560, name: 'Closed' }]));
  server.route('GET', new RegExp(`^${CW}/service/boards/41/types$`), list([{ id: 12, name: 'Backup' }]));
}

// ---- Autotask ----------------------------------------------------------------------------------

const AT = '/webservices5/ATServicesRest/v1.0';
const atAuthorized = (r: FakeRequest) =>
  r.headers.apiintegrationcode === AT_CREDENTIALS.integration_code && r.headers.username === AT_CREDENTIALS.username && r.headers.secret === AT_CREDENTIALS.secret;

type Filter = { op: string; field: string; value: unknown };
function matches(t: FakeTicket, f: Filter): boolean {
  const value = f.field === 'companyID' ? t.companyId : f.field === 'title' ? t.summary : f.field === 'status' ? (t.closed ? 5 : 1) : undefined;
  if (f.op === 'eq') return value === f.value;
  if (f.op === 'noteq') return value !== f.value;
  if (f.op === 'contains') return String(value).toLowerCase().includes(String(f.value).toLowerCase());
  return false;
}

function autotask(server: FakeServer, tickets: FakeTicket[], id: () => number): void {
  server.route('GET', /^\/atservicesrest\/v1\.0\/zoneInformation$/, (r) =>
    r.query.get('user') === AT_CREDENTIALS.username
      ? { status: 200, body: { zoneName: 'America East 5', url: `${server.url}/webservices5/ATServicesRest/`, webUrl: 'https://ww5.autotask.net/', ci: 5 } }
      : { status: 500, body: { errors: ['Zone information could not be determined'] } },
  );
  const guard = (h: (r: FakeRequest, p: string[]) => FakeAnswer) => (r: FakeRequest, p: string[]) => (atAuthorized(r) ? h(r, p) : { status: 401, body: { errors: ['Unauthorized'] } });
  server.route('POST', new RegExp(`^${AT}/Tickets/query$`), guard((r) => {
    const items = tickets.filter((t) => (r.body.filter as Filter[]).every((f) => matches(t, f))).slice(0, r.body.maxRecords ?? 500);
    return { status: 200, body: { items: items.map((t) => ({ id: t.id, title: t.summary, companyID: t.companyId, status: t.closed ? 5 : 1 })), pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } } };
  }));
  server.route('POST', new RegExp(`^${AT}/Tickets$`), guard((r) => {
    const b = r.body;
    if (!b.companyID || !b.title || b.status === undefined || b.priority === undefined) return { status: 500, body: { errors: ['Missing required field: companyID, title, status, priority'] } };
    if (b.title.length > 255) return { status: 500, body: { errors: ['title longer than 255'] } };
    const t: FakeTicket = { id: id(), summary: b.title, companyId: b.companyID, priorityId: b.priority, boardId: b.queueID ?? null, statusName: String(b.status), closed: false, description: b.description ?? '', notes: [], raw: b };
    tickets.push(t);
    return { status: 200, body: { itemId: t.id } };
  }));
  server.route('POST', new RegExp(`^${AT}/Tickets/(\\d+)/Notes$`), guard((r, [tid]) => {
    const t = tickets.find((x) => x.id === Number(tid));
    if (!t) return { status: 404, body: { errors: ['ticket not found'] } };
    t.notes.push(r.body.description);
    return { status: 200, body: { itemId: 7000 + t.notes.length } };
  }));
  server.route('PATCH', new RegExp(`^${AT}/Tickets$`), guard((r) => {
    const t = tickets.find((x) => x.id === r.body.id);
    if (!t) return { status: 404, body: { errors: ['ticket not found'] } };
    t.statusName = String(r.body.status);
    t.closed = r.body.status === 5;
    return { status: 200, body: { itemId: t.id } };
  }));
  server.route('POST', new RegExp(`^${AT}/Companies/query$`), guard(() => ({
    status: 200,
    body: { items: COMPANIES.map((c) => ({ id: c.id, companyName: c.name, isActive: true })), pageDetails: { count: COMPANIES.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } },
  })));
  server.route('GET', new RegExp(`^${AT}/Tickets/entityInformation/fields$`), guard(() => ({
    status: 200,
    body: {
      fields: [
        { name: 'queueID', dataType: 'integer', isPickList: true, picklistValues: [{ value: '8', label: 'Monitoring Alert', isActive: true }, { value: '9', label: 'Level I Support', isActive: true }] },
        { name: 'priority', dataType: 'integer', isPickList: true, picklistValues: [{ value: '4', label: 'Critical', isActive: true }, { value: '1', label: 'High', isActive: true }, { value: '2', label: 'Medium', isActive: true }, { value: '3', label: 'Low', isActive: true }] },
        { name: 'status', dataType: 'integer', isPickList: true, picklistValues: [{ value: '1', label: 'New', isActive: true }, { value: '5', label: 'Complete', isActive: true }] },
        { name: 'ticketType', dataType: 'integer', isPickList: true, picklistValues: [{ value: '1', label: 'Service Request', isActive: true }, { value: '5', label: 'Alert', isActive: true }] },
        { name: 'title', dataType: 'string', isPickList: false, picklistValues: null },
      ],
    },
  })));
}
