// Parse + recognise throughput for the e-mail template path: every .eml fixture, parsed from raw
// bytes with parseEmail and handed to recognise(), in a loop on one core. The SMTP pipeline's
// end-to-end target is 1,000 messages/s on two cores; this is the per-message CPU share of it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type ParseModule = typeof import('../src/ingest/email/parse.ts');
type TemplatesModule = typeof import('../src/ingest/email/templates/index.ts');

export interface TemplateBenchResult {
  messages: number;
  parsePerSec: number;
  recognisePerSec: number;
  bothPerSec: number;
  recognised: number;
  /** recognise() on the 20 kB mail of the end-to-end bench, which no template knows: what every
   * rule-matched mail pays for the templates (each template's detect() on it). */
  unknownPerSec: number;
  /** The templates slowest to turn that mail down: what each adds to recognise(), µs. */
  slowest: Array<{ id: string; us: number }>;
}

const dist = (p: string) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));

export async function benchEmailTemplates(seconds: number): Promise<TemplateBenchResult> {
  const { parseEmail } = (await import(dist('ingest/email/parse.js'))) as ParseModule;
  const { recognise } = (await import(dist('ingest/email/templates/index.js'))) as TemplatesModule;
  const dir = fileURLToPath(new URL('../test/fixtures/email/', import.meta.url));
  const raws = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(dir + f));
  const parsed = await Promise.all(raws.map((r) => parseEmail(r)));
  const recognised = parsed.filter((m) => recognise(m) !== null).length;
  const budget = (seconds * 1000) / 3;

  const parsePerSec = await rate(budget, async (i) => {
    await parseEmail(raws[i % raws.length]!);
  });
  const recognisePerSec = await rate(budget, async (i) => {
    // A fresh object each time: the Veeam templates cache rendered HTML per message object.
    recognise({ ...parsed[i % parsed.length]! });
  });
  const bothPerSec = await rate(budget, async (i) => {
    recognise(await parseEmail(raws[i % raws.length]!));
  });
  const { veeamStyleMail } = await import('./email.ts');
  const unknown = await parseEmail(veeamStyleMail(0));
  const unknownPerSec = await rate(budget / 2, async () => {
    recognise({ ...unknown });
  });
  // Each template's share: recognise() with it, less recognise() without it. Timing a template's
  // detect() alone on a fresh copy would charge it the per-message work the templates share (the
  // keyword search, the reply test, the split into lines), which recognise() does once.
  const { TEMPLATES } = (await import(dist('ingest/email/templates/index.js'))) as TemplatesModule;
  const usPerMessage = () => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 100) {
      recognise({ ...unknown });
      n++;
    }
    return ((performance.now() - start) * 1000) / n;
  };
  const all = usPerMessage();
  const slowest = [...TEMPLATES]
    .map((t) => {
      const at = TEMPLATES.indexOf(t);
      TEMPLATES.splice(at, 1);
      try {
        return { id: t.id, us: Math.round(all - usPerMessage()) };
      } finally {
        TEMPLATES.splice(at, 0, t);
      }
    })
    .sort((a, b) => b.us - a.us)
    .slice(0, 5);
  return { messages: raws.length, parsePerSec, recognisePerSec, bothPerSec, recognised, unknownPerSec, slowest };
}

async function rate(ms: number, fn: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) await fn(n++);
  return n / ((performance.now() - start) / 1000);
}
