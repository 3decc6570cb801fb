// The Datto Partner Portal REST API (https://portal.dattobackup.com/integrations/api), BCDR part:
// HTTP Basic with the public key as user and the secret key as password, lists paged with
// `_page`/`_perPage` and answered as `{ pagination: { page, perPage, totalPages, count }, items }`.
// 401/403 are ConnectorAuthError; other failures DattoError with the API's own message.
import { ConnectorHttpError, type HttpDeps, jsonBody, request, type Throttle } from '../http.js';
import { ConnectorAuthError } from '../types.js';

export const PAGE_SIZE = 100;

export class DattoError extends ConnectorHttpError {
  override name = 'DattoError';
}

export interface DattoStorage {
  size?: number | null;
  units?: string | null;
}

/** A BCDR appliance as `/v1/bcdr/device` lists it. */
export interface DattoDevice {
  serialNumber?: string;
  name?: string;
  model?: string;
  lastSeenDate?: string | null;
  organizationId?: number | null;
  clientCompanyName?: string | null;
  organizationName?: string | null;
  hidden?: boolean;
  localStorageUsed?: DattoStorage | null;
  localStorageAvailable?: DattoStorage | null;
  offsiteStorageUsed?: DattoStorage | null;
  agentCount?: number;
  shareCount?: number;
  alertCount?: number;
  [k: string]: unknown;
}

export interface DattoBackup {
  timestamp?: string | null;
  backup?: { status?: string | null; errorMessage?: string | null } | null;
  localVerification?: { status?: string | null; errors?: Array<{ errorType?: string | null; errorMessage?: string | null }> | null } | null;
  advancedVerification?: { screenshotVerification?: { status?: string | null; image?: string | null } | null } | null;
}

/** An agent or share as `/v1/bcdr/device/{serialNumber}/asset` answers it. */
export interface DattoAsset {
  name?: string;
  assetId?: number | null;
  volume?: string | null;
  type?: string | null;
  os?: string | null;
  fqdn?: string | null;
  agentVersion?: string | null;
  isPaused?: boolean;
  isArchived?: boolean;
  latestOffsite?: number | null;
  lastSnapshot?: number | null;
  lastScreenshotAttempt?: number | null;
  lastScreenshotAttemptStatus?: boolean | null;
  protectedVolumeNames?: string[] | null;
  unprotectedVolumeNames?: string[] | null;
  backups?: DattoBackup[] | null;
  [k: string]: unknown;
}

interface Paged<T> {
  pagination?: { page?: number; perPage?: number; totalPages?: number; count?: number } | null;
  items?: T[] | null;
}

/** The API's error text: `{ code, message }` (or a bare `message`/`error`), else the HTTP status. */
export function dattoErrorText(body: unknown, status: number): string {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const msg = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : null;
  const code = typeof b.code === 'string' || typeof b.code === 'number' ? String(b.code) : null;
  if (msg && code) return `${code}: ${msg} (HTTP ${status})`;
  return msg ? `${msg} (HTTP ${status})` : `HTTP ${status}`;
}

export class DattoApi {
  requests = 0;
  private readonly auth: string;

  constructor(
    private readonly base: string,
    publicKey: string,
    privateKey: string,
    private readonly deps: HttpDeps,
    private readonly throttle: Throttle,
  ) {
    this.auth = `Basic ${Buffer.from(`${publicKey}:${privateKey}`, 'utf8').toString('base64')}`;
  }

  async get<T>(path: string): Promise<T> {
    this.requests++;
    const res = await request(`${this.base}${path}`, { headers: { authorization: this.auth, accept: 'application/json' } }, this.deps, this.throttle);
    const body = await jsonBody(res);
    if (res.ok) return body as T;
    const text = dattoErrorText(body, res.status);
    if (res.status === 401 || res.status === 403) throw new ConnectorAuthError(`Datto refused the API keys: ${text}`);
    throw new DattoError(`GET ${path.split('?')[0]}: ${text}`, res.status);
  }

  /** Every page of `/v1/bcdr/device`, in order. */
  async *devices(perPage = PAGE_SIZE): AsyncGenerator<DattoDevice[]> {
    for (let page = 1; ; page++) {
      const body = await this.get<Paged<DattoDevice>>(`/v1/bcdr/device?_page=${page}&_perPage=${perPage}`);
      const items = Array.isArray(body?.items) ? body.items : [];
      yield items;
      const total = body?.pagination?.totalPages;
      // totalPages when given; otherwise a short page is the last.
      if (typeof total === 'number' ? page >= total : items.length < perPage) return;
      if (items.length === 0) return;
    }
  }

  /**
   * The agents and shares of one appliance. Documented as a list of assets; answered paged
   * (`{ pagination, items }`) by some accounts, so both shapes are read, following pages.
   */
  async assets(serial: string, perPage = PAGE_SIZE): Promise<DattoAsset[]> {
    const out: DattoAsset[] = [];
    for (let page = 1; ; page++) {
      const body = await this.get<DattoAsset[] | Paged<DattoAsset>>(`/v1/bcdr/device/${encodeURIComponent(serial)}/asset?_page=${page}&_perPage=${perPage}`);
      if (Array.isArray(body)) return [...out, ...body];
      const items = Array.isArray(body?.items) ? body.items : [];
      out.push(...items);
      const total = body?.pagination?.totalPages;
      if (typeof total === 'number' ? page >= total : items.length < perPage) return out;
      if (items.length === 0) return out;
    }
  }
}
