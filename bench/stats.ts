// Order statistics for the benchmarks' small samples.

/** The nearest-rank percentile (p in 0…100); NaN for no values. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

/** The median, averaging the middle two of an even count: with two rounds, their mean. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
