// The drain of issue #21's channel types: N deliveries queued while all eight services are down
// (ntfy, Telegram, Discord, Google Chat, Pushover, Mattermost, SMS, HaloPSA), spread evenly by
// routing each type's channel one client of its own, then drained once they are back. The same
// measure as the webhook drain in notify.ts, against the stand-ins in channel-stand-ins.ts.
import { BENCH_TYPES, type BenchType, startChannelStandIns } from './channel-stand-ins.ts';
import { call, pendingCount } from './notify.ts';
import { startBenchServer } from './server.ts';

export interface ChannelDrainResult {
  deliveries: number;
  seconds: number;
  perSecond: number;
  /** Per type: deliveries and when its last one was accepted (s after the drain started). */
  byType: Array<{ type: BenchType; deliveries: number; seconds: number }>;
}

const clientOf = (type: BenchType) => `Bench ${type}`;

function jobOf(client: string, device: string, status: string): Record<string, unknown> {
  const end = Date.now();
  return { source: 'bench', external_id: `${device}-${status}-${end}`, client, device: { name: device }, check: { name: 'Nightly' }, status, started_at: new Date(end - 60_000).toISOString(), ended_at: new Date(end).toISOString() };
}

export async function benchChannelDrain(alerts: number, progress: (s: string) => void = () => {}): Promise<ChannelDrainResult> {
  const services = await startChannelStandIns();
  // The stand-ins listen on loopback, which the outbound policy refuses unless allowed.
  const server = await startBenchServer({ KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1' });
  try {
    // One client per type, made by a good job, so each channel can be routed just its own.
    await call(server.url, server.token, 'POST', '/api/v1/jobs', { jobs: BENCH_TYPES.map((t) => jobOf(clientOf(t), `SEED-${t}`, 'succeeded')) });
    const clients: Array<{ id: string; name: string }> = (await call(server.url, server.adminToken, 'GET', '/api/v1/clients?limit=500')).items;
    const idOf = (t: BenchType) => clients.find((c) => c.name === clientOf(t))!.id;
    const channels: Array<{ id: string; type: BenchType }> = [];
    for (const type of BENCH_TYPES) {
      const config = services.config(type, { [idOf('halopsa')]: 12 });
      const ch = await call(server.url, server.adminToken, 'POST', '/api/v1/channels', { type, name: `Bench ${type}`, config, clients: [idOf(type)] });
      channels.push({ id: ch.id, type });
    }

    services.setDown(true);
    for (let i = 0; i < alerts; i += 1000) {
      const jobs = Array.from({ length: Math.min(1000, alerts - i) }, (_, k) => {
        const type = BENCH_TYPES[(i + k) % BENCH_TYPES.length]!;
        return jobOf(clientOf(type), `DRAIN-${i + k}`, 'failed');
      });
      await call(server.url, server.token, 'POST', '/api/v1/jobs', { jobs });
    }
    const limit = Date.now() + 600_000;
    for (;;) {
      const counts = await Promise.all(channels.map((c) => pendingCount(server.url, server.adminToken, c.id)));
      const queued = counts.reduce((a, b) => a + b, 0);
      progress(`${queued} of ${alerts} deliveries queued (${channels.map((c, i) => `${c.type} ${counts[i]}`).join(', ')})`);
      if (queued >= alerts) break;
      // An outage must be retried; a channel that broke on it would never drain.
      for (const c of channels) {
        const got = await call(server.url, server.adminToken, 'GET', `/api/v1/channels/${c.id}`);
        if (got.status === 'broken') throw new Error(`the ${c.type} channel broke during the outage: ${got.broken_reason}`);
      }
      if (Date.now() > limit) throw new Error('the queues never filled');
      await new Promise((r) => setTimeout(r, 1000));
    }

    services.setDown(false);
    const before = { ...services.accepted };
    const share = (t: BenchType) => Math.floor(alerts / BENCH_TYPES.length) + (BENCH_TYPES.indexOf(t) < alerts % BENCH_TYPES.length ? 1 : 0);
    const finished = new Map<BenchType, number>();
    const started = performance.now();
    // Saving a channel is what a person does once the service is back: its back-off ends.
    await Promise.all(channels.map((c) => call(server.url, server.adminToken, 'PATCH', `/api/v1/channels/${c.id}`, { name: `Bench ${c.type} (back)` })));
    const until = Date.now() + 600_000;
    while (finished.size < BENCH_TYPES.length) {
      for (const t of BENCH_TYPES) if (!finished.has(t) && services.accepted[t] - before[t] >= share(t)) finished.set(t, (performance.now() - started) / 1000);
      if (Date.now() > until) throw new Error(`not drained: ${JSON.stringify(services.accepted)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const seconds = Math.max(...finished.values());
    return {
      deliveries: alerts,
      seconds,
      perSecond: alerts / seconds,
      byType: BENCH_TYPES.map((type) => ({ type, deliveries: services.accepted[type] - before[type], seconds: finished.get(type)! })),
    };
  } finally {
    await server.stop();
    services.close();
  }
}
