// Stand-ins for the outside world of notifications, started by the test on 127.0.0.1: a real
// SMTP server (smtp-server) that parses what it accepts, and an HTTP server that plays a webhook
// receiver, Slack or Teams, answering what the test tells it to (documented status codes and bodies).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: ParsedMail['headers'];
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  at: number;
}

export interface SmtpSink {
  url: string;
  mails: SinkMail[];
  /** RCPT TO answers: return an SMTP code and text to refuse an address. */
  refuse: (address: string) => { code: number; message: string } | null;
  onMail: ((m: SinkMail) => void) | null;
  /** How long to wait before accepting a mail (its 250), in ms: to let a later one overtake it. */
  delay: (m: SinkMail) => number;
  /** Answers whether to greet a new connection; a connection not greeted hangs until it is cut. */
  greet: () => boolean;
  connections: number;
  waitFor(n: number, ms?: number): Promise<SinkMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    mails: [],
    refuse: () => null,
    onMail: null,
    delay: () => 0,
    greet: () => true,
    connections: 0,
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms;
      while (sink.mails.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} mails, got ${sink.mails.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sink.mails;
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      sink.connections++;
      if (sink.greet()) cb();
    },
    onRcptTo(address, _session, cb) {
      const refusal = sink.refuse(address.address);
      if (!refusal) return cb();
      const err = new Error(refusal.message) as Error & { responseCode: number };
      err.responseCode = refusal.code;
      return cb(err);
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: SinkMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            headers: parsed.headers,
            attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
            at: Date.now(),
          };
          return new Promise((r) => setTimeout(r, sink.delay(mail))).then(() => {
            sink.mails.push(mail);
            sink.onMail?.(mail);
            cb();
          });
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

export interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: any;
  at: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the request hangs until the connection is cut). */
  hang?: boolean;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** Requests answered with a 2xx. */
  accepted: Received[];
  respond: (r: Received) => Answer;
  waitFor(n: number, ms?: number, list?: 'received' | 'accepted'): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const open = new Set<ServerResponse>();
  const rx: HttpReceiver = {
    url: '',
    received: [],
    accepted: [],
    respond: () => ({ status: 200, body: 'ok' }),
    async waitFor(n, ms = 5000, list = 'accepted') {
      const until = Date.now() + ms;
      while (rx[list].length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} ${list} requests, got ${rx[list].length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return rx[list];
    },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON
      }
      const r: Received = { path: req.url ?? '', headers: req.headers as Record<string, string>, raw, body, at: Date.now() };
      rx.received.push(r);
      const a = rx.respond(r);
      if (a.hang) {
        open.add(res);
        return;
      }
      if (a.status >= 200 && a.status < 300) rx.accepted.push(r);
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  rx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return rx;
}
