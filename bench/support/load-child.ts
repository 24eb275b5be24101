// The load generator: autocannon, in a process of its own, so that the client's work does not
// compete with the server under test for the same event loop (Node's fetch in the bench process
// saturated near 1,400 requests/s and made the "bare handler" anchor the generator's limit).
//   node --import tsx bench/support/load-child.ts <spec.json>
// The spec names one URL and a list of prepared requests (body + headers), sent round-robin across
// all connections (so prepared bodies go out in order, as a provider would send them); with
// `uniqueHeader` every request also carries a fresh value in that header (idempotency keys).
// A warm-up run, then the measured run. Prints one JSON line: the summary, plus `answered`: every
// response with the expected status, warm-up included (to compare with what the server stored).
import fs from 'node:fs';
import autocannon from 'autocannon';

export interface ChildSpec {
  url: string;
  method?: 'POST' | 'GET';
  requests: { body?: string; headers: Record<string, string> }[];
  /** A header set to `<prefix>-<n>` with a fresh n for every request (e.g. 'idempotency-key'). */
  uniqueHeader?: string;
  expectStatus: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Send exactly this many requests (no warm-up), as fast as the server takes them, instead of a timed run. */
  amount?: number;
}

export interface ChildResult {
  ok: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  answered: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: load-child.ts <spec.json>\n');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as ChildSpec;
if (spec.requests.length === 0) throw new Error('no requests in the spec');

const prefix = `bench-${process.pid}-${Date.now().toString(36)}`;
let next = 0;
let answered = 0;
let measuring = false;
let unexpected = 0;
const errorSamples = new Set<string>();

const setupRequest = (req: any) => {
  const n = next++;
  const q = spec.requests[n % spec.requests.length]!;
  const headers = { ...q.headers };
  if (spec.uniqueHeader) headers[spec.uniqueHeader] = `${prefix}-${n}`;
  return { ...req, method: spec.method ?? 'POST', headers, body: q.body };
};
const onResponse = (status: number, body: string) => {
  if (status === spec.expectStatus) {
    answered++;
    return;
  }
  if (!measuring) return;
  unexpected++;
  if (errorSamples.size < 3) errorSamples.add(`HTTP ${status}: ${String(body).slice(0, 200)}`);
};

const run = (ms: number, amount?: number) =>
  autocannon({
    url: spec.url,
    connections: spec.concurrency,
    ...(amount ? { amount } : { duration: Math.max(1, Math.round(ms / 1000)) }),
    requests: [{ setupRequest, onResponse }],
  });

if (spec.warmupMs > 0 && !spec.amount) await run(spec.warmupMs);
measuring = true;
const r = await run(spec.durationMs, spec.amount);
const ok = r.requests.total - unexpected - r.errors;
const out: ChildResult = {
  ok,
  errors: unexpected + r.errors + r.timeouts,
  errorSamples: r.errors > 0 ? [...errorSamples, `${r.errors} connection errors, ${r.timeouts} timeouts`] : [...errorSamples],
  seconds: r.duration,
  perSecond: ok / r.duration,
  p50: r.latency.p50,
  p99: r.latency.p99,
  answered,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
