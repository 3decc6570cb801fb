// Pushover's message API as documented at https://pushover.net/api, on 127.0.0.1: the test
// registers the application tokens and user keys that exist, and reads what was pushed.
import { randomUUID } from 'node:crypto';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-http.js';

export interface PushoverFake {
  url: string;
  server: FakeServer;
  /** Every accepted message, its fields as sent (JSON or form). */
  messages: Array<Record<string, unknown>>;
  tokens: Set<string>;
  users: Set<string>;
  close(): Promise<void>;
}

/** The request's parameters: Pushover takes form fields or a JSON object (https://pushover.net/api#messages). */
function fields(r: FakeRequest): Record<string, unknown> {
  if (r.body !== null && typeof r.body === 'object') return r.body as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(typeof r.body === 'string' ? r.body : ''));
}

// https://pushover.net/api#response: status 0, the parameter at fault, and errors[] on a 4xx.
const refuse = (request: string, field: string, error: string): FakeAnswer => ({ status: 400, body: { [field]: 'invalid', errors: [error], status: 0, request } });

export async function startPushoverFake(): Promise<PushoverFake> {
  const server = await startFakeServer();
  const fake: PushoverFake = { url: server.url, server, messages: [], tokens: new Set(), users: new Set(), close: () => server.close() };
  // POST /1/messages.json — https://pushover.net/api#messages (limits: https://pushover.net/api#limits)
  server.route('POST', /^\/1\/messages\.json$/, (r) => {
    const f = fields(r);
    const request = randomUUID();
    if (!fake.tokens.has(String(f.token))) return refuse(request, 'token', 'application token is invalid');
    if (!fake.users.has(String(f.user))) return refuse(request, 'user', 'user identifier is not a valid user, group, or subscribed user key');
    if (typeof f.message !== 'string' || f.message === '') return refuse(request, 'message', 'message cannot be blank');
    if (Array.from(f.message).length > 1024) return refuse(request, 'message', 'message is too long (maximum 1024 characters)');
    if (typeof f.title === 'string' && Array.from(f.title).length > 250) return refuse(request, 'title', 'title is too long (maximum 250 characters)');
    if (typeof f.url === 'string' && f.url.length > 512) return refuse(request, 'url', 'url is too long (maximum 512 characters)');
    if (typeof f.url_title === 'string' && f.url_title.length > 100) return refuse(request, 'url_title', 'url title is too long (maximum 100 characters)');
    if (f.priority !== undefined && ![-2, -1, 0, 1, 2].includes(Number(f.priority))) return refuse(request, 'priority', 'priority is invalid');
    // Emergency priority needs retry and expire (https://pushover.net/api#priority).
    if (Number(f.priority) === 2 && (f.retry === undefined || f.expire === undefined)) return refuse(request, 'retry', 'retry and expire are required for emergency priority');
    fake.messages.push(f);
    return { status: 200, body: { status: 1, request }, headers: { 'x-limit-app-limit': '10000', 'x-limit-app-remaining': String(10000 - fake.messages.length) } };
  });
  return fake;
}
