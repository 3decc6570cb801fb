import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';

describe('GroupCommitter', () => {
  it('commits work submitted together in one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>({
      runBatch: async (items) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
      runOne: async (i) => i * 10,
    });
    const answers = await Promise.all([1, 2, 3].map((i) => gc.submit(i)));
    expect(answers).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives during a batch into the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const gc = new GroupCommitter<number, number>({
      runBatch: async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      runOne: async (i) => i,
    });
    const first = gc.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [gc.submit(2), gc.submit(3)];
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('when a batch fails, runs each alone so only the bad one fails', async () => {
    const gc = new GroupCommitter<number, number>({
      runBatch: async () => {
        throw new Error('batch failed');
      },
      runOne: async (i) => {
        if (i === 2) throw new Error('bad item');
        return i;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => gc.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('caps a batch by weight', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>({
      runBatch: async (items) => {
        batches.push(items);
        return items;
      },
      runOne: async (i) => i,
      weight: (i) => i,
      maxWeight: 5,
    });
    await Promise.all([3, 2, 4, 1].map((i) => gc.submit(i)));
    expect(batches).toEqual([[3, 2], [4, 1]]);
  });

  it('drains: resolves once everything submitted is answered', async () => {
    let done = 0;
    const gc = new GroupCommitter<number, number>({
      runBatch: async (items) => {
        await new Promise((r) => setTimeout(r, 5));
        done += items.length;
        return items;
      },
      runOne: async (i) => i,
    });
    void gc.submit(1);
    void gc.submit(2);
    await gc.drain();
    expect(done).toBe(2);
  });
});
