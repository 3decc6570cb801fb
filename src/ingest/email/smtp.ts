// The inbound SMTP listener (smtp-server). Recipients are checked at RCPT (550 for addresses no one
// receives at); a message is stored raw, durably, before the 250; parsing happens later, from the
// stored copy, so a crash loses nothing and a parser fix can re-run on stored mail.
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions } from 'smtp-server';
import type { EmailIntake } from './intake.js';
import type { Metrics } from '../../ops/metrics.js';
import type { AddressBook } from './addresses.js';

export interface SmtpOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** Required credentials; null: no AUTH. */
  auth: { user: string; password: string } | null;
  /** PEM key and certificate for STARTTLS; null: plain only. */
  tls: { key: Buffer; cert: Buffer } | null;
  maxRecipients?: number;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SmtpListener {
  private readonly server: SMTPServer;
  port = 0;

  constructor(
    private readonly options: SmtpOptions,
    private readonly addresses: AddressBook,
    private readonly intake: EmailIntake,
    private readonly logger: Logger,
    private readonly metrics: Metrics | null = null,
  ) {
    const auth = options.auth;
    const serverOptions: SMTPServerOptions = {
      name: 'keepwatch',
      banner: 'Keepwatch ready',
      logger: false,
      // No reverse DNS per connection: it costs a lookup (or a timeout, offline) and decides nothing.
      disableReverseLookup: true,
      size: options.maxBytes,
      authOptional: auth === null,
      // Without TLS, AUTH is allowed in the clear (a LAN relay); configure TLS for anything else.
      allowInsecureAuth: options.tls === null,
      disabledCommands: [...(auth ? [] : ['AUTH']), ...(options.tls ? [] : ['STARTTLS'])],
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
      closeTimeout: 5000,
      onAuth: (a, _session, cb) => {
        if (auth && a.username && a.password && same(a.username, auth.user) && same(a.password, auth.password)) {
          return cb(null, { user: a.username });
        }
        this.count('refused');
        cb(smtpError(535, 'authentication failed'));
      },
      onRcptTo: (address, session, cb) => {
        if (session.envelope.rcptTo.length >= (options.maxRecipients ?? 100)) return cb(smtpError(452, 'too many recipients'));
        this.addresses.resolve(address.address).then(
          (r) => {
            if (!r) this.count('refused');
            cb(r ? undefined : smtpError(550, `no mailbox here by that name: ${address.address}`));
          },
          (err) => {
            this.count('error');
            this.logger.error({ err }, 'recipient lookup failed');
            cb(smtpError(451, 'temporary failure, try again later'));
          },
        );
      },
      onData: (stream, session, cb) => this.receive(stream, session.envelope, cb),
    };
    this.server = new SMTPServer(serverOptions);
    this.server.on('error', (err) => this.logger.warn({ err }, 'smtp connection error'));
    // SMTP is a dialogue of small lines: without this, Nagle's algorithm holds each reply back
    // waiting for the peer's delayed ACK, and a connection manages a few dozen messages a second.
    this.server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  }

  private receive(
    stream: SMTPServerDataStream,
    envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> },
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Past the limit, keep reading (the client is still sending) but stop keeping.
      size += chunk.length;
      if (size <= this.options.maxBytes) chunks.push(chunk);
    });
    stream.on('error', (err) => cb(err));
    stream.on('end', () => {
      if (stream.sizeExceeded || size > this.options.maxBytes) {
        this.count('refused');
        return cb(smtpError(552, `message exceeds the maximum size of ${this.options.maxBytes} bytes`));
      }
      this.intake
        .store({
          transport: 'smtp',
          mailboxId: null,
          remoteKey: null,
          envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : null,
          envelopeTo: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks, size),
        })
        .then(
          (id) => {
            this.count('accepted');
            cb(null, `stored as ${id}`);
          },
          (err) => {
            this.count('error');
            this.logger.error({ err }, 'storing an inbound message failed');
            cb(smtpError(451, 'could not store the message, try again later'));
          },
        );
    });
  }

  private count(outcome: 'accepted' | 'refused' | 'error'): void {
    this.metrics?.smtpMessages.inc({ outcome });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Stops accepting; connections in the middle of a message get up to 5 s to finish. */
  close(): Promise<void> {
    // smtp-server's close() waits out its close timeout even when it never listened (CLI commands).
    if (!this.server.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
