// The closed-loop load generator (load.ts) in a process of its own, so that the client's
// work (fetch, JSON, timers) does not compete with the server under test for the same event loop.
//   node --import tsx bench/support/load-child.ts <spec.json>
// The spec names one URL and a list of prepared requests (body + headers), sent round-robin.
// Prints one JSON line: the LoadResult without the latency array, plus `answered`: every
// response with the expected status, warm-up included (to compare with what the server stored).
import fs from 'node:fs';
import { runLoad } from './load.ts';

export interface ChildSpec {
  url: string;
  requests: { body: string; headers: Record<string, string> }[];
  expectStatus: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
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

let answered = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const res = await realFetch(input, init);
  if (res.status === spec.expectStatus) answered++;
  return res;
}) as typeof fetch;

let next = 0;
const r = await runLoad({
  concurrency: spec.concurrency,
  warmupMs: spec.warmupMs,
  durationMs: spec.durationMs,
  expectStatus: spec.expectStatus,
  request: () => {
    const q = spec.requests[next++ % spec.requests.length]!;
    return { url: spec.url, init: { method: 'POST', headers: q.headers, body: q.body } };
  },
});
const out: ChildResult = {
  ok: r.ok,
  errors: r.errors,
  errorSamples: r.errorSamples,
  seconds: r.seconds,
  perSecond: r.perSecond,
  p50: r.p50,
  p99: r.p99,
  answered,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
