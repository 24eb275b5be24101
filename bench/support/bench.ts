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
