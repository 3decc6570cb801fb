// The Telegram Bot API, played from its published documentation: `POST /bot<token>/sendMessage`
// (https://core.telegram.org/bots/api#sendmessage) answering `{ ok, result }` or
// `{ ok: false, error_code, description, parameters }` (https://core.telegram.org/bots/api#making-requests,
// #responseparameters). HTML mode is parsed as the docs say (https://core.telegram.org/bots/api#html-style):
// only the listed tags, `&` only in an entity, tags balanced; otherwise 400 "can't parse entities".
// A text over 4,096 characters after parsing is refused ("message is too long").
import { type FakeServer, startFakeServer } from './fake-http.js';

export interface TelegramSent {
  token: string;
  chat_id: string;
  text: string;
  parse_mode?: string;
}

export interface TelegramFake {
  server: FakeServer;
  url: string;
  sent: TelegramSent[];
  /** Valid bot tokens. */
  tokens: Set<string>;
  /** Chats the bot can write to; chats that blocked it answer 403. */
  chats: Set<string>;
  blocked: Set<string>;
  close(): Promise<void>;
}

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'blockquote', 'span', 'tg-emoji']);
export const telegramError = (code: number, description: string, parameters?: Record<string, number>) => ({ status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } });

/** The visible text of an HTML-mode message, or why Telegram could not parse it. */
export function parseHtml(text: string): { visible: string } | { error: string } {
  const open: string[] = [];
  let visible = '';
  const re = /<(\/?)([a-z-]+)([^>]*)>|&(lt|gt|amp|quot|#\d+);|([<>&])|([^<>&]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[2] !== undefined) {
      if (!TAGS.has(m[2])) return { error: `Unsupported start tag "${m[2]}"` };
      if (m[1] === '/') {
        if (open.pop() !== m[2]) return { error: `Unmatched end tag "${m[2]}"` };
      } else open.push(m[2]);
    } else if (m[4] !== undefined) visible += '_';
    else if (m[5] !== undefined) return { error: `Unexpected character "${m[5]}"` };
    else visible += m[6];
  }
  return open.length > 0 ? { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` } : { visible };
}

export async function startTelegramFake(): Promise<TelegramFake> {
  const server = await startFakeServer();
  const fake: TelegramFake = { server, url: server.url, sent: [], tokens: new Set(), chats: new Set(), blocked: new Set(), close: () => server.close() };
  let messageId = 1000;
  server.route('POST', /^\/bot([^/]+)\/sendMessage$/, (r, [token]) => {
    // A token of the wrong shape is a 404, a revoked one 401 (what the live API answers).
    if (!/^\d+:[\w-]+$/.test(token!)) return telegramError(404, 'Not Found');
    if (!fake.tokens.has(token!)) return telegramError(401, 'Unauthorized');
    const b = r.body as Record<string, any> | null;
    const chat = b?.chat_id === undefined ? '' : String(b.chat_id);
    if (!b || typeof b.text !== 'string' || b.text === '') return telegramError(400, 'Bad Request: message text is empty');
    if (fake.blocked.has(chat)) return telegramError(403, 'Forbidden: bot was blocked by the user');
    if (!fake.chats.has(chat)) return telegramError(400, 'Bad Request: chat not found');
    let visible = b.text;
    if (b.parse_mode === 'HTML') {
      const parsed = parseHtml(b.text);
      if ('error' in parsed) return telegramError(400, `Bad Request: can't parse entities: ${parsed.error}`);
      visible = parsed.visible;
    }
    if (visible.length > 4096) return telegramError(400, 'Bad Request: message is too long');
    fake.sent.push({ token: token!, chat_id: chat, text: b.text, parse_mode: b.parse_mode });
    return { status: 200, body: { ok: true, result: { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat) || 0, type: 'supergroup' }, text: visible } } };
  });
  return fake;
}
