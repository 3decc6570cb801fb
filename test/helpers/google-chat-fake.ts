// Google Chat's incoming-webhook endpoint, played from its published documentation:
// `POST /v1/spaces/<space>/messages?key=…&token=…` (https://developers.google.com/workspace/chat/quickstart/webhooks)
// with `text` and/or `cardsV2` (https://developers.google.com/workspace/chat/api/reference/rest/v1/cards),
// `threadKey` + `messageReplyOption` to reply in a thread, answering the Message resource
// (https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages). Errors
// follow Google's API error model `{ error: { code, message, status } }`
// (https://cloud.google.com/apis/design/errors); 429 RESOURCE_EXHAUSTED past the per-space quota
// (https://developers.google.com/workspace/chat/limits); a message over 32,000 bytes is refused.
import { type FakeServer, startFakeServer } from './fake-http.js';

export interface ChatPosted {
  space: string;
  threadKey: string | null;
  replyOption: string | null;
  body: any;
  thread: string;
}

export interface GoogleChatFake {
  server: FakeServer;
  /** Spaces with a webhook: space → its token (the key is the same for every webhook). */
  spaces: Map<string, string>;
  posted: ChatPosted[];
  hookUrl(space: string): string;
  close(): Promise<void>;
}

export const CHAT_KEY = 'fake-webhook-key-for-tests';
export const googleError = (code: number, status: string, message: string) => ({ status: code, body: { error: { code, message, status } } });
const WIDGETS = new Set(['textParagraph', 'decoratedText', 'buttonList', 'divider', 'image', 'columns']);

/** What a cardsV2 message gets wrong, or null. */
export function cardProblem(b: any): string | null {
  if (typeof b?.text !== 'string' && !Array.isArray(b?.cardsV2)) return 'Message cannot be empty.';
  if (typeof b.text === 'string' && b.text.length > 4096) return 'Message text is too long.';
  for (const c of b.cardsV2 ?? []) {
    if (typeof c.cardId !== 'string' || typeof c.card !== 'object') return 'Invalid JSON payload: cardsV2 needs cardId and card.';
    for (const s of c.card.sections ?? []) {
      for (const w of s.widgets ?? []) {
        const keys = Object.keys(w);
        if (keys.length !== 1 || !WIDGETS.has(keys[0]!)) return `Invalid JSON payload received. Unknown name "${keys[0]}"`;
      }
    }
  }
  return null;
}

export async function startGoogleChatFake(): Promise<GoogleChatFake> {
  const server = await startFakeServer();
  const fake: GoogleChatFake = {
    server,
    spaces: new Map(),
    posted: [],
    hookUrl: (space) => `${server.url}/v1/spaces/${space}/messages?key=${CHAT_KEY}&token=${fake.spaces.get(space) ?? 'revoked'}`,
    close: () => server.close(),
  };
  let n = 0;
  const threads = new Map<string, string>();
  server.route('POST', /^\/v1\/spaces\/([\w-]+)\/messages$/, (r, [space]) => {
    const token = fake.spaces.get(space!);
    if (token === undefined) return googleError(404, 'NOT_FOUND', `Requested entity was not found.`);
    if (r.query.get('key') !== CHAT_KEY || r.query.get('token') !== token) return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    const problem = cardProblem(r.body);
    if (problem) return googleError(400, 'INVALID_ARGUMENT', problem);
    if (Buffer.byteLength(JSON.stringify(r.body)) > 32_000) return googleError(400, 'INVALID_ARGUMENT', 'Message is too large.');
    const threadKey = r.query.get('threadKey');
    const key = threadKey === null ? `new-${++n}` : threadKey;
    if (!threads.has(key)) threads.set(key, `spaces/${space}/threads/t${threads.size + 1}`);
    const thread = threads.get(key)!;
    fake.posted.push({ space: space!, threadKey, replyOption: r.query.get('messageReplyOption'), body: r.body, thread });
    return { status: 200, body: { name: `spaces/${space}/messages/m${++n}`, text: r.body.text ?? '', thread: { name: thread }, space: { name: `spaces/${space}` }, createTime: new Date().toISOString() } };
  });
  return fake;
}
