// A Mattermost server's incoming webhooks as documented, on 127.0.0.1: the test creates hooks
// and reads the posts they made.
// Hooks: https://developers.mattermost.com/integrate/webhooks/incoming/ (200 "ok", text/plain;
// a Slack-style `payload=` form when no JSON content type). Attachments:
// https://developers.mattermost.com/integrate/reference/message-attachments/
// A refusal is Mattermost's AppError JSON: `{ id, message, detailed_error, request_id, status_code }`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MattermostPost {
  hook: string;
  text: string;
  attachments: any[];
  contentType: string;
}

export interface MattermostFake {
  url: string;
  posts: MattermostPost[];
  /** Hook ids that exist; a post to another is refused as an invalid webhook. */
  hooks: Set<string>;
  /** Answers given, in order, before the hook is looked at (429, 5xx …). */
  forced: Array<{ status: number; headers?: Record<string, string>; body?: string }>;
  hookUrl(id: string): string;
  close(): Promise<void>;
}

const appError = (id: string, message: string, status: number) => JSON.stringify({ id, message, detailed_error: '', request_id: 'fake', status_code: status });

export async function startMattermostFake(): Promise<MattermostFake> {
  const fake: MattermostFake = {
    url: '',
    posts: [],
    hooks: new Set(),
    forced: [],
    hookUrl: (id) => `${fake.url}/hooks/${id}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': status === 200 ? 'text/plain' : 'application/json', ...headers });
        res.end(body);
      };
      const forced = fake.forced.shift();
      if (forced) return send(forced.status, forced.body ?? '', forced.headers);
      const m = /^\/hooks\/([a-z0-9]+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return send(404, appError('api.context.404.app_error', 'Sorry, we could not find the page.', 404));
      if (!fake.hooks.has(m[1]!)) return send(400, appError('web.incoming_webhook.invalid.app_error', 'Invalid webhook.', 400));
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = String(req.headers['content-type'] ?? '');
      let payload: { text?: unknown; attachments?: unknown };
      try {
        payload = JSON.parse(type.startsWith('application/json') ? raw : (new URLSearchParams(raw).get('payload') ?? ''));
      } catch {
        return send(400, appError('web.incoming_webhook.parse.app_error', 'Unable to parse incoming data.', 400));
      }
      const text = typeof payload.text === 'string' ? payload.text : '';
      const attachments = Array.isArray(payload.attachments) ? payload.attachments : [];
      if (text === '' && attachments.length === 0) return send(400, appError('web.incoming_webhook.text.app_error', 'No text specified.', 400));
      fake.posts.push({ hook: m[1]!, text, attachments, contentType: type });
      send(200, 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
