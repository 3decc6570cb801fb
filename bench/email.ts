// E-mail benchmark: messages per second accepted (250 after the raw copy is committed) and
// processed end to end (parsed, matched by a check's rules, job stored), with 20 concurrent SMTP
// connections sending realistic 20 kB status mails to a real `keepwatch serve` child process.
import { startBenchServer } from './server.ts';
import { BenchSmtp } from './smtp-client.ts';

export interface EmailBenchResult {
  messages: number;
  acceptedPerSec: number;
  endToEndPerSec: number;
  seconds: { accepted: number; endToEnd: number };
}

/** A Veeam-style job report: a table of VMs, about 20 kB of text. */
function report(i: number): string {
  const rows: string[] = [];
  for (let vm = 0; rows.join('\n').length < 19_000; vm++) {
    rows.push(`VM-${String(vm).padStart(3, '0')}  Success  01:0${vm % 10}:12  01:2${vm % 10}:40  53.2 GB  transferred 1.2 GB  duration 0:20:28  no warnings`);
  }
  return `Backup job: Nightly ${i % 50}\nStatus: Success\nCreated by KW\\bench at 20/11/2026 01:00:00.\n\n${rows.join('\n')}\n`;
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function benchEmail(messages: number, connections = 20): Promise<EmailBenchResult> {
  const s = await startBenchServer();
  try {
    // 50 checks matched by rules, as a CheckCentral-style inbox would have.
    for (let j = 0; j < 50; j++) {
      await api(s.url, s.adminToken, 'POST', '/api/v1/checks', {
        name: `Nightly ${j}`,
        device: { name: `vm-host-${j}` },
        email: {
          match: [{ field: 'from', op: 'equals', value: 'veeam@bench.example' }, { field: 'subject', op: 'regex', value: `^\\[(Success|Warning|Failed)\\] Nightly ${j}$` }],
          status: [
            { field: 'subject', op: 'contains', value: '[failed]', status: 'failed' },
            { field: 'subject', op: 'contains', value: '[warning]', status: 'warning' },
            { field: 'body', name: 'Status', op: 'equals', value: 'Success', status: 'succeeded' },
          ],
        },
      });
    }
    // Built once: the client's own MIME encoding would otherwise be what is measured.
    const raw = (i: number) =>
      Buffer.from(
        `From: Veeam <veeam@bench.example>\r\nTo: backups@localhost\r\nSubject: [Success] Nightly ${i % 50}\r\nMessage-ID: <bench-${i}@bench.example>\r\n` +
          `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${bodies[i % 50]!.replace(/\n/g, '\r\n')}`,
      );
    const bodies = Array.from({ length: 50 }, (_, i) => report(i));
    const clients = await Promise.all(Array.from({ length: connections }, () => BenchSmtp.open(s.smtpPort)));
    const start = performance.now();
    let next = 0;
    const worker = async (client: BenchSmtp) => {
      while (next < messages) {
        const i = next++;
        await client.send('veeam@bench.example', 'backups@localhost', raw(i));
      }
      client.close();
    };
    await Promise.all(clients.map(worker));
    const accepted = (performance.now() - start) / 1000;
    for (;;) {
      const pending = await api(s.url, s.adminToken, 'GET', '/api/v1/emails?state=pending&limit=1');
      if (pending.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const endToEnd = (performance.now() - start) / 1000;
    const processed = await api(s.url, s.adminToken, 'GET', '/api/v1/emails?state=processed&limit=1');
    if (processed.items.length === 0) throw new Error('no message was processed: the rules did not match');
    return { messages, acceptedPerSec: messages / accepted, endToEndPerSec: messages / endToEnd, seconds: { accepted, endToEnd } };
  } finally {
    await s.stop();
  }
}
