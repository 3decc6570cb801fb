// A local stand-in for the Datto Partner Portal REST API (BCDR part), played from its published
// reference, https://portal.dattobackup.com/integrations/api (behind a partner login; the shapes
// below are the ones that reference gives, as reproduced in test/fixtures/connectors/datto and its
// manifest.json). HTTP Basic with the public key as user and the secret key as password.
//
// Reconstructed where the reference is silent, and said so beside each: the HTTP status of a bad
// key pair (401) and of a key without access to a device (403), and the values of `backup.status`
// (documented only as a string; "success" / "failed" are used here).
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

export interface FakeDattoDevice {
  serialNumber: string;
  name: string;
  model: string;
  lastSeenDate: string;
  organizationId?: number;
  clientCompanyName?: string;
  organizationName?: string;
  hidden: boolean;
  localStorageUsed: { size: number; units: string };
  localStorageAvailable: { size: number; units: string };
  offsiteStorageUsed: { size: number; units: string };
  agentCount: number;
  shareCount: number;
  alertCount: number;
  [k: string]: unknown;
}

export interface FakeDatto {
  server: FakeServer;
  url: string;
  publicKey: string;
  secretKey: string;
  devices: FakeDattoDevice[];
  /** serial → its assets (agents and shares), as `/asset` answers them. */
  assets: Map<string, Array<Record<string, unknown>>>;
  /** serial → an error every asset call of that appliance answers. */
  failing: Map<string, { status: number; code: string; message: string }>;
  /** The next `n` calls answer 429 with this Retry-After (seconds). */
  throttle(n: number, retryAfterSeconds: number): void;
  calls(pathPattern: RegExp): FakeRequest[];
  close(): Promise<void>;
}

const unauthorized = (): FakeAnswer => ({ status: 401, body: { code: 'Unauthorized', message: 'Invalid API credentials' } });

export async function startFakeDatto(): Promise<FakeDatto> {
  const server = await startFakeServer();
  const fake: FakeDatto = {
    server,
    url: server.url,
    publicKey: 'a1b2c3',
    secretKey: 'd4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9',
    devices: [],
    assets: new Map(),
    failing: new Map(),
    throttle(n, retryAfterSeconds) {
      for (let i = 0; i < n; i++) server.forced.push({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { code: 'TooManyRequests', message: 'Rate limit exceeded' } });
    },
    calls: (p) => server.requests.filter((r) => p.test(r.path)),
    close: () => server.close(),
  };
  const authorized = (r: FakeRequest) => r.headers.authorization === `Basic ${Buffer.from(`${fake.publicKey}:${fake.secretKey}`).toString('base64')}`;

  // GET /v1/bcdr/device — "Returns a list of your devices", paged with _page (1-based) and
  // _perPage (default 100); the body is { pagination: { page, perPage, totalPages, count }, items }.
  // https://portal.dattobackup.com/integrations/api (BCDR → v1GetDevices)
  server.route('GET', /^\/v1\/bcdr\/device$/, (r) => {
    if (!authorized(r)) return unauthorized();
    const page = Math.max(1, Number(r.query.get('_page') ?? 1));
    const perPage = Math.max(1, Number(r.query.get('_perPage') ?? 100));
    const visible = fake.devices.filter((d) => r.query.get('showHiddenDevices') !== '0' || !d.hidden);
    const items = visible.slice((page - 1) * perPage, page * perPage);
    return { status: 200, body: { pagination: { page, perPage, totalPages: Math.ceil(visible.length / perPage), count: visible.length }, items } };
  });

  // GET /v1/bcdr/device/{serialNumber}/asset — "Get an asset(s) (agent or share) for a device":
  // a list of assets, each with backups[] (snapshots with backup, localVerification and
  // advancedVerification.screenshotVerification), lastSnapshot, lastScreenshotAttempt(Status),
  // latestOffsite, isPaused, isArchived. https://portal.dattobackup.com/integrations/api (BCDR → v1GetDeviceAssets)
  server.route('GET', /^\/v1\/bcdr\/device\/([^/]+)\/asset$/, (r, [serial]) => {
    if (!authorized(r)) return unauthorized();
    const s = decodeURIComponent(serial!);
    const fail = fake.failing.get(s);
    if (fail) return { status: fail.status, body: { code: fail.code, message: fail.message } };
    // Reconstructed: an unknown serial answers 404 with the documented error shape { code, message }.
    if (!fake.devices.some((d) => d.serialNumber === s)) return { status: 404, body: { code: 'NotFound', message: `Device ${s} not found` } };
    return { status: 200, body: fake.assets.get(s) ?? [] };
  });
  return fake;
}

/** A stable organisation id per client name. */
const orgIds = new Map<string, number>();
const orgId = (client: string) => orgIds.get(client) ?? orgIds.set(client, 50_000 + orgIds.size).get(client)!;

/** An appliance shaped as the reference's Device example, with the given values. */
export function dattoDevice(serial: string, name: string, client: string | null, over: Partial<FakeDattoDevice> = {}): FakeDattoDevice {
  return {
    serialNumber: serial,
    name,
    model: 'S4P3000',
    lastSeenDate: '2026-11-20T05:55:00+00:00',
    ...(client === null ? {} : { organizationId: orgId(client), clientCompanyName: client, organizationName: client }),
    hidden: false,
    servicePlan: 'Infinite Cloud Retention',
    registrationDate: '2024-03-01T00:00:00+00:00',
    servicePeriod: '2027-03-01T00:00:00+00:00',
    warrantyExpire: '2029-03-01T00:00:00+00:00',
    localStorageUsed: { size: 1200, units: 'GB' },
    localStorageAvailable: { size: 2800, units: 'GB' },
    offsiteStorageUsed: { size: 950, units: 'GB' },
    internalIP: '10.0.0.20',
    activeTickets: 0,
    resellerCompanyName: 'Example MSP',
    agentCount: 2,
    shareCount: 1,
    alertCount: 0,
    uptime: 864000,
    remoteWebUrl: `https://device.dattobackup.com/remote/${serial}`,
    ...over,
  };
}

/** An agent shaped as the reference's asset example; `backups` are (ISO time, status[, error]). */
export function dattoAgent(name: string, volume: string, os: string, at: number, backups: Array<[string, string, string?]>, over: Record<string, unknown> = {}): Record<string, unknown> {
  const sec = (ms: number) => Math.floor(ms / 1000);
  return {
    name,
    volume,
    localIp: '10.10.100.1',
    os,
    protectedVolumesCount: 1,
    unprotectedVolumesCount: 0,
    protectedVolumeNames: ['C:'],
    unprotectedVolumeNames: [],
    agentVersion: '2.5.0.0',
    isPaused: false,
    isArchived: false,
    latestOffsite: sec(at - 3 * 3_600_000),
    localSnapshots: backups.length,
    lastSnapshot: backups.length > 0 ? sec(Date.parse(backups.at(-1)![0])) : 0,
    lastScreenshotAttempt: sec(at - 2 * 3_600_000),
    lastScreenshotAttemptStatus: true,
    lastScreenshotUrl: `https://device.dattobackup.com/sirisReporting/image/latest/${volume}.png?cb=1234576`,
    fqdn: name,
    type: 'agent',
    backups: backups.map(([timestamp, status, error]) => ({
      timestamp,
      backup: { status, errorMessage: error ?? null },
      localVerification: { status: 'success', errors: [] },
      advancedVerification: { screenshotVerification: { status: 'success', image: `https://device.dattobackup.com/sirisReporting/image/${volume}.png` } },
    })),
    ...over,
  };
}
