// The pipeline's view of parsing: the MIME parser and the product templates, behind one small
// interface. In a built install the work runs on worker threads (ParsePool); where no compiled
// worker exists (tests running the TypeScript sources) it runs in-line, with the same result.
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MailParser } from './pipeline.js';
import { parseEmail } from './parse.js';
import { recognise, TEMPLATES } from './templates/index.js';
import type { ParsedEmail, Recognised, TemplateJob } from './templates/types.js';

export interface Analysis {
  mail: ParsedEmail;
  recognised: Recognised | null;
}

/** Parses and runs the templates; a template that throws is treated as not recognising the mail. */
export async function analyse(raw: Buffer, envelope: string[]): Promise<Analysis> {
  const mail = await parseEmail(raw, envelope);
  let recognised: Recognised | null = null;
  try {
    recognised = recognise(mail);
  } catch {
    recognised = null;
  }
  return { mail, recognised };
}

export const inlineParser: MailParser = { analyse };

type Reply = { id: number; mail: ParsedEmail; template: string | null; jobs: TemplateJob[] | null } | { id: number; error: string };

/** A few worker threads, started on first use (CLI commands never need them), messages handed
 * out round-robin. */
export class ParsePool implements MailParser {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (a: Analysis) => void; reject: (e: Error) => void }>();
  private next = 0;
  private seq = 0;

  constructor(
    private readonly size: number,
    private readonly script: URL,
  ) {}

  private start(): void {
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(this.script);
      w.unref();
      w.on('message', (r: Reply) => this.settle(r));
      // A crashed worker fails what it held; the pool starts afresh on the next message.
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        void this.close();
      });
      this.workers.push(w);
    }
  }

  analyse(raw: Buffer, envelope: string[]): Promise<Analysis> {
    if (this.workers.length === 0) this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[this.next++ % this.workers.length]!.postMessage({ id, raw, envelope });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('error' in r) {
      p.reject(new Error(r.error));
      return;
    }
    const template = r.template === null ? undefined : TEMPLATES.find((t) => t.id === r.template);
    p.resolve({ mail: r.mail, recognised: template && r.jobs ? { template, jobs: r.jobs } : null });
  }
}

/** Worker threads when running compiled code (one per core but one: the main thread has its own work). */
export function defaultParser(): MailParser & { close?: () => Promise<void> } {
  const script = new URL('./parse-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js')) return inlineParser;
  return new ParsePool(Math.max(1, Math.min(4, cpus().length - 1)), script);
}
