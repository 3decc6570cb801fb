// Runs in a worker thread: MIME parsing and the product templates, the CPU-heavy part of
// processing a message, off the thread that serves SMTP, HTTP and the database.
import { parentPort } from 'node:worker_threads';
import { analyse } from './parsing.js';

parentPort?.on('message', async (req: { id: number; raw: Uint8Array; envelope: string[] }) => {
  try {
    const { mail, recognised } = await analyse(Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength), req.envelope);
    parentPort!.postMessage({ id: req.id, mail, template: recognised?.template.id ?? null, jobs: recognised?.jobs ?? null });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).message ?? String(err) });
  }
});
