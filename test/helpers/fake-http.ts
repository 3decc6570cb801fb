// A small HTTP server for playing a vendor's API in tests: routes by method and path pattern,
// records every request, and answers forced failures (429 with Retry-After, 5xx) when told to.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  at: number;
}

export interface FakeAnswer {
  /** For a forced answer: only a request to this path gets it. */
  path?: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: FakeRequest, params: string[]) => FakeAnswer;

export interface FakeServer {
  url: string;
  requests: FakeRequest[];
  /** Answers queued here are given, in order, before any route runs. */
  forced: FakeAnswer[];
  route(method: string, pattern: RegExp, handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];
  const fake: FakeServer = {
    url: '',
    requests: [],
    forced: [],
    route(method, pattern, handler) {
      routes.push({ method, pattern, handler });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const answer = (res: ServerResponse, a: FakeAnswer) => {
    const text = a.body === undefined ? '' : JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        /* kept as text */
      }
      const r: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, at: Date.now() };
      fake.requests.push(r);
      const i = fake.forced.findIndex((f) => f.path === undefined || f.path === r.path);
      if (i >= 0) return answer(res, fake.forced.splice(i, 1)[0]!);
      for (const route of routes) {
        const m = route.method === r.method ? route.pattern.exec(r.path) : null;
        if (m) return answer(res, route.handler(r, m.slice(1)));
      }
      answer(res, { status: 404, body: { message: `no route for ${r.method} ${r.path}` } });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
