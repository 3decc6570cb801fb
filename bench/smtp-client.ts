// A minimal SMTP client for the benchmark: one connection, PIPELINING of MAIL/RCPT/DATA (as
// mail servers that relay to Keepwatch do), Nagle off. nodemailer would be the bottleneck here: it
// sends each command and waits, and re-encodes each message.
import { connect, type Socket } from 'node:net';

export class BenchSmtp {
  private buffer = '';
  private waiters: Array<(line: string) => void> = [];
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.buffer += d.toString('latin1');
      for (;;) {
        const i = this.buffer.indexOf('\r\n');
        if (i < 0) break;
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        // Multi-line replies (`250-…`) end with the line whose 4th character is a space.
        if (line[3] === '-') continue;
        this.waiters.shift()?.(line);
      }
    });
  }

  static async open(port: number): Promise<BenchSmtp> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new BenchSmtp(socket);
    await c.expect('220');
    socket.write('EHLO bench.example\r\n');
    await c.expect('250');
    return c;
  }

  private reply(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async expect(code: string): Promise<void> {
    const line = await this.reply();
    if (!line.startsWith(code)) throw new Error(`expected ${code}, got ${line}`);
  }

  /** Sends one message (CRLF line ends, no line starting with a dot); resolves on its 250. */
  async send(from: string, to: string, raw: Buffer): Promise<void> {
    const replies = [this.reply(), this.reply(), this.reply()];
    this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    const [mail, rcpt, data] = await Promise.all(replies);
    if (!mail!.startsWith('250') || !rcpt!.startsWith('250') || !data!.startsWith('354')) throw new Error(`refused: ${mail} / ${rcpt} / ${data}`);
    const done = this.reply();
    this.socket.write(Buffer.concat([raw, Buffer.from('\r\n.\r\n')]));
    const line = await done;
    if (!line.startsWith('250')) throw new Error(`not accepted: ${line}`);
  }

  close(): void {
    this.socket.end('QUIT\r\n');
  }
}
