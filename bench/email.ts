// E-mail benchmark: messages per second accepted (250 after the raw copy is committed) and
// processed end to end (parsed, matched by a check's rules, job stored and visible through the
// API), with 6 and with 20 concurrent SMTP connections sending realistic 20 kB status mails to a
// real `keepwatch serve` child process; beside the bare SMTP-accept ceiling (smtp-baseline.ts)
// loaded by the same client in the same run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startBenchServer } from './server.ts';
import { BenchSmtp } from './smtp-client.ts';

export interface EmailRun {
  connections: number;
  messages: number;
  acceptedPerSec: number;
  endToEndPerSec: number;
  seconds: { accepted: number; endToEnd: number };
}

export interface EmailBenchResult {
  messages: number;
  /** The bare smtp-server + SQLite insert ceiling, 20 connections. */
  ceilingPerSec: number;
  runs: EmailRun[];
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

/** Sends `messages` mails over `connections` pipelining connections; answers the seconds taken. */
async function send(port: number, messages: number, connections: number, raw: (i: number) => Buffer): Promise<number> {
  const clients = await Promise.all(Array.from({ length: connections }, () => BenchSmtp.open(port)));
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
  return (performance.now() - start) / 1000;
}

/** The bench's mail number `i`, as raw bytes. */
export function veeamStyleMail(i: number, prefix = 'bench', body = report(i).replace(/\n/g, '\r\n')): Buffer {
  return Buffer.from(
    `From: Veeam <veeam@bench.example>\r\nTo: backups@localhost\r\nSubject: [Success] Nightly ${i % 50}\r\nMessage-ID: <${prefix}-${i}@bench.example>\r\n` +
      `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  );
}

/** Bodies built once: the client's own encoding would otherwise be what is measured. */
function mails(prefix: string): (i: number) => Buffer {
  const bodies = Array.from({ length: 50 }, (_, i) => report(i).replace(/\n/g, '\r\n'));
  return (i) => veeamStyleMail(i, prefix, bodies[i % 50]!);
}

/** The bare ceiling: accepted messages per second of smtp-baseline.ts. */
async function ceiling(messages: number, connections: number): Promise<number> {
  const child = spawn(process.execPath, [new URL('./smtp-baseline.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`smtp baseline exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { smtpPort?: number };
        if (entry.smtpPort) resolve(entry.smtpPort);
      });
    });
    return messages / (await send(port, messages, connections, mails('base')));
  } finally {
    child.kill('SIGTERM');
  }
}

export async function keepwatch(messages: number, connections: number, nodeArgs: string[] = []): Promise<EmailRun> {
  const s = await startBenchServer({}, { nodeArgs });
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
    const start = performance.now();
    const accepted = await send(s.smtpPort, messages, connections, mails(`kw${connections}`));
    // End to end: every message processed and its job visible through the public API.
    for (;;) {
      const pending = await api(s.url, s.adminToken, 'GET', '/api/v1/emails?state=pending&limit=1');
      if (pending.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const endToEnd = (performance.now() - start) / 1000;
    const checks = await api(s.url, s.adminToken, 'GET', '/api/v1/checks?limit=100');
    const jobs = (await Promise.all(checks.items.map((c: { id: string; device_id: string }) => api(s.url, s.adminToken, 'GET', `/api/v1/devices/${c.device_id}/jobs?check=${c.id}&limit=1`)))) as Array<{ items: unknown[] }>;
    if (jobs.some((j) => j.items.length === 0)) throw new Error('a check received no job: the rules did not match');
    return { connections, messages, acceptedPerSec: messages / accepted, endToEndPerSec: messages / endToEnd, seconds: { accepted, endToEnd } };
  } finally {
    await s.stop();
  }
}

/** `nodeArgs` (e.g. `--cpu-prof`) apply to the 20-connection server only. */
export async function benchEmail(messages: number, nodeArgs: string[] = []): Promise<EmailBenchResult> {
  const ceilingPerSec = await ceiling(messages, 20);
  const runs = [await keepwatch(messages, 6), await keepwatch(messages, 20, nodeArgs)];
  return { messages, ceilingPerSec, runs };
}
