// better-sqlite3 answers synchronously, so an `await` on a repository never lets the server answer
// anyone else: a long read or computation over a whole estate gives the event loop a turn itself.

/** Resolves after the event loop has served what was waiting (I/O, timers). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls nextTurn once every `every` calls of the function it answers: for loops over many items. */
export function turnEvery(every: number): () => Promise<void> | undefined {
  let n = 0;
  return () => (++n % every === 0 ? nextTurn() : undefined);
}
