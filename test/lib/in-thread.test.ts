// src/lib/in-thread.ts: a compiled module's export called on a worker thread of its own — the
// answer (a Buffer as a Buffer), a failure as a rejection, and the in-line call where the module is
// not compiled. Then the evidence PDF drawn from dist/ (built by the global setup) off this thread.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type * as InThread from '../../src/lib/in-thread.js';
import { inThread as inThreadSrc } from '../../src/lib/in-thread.js';
import type * as ReviewReportModule from '../../src/reviews/report.js';

const CALLS = new URL('../fixtures/threads/calls.js', import.meta.url);
const notHere = async (..._args: unknown[]): Promise<never> => {
  throw new Error('called on this thread');
};

describe('inThread', () => {
  it('calls the export on another thread and answers what it answered', async () => {
    const r = await inThreadSrc(CALLS, 'where', notHere, 42);
    expect(r).toEqual({ threadId: expect.any(Number), x: 42 });
    expect((r as { threadId: number }).threadId).not.toBe(threadId);
  });

  it('gives a Buffer back as a Buffer', async () => {
    const b = await inThreadSrc(CALLS, 'bytes', notHere, 'héllo');
    expect(Buffer.isBuffer(b)).toBe(true);
    expect((b as Buffer).toString('utf8')).toBe('héllo');
  });

  it("rejects with the worker's error", async () => {
    await expect(inThreadSrc(CALLS, 'fails', notHere, 'no paper')).rejects.toThrow(/no paper/);
  });

  it('calls the function here when the module is not compiled JavaScript', async () => {
    const here = async (x: number) => ({ threadId, x });
    expect(await inThreadSrc(new URL('./missing.js', import.meta.url), 'where', here, 7)).toEqual({ threadId, x: 7 });
    expect(await inThreadSrc(new URL('./in-thread.test.ts', import.meta.url), 'where', here, 8)).toEqual({ threadId, x: 8 });
  });

  it('draws the evidence PDF from the built code on a worker thread', async () => {
    const dist = new URL('../../dist/', import.meta.url);
    const { inThread } = (await import(new URL('lib/in-thread.js', dist).href)) as typeof InThread;
    const report: Parameters<typeof ReviewReportModule.renderReviewPdf>[0] = {
      from: '2026-11-07',
      to: '2026-11-07',
      timezone: 'UTC',
      dueHour: 10,
      generatedAt: Date.parse('2026-11-08T12:00:00Z'),
      clientName: 'Thread Co',
      days: [{ day: '2026-11-07', dueAt: Date.parse('2026-11-08T10:00:00Z'), runs: 0, reviewed: 0, reviewedByDue: 0, verdict: null }],
      runs: [],
      runsTotal: 0,
    };
    const pdf = await inThread(new URL('reviews/report.js', dist), 'renderReviewPdf', notHere, report);
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect((pdf as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
