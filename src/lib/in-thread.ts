// Work that would hold the thread serving every request for seconds — drawing a PDF with pdfkit,
// which works synchronously (a big estate's evidence report: 2,000 pages, 33 s) — runs on a
// worker thread of its own, started for the call and ended after it (such calls are rare; a
// thread starts in ~30 ms). Arguments and the answer cross by structured clone (a Buffer answer
// comes back as a Uint8Array, turned back into a Buffer here).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module)
  .then((m) => m[workerData.name](...workerData.args))
  .then(
    (value) => parentPort.postMessage({ value }),
    (err) => parentPort.postMessage({ error: (err && err.stack) || String(err) }),
  );
`;

/**
 * Calls the export `name` of the compiled module `module` with `args` on a new worker thread.
 * Where that module does not exist as JavaScript (tests running the TypeScript sources), `here`
 * is called on this thread instead, with the same arguments: the same function, imported.
 */
export function inThread<A extends unknown[], R>(module: URL, name: string, here: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  if (!module.pathname.endsWith('.js') || !existsSync(fileURLToPath(module))) return here(...args);
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: module.href, name, args } });
    worker.once('message', (m: { value?: unknown; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve((m.value instanceof Uint8Array && !Buffer.isBuffer(m.value) ? Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength) : m.value) as R);
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the worker thread for ${name} exited with ${code} before answering`));
      settled = true;
    });
  });
}
