// A local stand-in for Microsoft Graph's mail API and the Entra ID token endpoint, following the
// documented shapes: client-credentials token, list a folder's messages, a message's MIME source
// (`$value`), folders by display name, create a folder, move a message.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeMessage {
  id: string;
  folder: string;
  mime: string;
  internetMessageId: string;
  to: string[];
}

export interface GraphFake {
  url: string;
  messages: FakeMessage[];
  folders: Map<string, string>;
  requests: string[];
  /** Answer this many moves with 503 (a failure between storing and moving). */
  failMoves: number;
  close(): Promise<void>;
}

const SECRET = 'graph-secret';
const TOKEN = 'fake-access-token';

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

export async function startGraphFake(mailbox: string): Promise<GraphFake> {
  const fake: GraphFake = { url: '', messages: [], folders: new Map([['inbox', 'inbox']]), requests: [], failMoves: 0, close: async () => {} };
  const prefix = `/v1.0/users/${encodeURIComponent(mailbox)}`;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    fake.requests.push(`${req.method} ${url.pathname}`);
    if (req.method === 'POST' && url.pathname === '/tenant-1/oauth2/v2.0/token') {
      const form = new URLSearchParams(await body(req));
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== SECRET) {
        return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      return json(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: TOKEN });
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    if (!url.pathname.startsWith(prefix)) return json(res, 404, { error: { code: 'ErrorInvalidUser', message: 'mailbox not found' } });
    const path = url.pathname.slice(prefix.length);
    if (req.method === 'GET' && path === '/mailFolders') {
      const name = /displayName eq '(.*)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
      const id = name ? fake.folders.get(name) : undefined;
      return json(res, 200, { value: id ? [{ id, displayName: name }] : [] });
    }
    if (req.method === 'POST' && path === '/mailFolders') {
      const { displayName } = JSON.parse(await body(req)) as { displayName: string };
      const id = `folder-${fake.folders.size}`;
      fake.folders.set(displayName, id);
      return json(res, 201, { id, displayName });
    }
    let m = /^\/mailFolders\/([^/]+)\/messages$/.exec(path);
    if (req.method === 'GET' && m) {
      const top = Number(url.searchParams.get('$top') ?? 10);
      const items = fake.messages.filter((x) => x.folder === decodeURIComponent(m![1]!)).slice(0, top);
      return json(res, 200, {
        value: items.map((x) => ({ id: x.id, internetMessageId: x.internetMessageId, toRecipients: x.to.map((a) => ({ emailAddress: { address: a } })), ccRecipients: [] })),
      });
    }
    m = /^\/messages\/([^/]+)\/\$value$/.exec(path);
    if (req.method === 'GET' && m) {
      const msg = fake.messages.find((x) => x.id === decodeURIComponent(m![1]!));
      if (!msg) return json(res, 404, { error: { code: 'ErrorItemNotFound', message: 'not found' } });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(msg.mime);
    }
    m = /^\/messages\/([^/]+)\/move$/.exec(path);
    if (req.method === 'POST' && m && fake.failMoves > 0) {
      fake.failMoves--;
      return json(res, 503, { error: { code: 'ServiceUnavailable', message: 'try again' } });
    }
    if (req.method === 'POST' && m) {
      const { destinationId } = JSON.parse(await body(req)) as { destinationId: string };
      const msg = fake.messages.find((x) => x.id === decodeURIComponent(m![1]!));
      if (!msg) return json(res, 404, { error: { code: 'ErrorItemNotFound', message: 'not found' } });
      // Graph gives the moved copy a new id.
      msg.folder = destinationId;
      msg.id = `${msg.id}-moved`;
      return json(res, 201, { id: msg.id });
    }
    json(res, 400, { error: { code: 'BadRequest', message: `unsupported ${req.method} ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

export const GRAPH_FAKE = { tenant: 'tenant-1', secret: SECRET };
