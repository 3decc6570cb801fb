// Notification benchmarks against a `keepwatch serve` child process:
// - latency: a job that raises an alert is acknowledged (202) → the e-mail is accepted by an SMTP
//   sink, one job at a time, p50/p99;
// - throughput: a burst of N alerts to one webhook, end to end (jobs posted → every webhook call
//   answered), and the drain of a queue of N deliveries left by an outage once the channel is back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startBenchServer } from './server.ts';

export interface NotifyResult {
  latency: { p50: number; p99: number; max: number; n: number };
  burst: { alerts: number; seconds: number; perSecond: number };
  drain: { deliveries: number; seconds: number; perSecond: number };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function smtpSink(onMail: (raw: string) => void): Promise<{ url: string; close(): void }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        onMail(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function webhookSink(): Promise<{ url: string; count: () => number; setDown(down: boolean): void; close(): void }> {
  let n = 0;
  let down = false;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (down) {
        res.writeHead(503).end();
        return;
      }
      n++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, count: () => n, setDown: (d) => (down = d), close: () => server.close() };
}

/** A bench API call; throws on anything but 2xx. */
export async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const failing = (device: string) => {
  const end = Date.now();
  return { source: 'bench', external_id: `${device}-${end}`, client: 'Bench', device: { name: device }, check: { name: 'Nightly' }, status: 'failed', started_at: new Date(end - 60_000).toISOString(), ended_at: new Date(end).toISOString() };
};

async function until(cond: () => boolean, ms: number): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function latency(samples: number): Promise<NotifyResult['latency']> {
  const arrived = new Map<string, number>();
  const sink = await smtpSink((raw) => {
    const m = /\((LAT-\d+)\)/.exec(raw);
    if (m) arrived.set(m[1]!, performance.now());
  });
  const server = await startBenchServer({ KEEPWATCH_MAIL_URL: sink.url, KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1' });
  try {
    await call(server.url, server.adminToken, 'POST', '/api/v1/channels', { type: 'email', name: 'Bench mail', config: { to: 'bench@example.com' }, types: ['job_failed'] });
    const times: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const device = `LAT-${i}`;
      await call(server.url, server.token, 'POST', '/api/v1/jobs', failing(device));
      const acked = performance.now();
      await until(() => arrived.has(device), 10_000);
      if (i >= 5) times.push(arrived.get(device)! - acked);
    }
    return { p50: Math.round(percentile(times, 50)), p99: Math.round(percentile(times, 99)), max: Math.round(Math.max(...times)), n: times.length };
  } finally {
    await server.stop();
    sink.close();
  }
}

async function burst(alerts: number): Promise<{ burst: NotifyResult['burst']; drain: NotifyResult['drain'] }> {
  const hook = await webhookSink();
  // The webhook receiver listens on loopback, which the outbound policy refuses unless allowed.
  const server = await startBenchServer({ KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1' });
  try {
    const ch = await call(server.url, server.adminToken, 'POST', '/api/v1/channels', { type: 'webhook', name: 'Bench hook', config: { url: hook.url, secret: 'bench-webhook-secret-0123' } });
    const post = async (prefix: string) => {
      for (let i = 0; i < alerts; i += 1000) {
        const jobs = Array.from({ length: Math.min(1000, alerts - i) }, (_, k) => failing(`${prefix}-${i + k}`));
        await call(server.url, server.token, 'POST', '/api/v1/jobs', { jobs });
      }
    };
    // End to end: jobs in, one alert each, every webhook call answered.
    const started = performance.now();
    await post('BURST');
    await until(() => hook.count() >= alerts, 600_000);
    const seconds = (performance.now() - started) / 1000;

    // Drain: the same again while the receiver is down; once all are queued, it comes back.
    hook.setDown(true);
    const before = hook.count();
    await post('DRAIN');
    // Every alert routed into the channel's queue before it comes back.
    const limit = Date.now() + 600_000;
    while ((await pendingCount(server.url, server.adminToken, ch.id)) < alerts) {
      if (Date.now() > limit) throw new Error('the queue never filled');
      await new Promise((r) => setTimeout(r, 500));
    }
    hook.setDown(false);
    const drainStart = performance.now();
    await call(server.url, server.adminToken, 'PATCH', `/api/v1/channels/${ch.id}`, { name: 'Bench hook (back)' });
    await until(() => hook.count() - before >= alerts, 600_000);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    return {
      burst: { alerts, seconds, perSecond: alerts / seconds },
      drain: { deliveries: alerts, seconds: drainSeconds, perSecond: alerts / drainSeconds },
    };
  } finally {
    await server.stop();
    hook.close();
  }
}

/** How many deliveries of a channel still wait to be sent. */
export async function pendingCount(url: string, token: string, channelId: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { items: unknown[]; next_cursor: string | null } = await call(url, token, 'GET', `/api/v1/channels/${channelId}/deliveries?state=pending&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    n += page.items.length;
    cursor = page.next_cursor;
  } while (cursor);
  return n;
}

export async function benchNotify(options: { samples: number; alerts: number }): Promise<NotifyResult> {
  const lat = await latency(options.samples);
  const b = await burst(options.alerts);
  return { latency: lat, ...b };
}
