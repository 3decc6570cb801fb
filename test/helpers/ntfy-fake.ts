// An ntfy server, played from its published API: JSON publishing to the server root
// (https://docs.ntfy.sh/publish/#publish-as-json: topic, title, message, priority 1–5, tags,
// click, actions), access tokens as `Authorization: Bearer tk_…` (https://docs.ntfy.sh/publish/#access-tokens),
// errors as `{ code, http, error, link }` (https://docs.ntfy.sh/publish/ and the server's
// errors.go: 40101 unauthorized, 40301 forbidden, 42901 too many requests, 41301 message too large).
// Tests protect a topic with a token and force answers through `server.forced`.
import { type FakeServer, startFakeServer } from './fake-http.js';

export interface NtfyMessage {
  id: string;
  topic: string;
  title?: string;
  message: string;
  priority: number;
  tags: string[];
  click?: string;
  actions?: unknown[];
  authorization?: string;
}

export interface NtfyFake {
  server: FakeServer;
  url: string;
  messages: NtfyMessage[];
  /** Topics that need a token: topic → the token that may publish. */
  protectedTopics: Map<string, string>;
  close(): Promise<void>;
}

const ntfyError = (code: number, error: string) => ({ status: Math.floor(code / 100), body: { code, http: Math.floor(code / 100), error, link: 'https://ntfy.sh/docs/publish/' } });
/** The server's default message-size-limit. */
const MAX_MESSAGE_BYTES = 4096;

export async function startNtfyFake(): Promise<NtfyFake> {
  const server = await startFakeServer();
  const fake: NtfyFake = { server, url: server.url, messages: [], protectedTopics: new Map(), close: () => server.close() };
  let n = 0;
  // POST / with a JSON body: https://docs.ntfy.sh/publish/#publish-as-json
  server.route('POST', /^\/$/, (r) => {
    const b = r.body as Record<string, any> | null;
    if (!b || typeof b.topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(b.topic)) return ntfyError(40009, 'invalid request: topic invalid');
    const auth = r.headers.authorization;
    const needed = fake.protectedTopics.get(b.topic);
    if (needed !== undefined && auth === undefined) return ntfyError(40101, 'unauthorized');
    if (needed !== undefined && auth !== `Bearer ${needed}`) return ntfyError(40301, 'forbidden');
    if (b.priority !== undefined && (!Number.isInteger(b.priority) || b.priority < 1 || b.priority > 5)) return ntfyError(40007, 'invalid request: priority invalid');
    if (Buffer.byteLength(String(b.message ?? '')) > MAX_MESSAGE_BYTES) return ntfyError(41301, 'message too large');
    const m: NtfyMessage = { id: `msg${++n}`, topic: b.topic, title: b.title, message: b.message ?? 'triggered', priority: b.priority ?? 3, tags: b.tags ?? [], click: b.click, actions: b.actions, authorization: auth };
    fake.messages.push(m);
    return { status: 200, body: { id: m.id, time: Math.floor(Date.now() / 1000), expires: Math.floor(Date.now() / 1000) + 43_200, event: 'message', topic: m.topic, title: m.title, message: m.message, priority: m.priority, tags: m.tags, click: m.click } };
  });
  return fake;
}

export const ntfyFailures = {
  unauthorized: ntfyError(40101, 'unauthorized'),
  tooManyRequests: ntfyError(42901, 'limit reached: too many requests'),
  serverError: ntfyError(50001, 'internal server error'),
};
