// One node:http server in the bench process that answers as the eight channel services of issue
// #21 answer a request they accept (their documented success), each under its own path, and
// counts what each accepted. `setDown(true)` makes every answer a 503 (an outage every driver
// retries). Formats and limits are checked by the stand-ins in test/helpers; this one only has to
// be a fast, faithful "yes".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_TYPES = ['ntfy', 'telegram', 'discord', 'google_chat', 'pushover', 'mattermost', 'twilio_sms', 'halopsa'] as const;
export type BenchType = (typeof BENCH_TYPES)[number];

export interface ChannelStandIns {
  url: string;
  /** Messages accepted per type (for HaloPSA: tickets created). */
  accepted: Record<BenchType, number>;
  setDown(down: boolean): void;
  /** The config of a channel of `type` that talks to this server. */
  config(type: BenchType, haloCompanies: Record<string, number>): Record<string, unknown>;
  close(): void;
}

type Reply = { status: number; body?: unknown; type?: string; counts?: BenchType };

const json = (status: number, body: unknown, counts?: BenchType): Reply => ({ status, body, counts });
const now = () => Math.floor(Date.now() / 1000);
let serial = 0;

/** The documented success of each service, by the path its driver posts to. */
function answer(method: string, path: string, query: URLSearchParams): Reply {
  // ntfy publish as JSON to the server's root: https://docs.ntfy.sh/publish/#publish-as-json
  if (path === '/ntfy/') return json(200, { id: `n${++serial}`, time: now(), event: 'message', topic: 'bench' }, 'ntfy');
  // Telegram sendMessage: https://core.telegram.org/bots/api#sendmessage
  if (/^\/telegram\/bot[^/]+\/sendMessage$/.test(path)) return json(200, { ok: true, result: { message_id: ++serial, date: now(), chat: { id: -100, type: 'supergroup' } } }, 'telegram');
  // Discord execute webhook: 204 without ?wait=true, https://discord.com/developers/docs/resources/webhook#execute-webhook
  if (/^\/api\/webhooks\/\d+\/[\w-]+$/.test(path)) return query.get('wait') === 'true' ? json(200, { id: String(++serial), type: 0 }, 'discord') : { status: 204, counts: 'discord' };
  // Google Chat incoming webhook: the created Message, https://developers.google.com/workspace/chat/quickstart/webhooks
  if (/^\/v1\/spaces\/[\w-]+\/messages$/.test(path)) return json(200, { name: `spaces/bench/messages/m${++serial}`, createTime: new Date().toISOString() }, 'google_chat');
  // Pushover messages: {"status":1,"request":…}, https://pushover.net/api#response
  if (path === '/1/messages.json') return json(200, { status: 1, request: `r${++serial}` }, 'pushover');
  // Mattermost incoming webhook: 200 "ok" as text, https://developers.mattermost.com/integrate/webhooks/incoming/
  if (/^\/hooks\/\w+$/.test(path)) return { status: 200, body: 'ok', type: 'text/plain', counts: 'mattermost' };
  // Twilio Messages create: 201 with the message, https://www.twilio.com/docs/messaging/api/message-resource
  if (/^\/2010-04-01\/Accounts\/\w+\/Messages\.json$/.test(path)) return json(201, { sid: `SM${(++serial).toString(16).padStart(32, '0')}`, status: 'queued' }, 'twilio_sms');
  // HaloPSA: token, ticket search (none yet), ticket create, https://halo.haloservicedesk.com/apidoc/resources/tickets
  if (path === '/halo/auth/token') return json(200, { access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 });
  if (path === '/halo/api/Tickets' && method === 'GET') return json(200, { record_count: 0, tickets: [] });
  if (path === '/halo/api/Tickets' && method === 'POST') return json(201, { id: ++serial, summary: 'bench', client_id: 12, status_id: 1 }, 'halopsa');
  return json(404, { message: `no stand-in for ${method} ${path}` });
}

export async function startChannelStandIns(): Promise<ChannelStandIns> {
  let down = false;
  const accepted = Object.fromEntries(BENCH_TYPES.map((t) => [t, 0])) as Record<BenchType, number>;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (down) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      const u = new URL(req.url ?? '/', 'http://bench');
      const r = answer(req.method ?? 'GET', u.pathname, u.searchParams);
      if (r.counts) accepted[r.counts]++;
      if (r.body === undefined) return void res.writeHead(r.status).end();
      res.writeHead(r.status, { 'content-type': r.type ?? 'application/json' }).end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = (type: BenchType, haloCompanies: Record<string, number>): Record<string, unknown> => {
    switch (type) {
      case 'ntfy':
        return { url: `${url}/ntfy/bench-backups` };
      case 'telegram':
        return { bot_token: '7012345678:AAHk-bench_token_for_keepwatch', chat_id: '-1001234567890', api_url: `${url}/telegram` };
      case 'discord':
        return { url: `${url}/api/webhooks/112233445566778899/bench-token` };
      case 'google_chat':
        return { url: `${url}/v1/spaces/AAAAbench/messages?key=bench-key&token=bench-token` };
      case 'pushover':
        return { user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', app_token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', api_url: url };
      case 'mattermost':
        return { url: `${url}/hooks/benchhook` };
      case 'twilio_sms':
        return { account_sid: `AC${'0123456789abcdef'.repeat(2)}`, auth_token: 'f'.repeat(32), from: '+14155550100', to: ['+447700900123'], api_url: url };
      case 'halopsa':
        // A ticket from the first failure (the default waits for a critical one).
        return { url: `${url}/halo`, client_id: 'bench-client', client_secret: 'bench-secret', companies: haloCompanies, mapping: { job_failed: { ticket: true, priority: 'high', min_severity: 'warning' } } };
    }
  };
  return { url, accepted, setDown: (d) => (down = d), config, close: () => server.close() };
}
