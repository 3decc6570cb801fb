// The e-mail ceiling to measure against: a bare smtp-server that stores each message's raw bytes
// in a one-table better-sqlite3 database (WAL) before its 250, nothing else. Run in a child
// process and loaded by the same SMTP client as Keepwatch, in the same run.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';

const db = new Database(join(mkdtempSync(join(tmpdir(), 'kw-smtp-base-')), 'b.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE emails (id INTEGER PRIMARY KEY, envelope_to TEXT, raw BLOB)');
const insert = db.prepare('INSERT INTO emails (envelope_to, raw) VALUES (?, ?)');

const server = new SMTPServer({
  logger: false,
  disableReverseLookup: true,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      insert.run(JSON.stringify(session.envelope.rcptTo.map((r) => r.address)), Buffer.concat(chunks));
      cb(null, 'stored');
    });
  },
});
server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  const port = (server.server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ msg: 'smtp baseline is serving', smtpPort: port })}\n`);
});
