// The Proxmox Backup Server REST API (https://pbs.proxmox.com/docs/api-viewer/), read with an
// API token: `Authorization: PBSAPIToken=<user@realm!name>:<secret>`. Answers are
// `{ "data": …, "total"? }`; errors carry the HTTP status and the message as the body text.
// 401/403 are ConnectorAuthError; other failures PbsError.
import { ConnectorHttpError, type HttpDeps, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

export const TASK_PAGE = 500;

export class PbsError extends ConnectorHttpError {
  override name = 'PbsError';
}

/** `TaskListItem` (pbs-api-types): a task; `endtime`/`status` only once it finished. */
export interface PbsTask {
  upid: string;
  node?: string;
  pid?: number;
  pstart?: number;
  starttime: number;
  worker_type: string;
  worker_id?: string | null;
  user?: string;
  endtime?: number | null;
  status?: string | null;
}

/** `DataStoreListItem`. */
export interface PbsDatastore {
  store: string;
  comment?: string | null;
  maintenance?: string | null;
}

/** `DataStoreStatusListItem` of /status/datastore-usage. */
export interface PbsDatastoreUsage {
  store: string;
  total?: number | null;
  used?: number | null;
  avail?: number | null;
  'estimated-full-date'?: number | null;
  error?: string | null;
  [k: string]: unknown;
}

/** `SnapshotListItem`. */
export interface PbsSnapshot {
  'backup-type': string;
  'backup-id': string;
  'backup-time': number;
  comment?: string | null;
  verification?: { state?: string | null; upid?: string | null } | null;
  size?: number | null;
  owner?: string | null;
  protected?: boolean;
  files?: unknown[];
  [k: string]: unknown;
}

/** The message of an error answer: the body text (JSON-quoted or not), else the status. */
async function errorText(res: Response): Promise<string> {
  const text = (await res.text()).trim();
  let msg = text;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'string') msg = v;
    else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') msg = (v as { message: string }).message;
  } catch {
    /* plain text, as PBS answers */
  }
  msg = msg.replace(/\s+/g, ' ').slice(0, 500);
  return msg === '' ? `HTTP ${res.status}` : `${msg} (HTTP ${res.status})`;
}

export class PbsApi {
  requests = 0;
  private readonly auth: string;

  constructor(
    private readonly base: string,
    private readonly tokenId: string,
    tokenSecret: string,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {
    this.auth = `PBSAPIToken=${tokenId}:${tokenSecret}`;
  }

  /** `data` and `total` of a GET under /api2/json. */
  async get<T>(path: string): Promise<{ data: T; total: number | null }> {
    this.requests++;
    const res = await request(`${this.base}/api2/json${path}`, { headers: { authorization: this.auth, accept: 'application/json' } }, this.deps, this.throttle);
    if (!res.ok) {
      const text = await errorText(res);
      if (res.status === 401) throw new ConnectorAuthError(`PBS refused API token ${this.tokenId}: ${text}`);
      if (res.status === 403) throw new ConnectorAuthError(`API token ${this.tokenId} may not read ${path.split('?')[0]}: ${text}`);
      throw new PbsError(`GET ${path.split('?')[0]}: ${text}`, res.status);
    }
    let body: { data?: T; total?: unknown };
    try {
      body = (await res.json()) as { data?: T; total?: unknown };
    } catch {
      throw new PbsError(`GET ${path.split('?')[0]}: the answer is not JSON`, res.status);
    }
    return { data: body?.data as T, total: typeof body?.total === 'number' ? body.total : null };
  }

  version(): Promise<{ data: { version?: string; release?: string } }> {
    return this.get('/version');
  }

  async datastores(): Promise<PbsDatastore[]> {
    const { data } = await this.get<PbsDatastore[]>('/admin/datastore');
    return Array.isArray(data) ? data : [];
  }

  async usage(): Promise<PbsDatastoreUsage[]> {
    const { data } = await this.get<PbsDatastoreUsage[]>('/status/datastore-usage');
    return Array.isArray(data) ? data : [];
  }

  async snapshots(store: string): Promise<PbsSnapshot[]> {
    const { data } = await this.get<PbsSnapshot[]>(`/admin/datastore/${encodeURIComponent(store)}/snapshots`);
    return Array.isArray(data) ? data : [];
  }

  /** Every task that started at or after `since` (epoch seconds), newest first, page by page. */
  async *tasks(since: number, pageSize = TASK_PAGE): AsyncGenerator<PbsTask[]> {
    for (let start = 0; ; start += pageSize) {
      const { data } = await this.get<PbsTask[]>(`/nodes/localhost/tasks?since=${since}&start=${start}&limit=${pageSize}`);
      const page = Array.isArray(data) ? data : [];
      yield page;
      if (page.length < pageSize) return;
    }
  }
}
