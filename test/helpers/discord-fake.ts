// Discord's webhook endpoint, played from its published documentation: Execute Webhook
// (https://discord.com/developers/docs/resources/webhook#execute-webhook) answering 204, or
// 200 with the message when `?wait=true`; the embed limits
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits) checked,
// breaking them answering 400 "Invalid Form Body" (50035); 404 "Unknown Webhook" (10015) and
// 401 "Invalid Webhook Token" (50027) (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json);
// rate limits as 429 with `retry_after` seconds in the body and Retry-After / X-RateLimit-*
// headers (https://discord.com/developers/docs/topics/rate-limits).
import { type FakeServer, startFakeServer } from './fake-http.js';

export interface DiscordFake {
  server: FakeServer;
  url: string;
  /** Webhooks that exist: id → token. */
  webhooks: Map<string, string>;
  executed: Array<{ id: string; body: any }>;
  hookUrl(id: string): string;
  close(): Promise<void>;
}

const discordError = (status: number, code: number, message: string) => ({ status, body: { message, code } });

export function discordRateLimited(retryAfterSeconds: number) {
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false },
    headers: { 'retry-after': String(Math.ceil(retryAfterSeconds)), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(retryAfterSeconds), 'x-ratelimit-scope': 'shared' },
  };
}

/** What breaks the documented limits, or null. */
export function embedProblem(b: any): string | null {
  if (typeof b?.content === 'string' && b.content.length > 2000) return 'content: Must be 2000 or fewer in length.';
  if (!b?.content && !(Array.isArray(b?.embeds) && b.embeds.length > 0)) return 'Cannot send an empty message';
  const embeds: any[] = b.embeds ?? [];
  if (embeds.length > 10) return 'embeds: Must be 10 or fewer in length.';
  let total = 0;
  for (const e of embeds) {
    if ((e.title ?? '').length > 256) return 'embeds.0.title: Must be 256 or fewer in length.';
    if ((e.description ?? '').length > 4096) return 'embeds.0.description: Must be 4096 or fewer in length.';
    if ((e.fields ?? []).length > 25) return 'embeds.0.fields: Must be 25 or fewer in length.';
    if (e.color !== undefined && (!Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff)) return 'embeds.0.color: Int value should be less than or equal to 16777215.';
    for (const f of e.fields ?? []) if (f.name.length > 256 || f.value.length > 1024 || f.value === '') return 'embeds.0.fields: Invalid field.';
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length + (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);
  }
  return total > 6000 ? 'embeds: Embed size exceeds maximum size of 6000' : null;
}

export async function startDiscordFake(): Promise<DiscordFake> {
  const server = await startFakeServer();
  const fake: DiscordFake = {
    server,
    url: server.url,
    webhooks: new Map(),
    executed: [],
    hookUrl: (id) => `${server.url}/api/webhooks/${id}/${fake.webhooks.get(id) ?? 'no-such-token'}`,
    close: () => server.close(),
  };
  let messageId = 1_200_000_000_000_000_000n;
  server.route('POST', /^\/api\/webhooks\/(\d+)\/([\w-]+)$/, (r, [id, token]) => {
    const known = fake.webhooks.get(id!);
    if (known === undefined) return discordError(404, 10015, 'Unknown Webhook');
    if (known !== token) return discordError(401, 50027, 'Invalid Webhook Token');
    const problem = embedProblem(r.body);
    if (problem) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'BASE_TYPE_INVALID', message: problem }] } } };
    fake.executed.push({ id: id!, body: r.body });
    if (r.query.get('wait') === 'true') return { status: 200, body: { id: String(++messageId), type: 0, content: r.body.content ?? '', webhook_id: id, embeds: r.body.embeds ?? [] } };
    return { status: 204 };
  });
  return fake;
}
