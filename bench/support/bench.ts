// What a benchmark file exports, and the shared settings bench/run.ts hands to each.
// A benchmark prints nothing itself: it returns a table, and run.ts prints every table the same way.

export interface BenchSettings {
  /** Measured seconds (BENCH_SECONDS, default 10). */
  seconds: number;
  /** Warm-up seconds before measuring (BENCH_WARMUP_SECONDS, default 2). */
  warmupSeconds: number;
  /** Concurrent workers (BENCH_CONCURRENCY, default 16). */
  concurrency: number;
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table: skips, error samples, where the data lived. */
  notes: string[];
}

export interface Bench {
  name: string;
  run(settings: BenchSettings): Promise<BenchTable>;
}

/** A number for a table cell, or '-' when there is none. */
export const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A positive whole number from the environment (BENCH_…), or the default. */
export function count(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}
