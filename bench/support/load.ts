// A closed-loop load generator on Node's own fetch (undici): a fixed number of workers, each
// sending its next request as soon as the previous one answered, for a warm-up and then a
// measured window. Only requests that start inside the measured window count.

export interface LoadOptions {
  /** Builds the i-th request of a worker (distinct idempotency keys and so on). */
  request: (worker: number, i: number) => { url: string; init: RequestInit };
  /** The HTTP status a successful request answers with. */
  expectStatus: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Successful requests started in the measured window. */
  ok: number;
  /** Failed requests (other status or a network error) started in the measured window. */
  errors: number;
  /** The first few distinct error descriptions, to make a failure diagnosable. */
  errorSamples: string[];
  /** Latencies of the successful measured requests, in milliseconds. */
  latenciesMs: Float64Array;
  /** The measured window, in seconds. */
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Nearest-rank percentile of an ascending array (q in 0..1). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const NS_PER_MS = 1_000_000n;
  const start = process.hrtime.bigint();
  const measureFrom = start + BigInt(o.warmupMs) * NS_PER_MS;
  const stopAt = measureFrom + BigInt(o.durationMs) * NS_PER_MS;
  const latencies: number[] = [];
  let errors = 0;
  const errorSamples = new Set<string>();

  const worker = async (w: number) => {
    for (let i = 0; ; i++) {
      const t0 = process.hrtime.bigint();
      if (t0 >= stopAt) return;
      const { url, init } = o.request(w, i);
      let failure: string | undefined;
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        if (res.status !== o.expectStatus) failure = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      } catch (e) {
        failure = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      const t1 = process.hrtime.bigint();
      if (t0 < measureFrom) continue;
      if (failure === undefined) {
        latencies.push(Number(t1 - t0) / 1e6);
      } else {
        errors++;
        if (errorSamples.size < 3) errorSamples.add(failure);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));

  const sorted = Float64Array.from(latencies).sort();
  const seconds = o.durationMs / 1000;
  return {
    ok: sorted.length,
    errors,
    errorSamples: [...errorSamples],
    latenciesMs: sorted,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}
