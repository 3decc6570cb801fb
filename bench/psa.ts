// PSA and paging benchmarks against a `keepwatch serve` child process, with a ConnectWise and a
// PagerDuty stand-in in the bench process:
// - tickets: N failing jobs (N devices) → N ConnectWise tickets (a search and a create each), end to end;
// - pages: the same N alerts paged through PagerDuty by a rule that holds at once (the paging look
//   runs over every open alert after each routing batch), end to end.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBenchServer } from './server.ts';

export interface PsaBenchResult {
  alerts: number;
  tickets: { seconds: number; perSecond: number; calls: number };
  pages: { seconds: number; perSecond: number };
}

async function fakeVendors(): Promise<{ url: string; created: () => number; triggers: () => number; calls: () => number; close(): void }> {
  let created = 0;
  let triggers = 0;
  let calls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const path = (req.url ?? '').split('?')[0]!;
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/v2/enqueue') {
        triggers++;
        return json(202, { status: 'success', message: 'Event processed', dedup_key: 'x' });
      }
      if (req.method === 'GET' && path.endsWith('/service/tickets')) return json(200, []);
      if (req.method === 'POST' && path.endsWith('/service/tickets')) {
        created++;
        return json(201, { id: 100_000 + created, summary: JSON.parse(Buffer.concat(chunks).toString()).summary, closedFlag: false });
      }
      json(200, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, created: () => created, triggers: () => triggers, calls: () => calls, close: () => server.close() };
}

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchPsa(alerts: number): Promise<PsaBenchResult> {
  const vendors = await fakeVendors();
  const server = await startBenchServer();
  try {
    const admin = server.adminToken;
    const now = Date.now();
    const job = (i: number, status: string) => ({
      source: 'bench', external_id: `psa-${i}-${status}`, client: 'Bench PSA', device: { name: `PSA-${i}`, class: 'server' }, check: { name: 'Nightly' },
      status, started_at: new Date(now - 120_000).toISOString(), ended_at: new Date(now - (status === 'failed' ? 0 : 60_000)).toISOString(),
    });
    await call(server.url, admin, 'POST', '/api/v1/jobs', { jobs: [job(-1, 'succeeded')] });
    const client = ((await call(server.url, admin, 'GET', '/api/v1/clients?limit=10')).items as Array<{ id: string; name: string }>).find((c) => c.name === 'Bench PSA')!;
    await call(server.url, admin, 'POST', '/api/v1/channels', {
      type: 'connectwise', name: 'CW', config: {
        site_url: `${vendors.url}/cw`, company_id: 'c', public_key: 'p', private_key: 'k', client_id: 'g', board_id: 1,
        companies: { [client.id]: 5 }, mapping: { job_failed: { ticket: true, min_severity: 'warning' } },
      },
    });
    await call(server.url, admin, 'POST', '/api/v1/channels', { type: 'pagerduty', name: 'PD', config: { routing_key: 'R'.repeat(32), url: `${vendors.url}/v2/enqueue`, rules: [{ min_severity: 'warning' }] } });
    const start = Date.now();
    for (let i = 0; i < alerts; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, alerts - i) }, (_, k) => job(i + k, 'failed'));
      await call(server.url, server.token, 'POST', '/api/v1/jobs', { jobs: batch });
    }
    let pagesDone = 0;
    await until(() => {
      if (pagesDone === 0 && vendors.triggers() >= alerts) pagesDone = Date.now();
      return vendors.created() >= alerts && vendors.triggers() >= alerts;
    }, 600_000);
    const ticketsDone = Date.now();
    const t = (ticketsDone - start) / 1000;
    const p = ((pagesDone || ticketsDone) - start) / 1000;
    return { alerts, tickets: { seconds: t, perSecond: alerts / t, calls: vendors.calls() - vendors.triggers() }, pages: { seconds: p, perSecond: alerts / p } };
  } finally {
    await server.stop();
    vendors.close();
  }
}
