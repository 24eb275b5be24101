// Property test of the payment rules, end to end over HTTP against a real server and the
// sandbox PSP (PGlite by default, PostgreSQL with TEST_DATABASE_URL).
//
// Each run creates 8–15 orders and gives each a random script (pay with success / failure /
// pending, an under- or over-payment, capture or fail a pending payment, a second payment, a
// payment after expiry, one in the bill's last minute, a merchant refund, cancel, a new bill,
// a lookup), interleaves the scripts with global steps (move the ManualClock, run some jobs,
// PSP chaos: duplicate / reorder / delay, a recording proxy that withholds, fails or doubles
// deliveries, releases withheld ones late and out of order, replays old ones concurrently or
// after expiry), and runs the interleaving in small concurrent batches. Then every job is drained and, for every order:
//   - at most one counted capture, one payment.captured and one order.paid event, and they agree;
//   - every capture the PSP made is known, with a disposition; nothing else is;
//   - a counted capture has the order's total and is amount_paid; no mismatched amount counts;
//   - every extra capture is flagged (payment.extra_captured) and refunded (kind extra_capture,
//     succeeded, at the PSP too); it changes nothing else;
//   - every late or mismatched first capture sends the order to manual_review and, under the
//     default policy, is refunded (payment_status refunded, review.state refunded);
//   - amount_refunded = succeeded merchant refunds ≤ amount_paid, matching the PSP;
//   - an order nobody paid ends expired (or canceled), with nothing paid.
// And globally: every webhook the receiver got was answered 2xx (except deliberately stale
// replays: 401); every event id was stored once; a redelivery adds no event, no job, no row;
// no job died or is left due; no 5xx anywhere.
//
// Knobs: PAYMENTS_PROPERTY_RUNS (default 30), PAYMENTS_PROPERTY_BUDGET_S (default 240: no new run
// starts after it, so a loaded machine runs fewer instead of timing out), PAYMENTS_PROPERTY_SEED (replay a failure),
// PAYMENTS_PROPERTY_SHRINK=1 (shrink a counterexample; slow, and concurrency makes it flaky).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { DeferJob } from '../../src/platform/jobs/job-errors.ts';
import { lookupAttempt } from '../../src/modules/payments/payments.lookup.ts';
import { accountFor } from '../../src/modules/payments/payments.provider-accounts.ts';
import { jobHandlers } from '../../src/composition/job-handlers.ts';
import { enqueueJob } from '../../src/platform/jobs/jobs.repository.ts';
import { DEFAULT_TOLERANCE_SEC } from '../../src/adapters/providers/sandbox/sandbox.signature.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signSandboxPayload } from '../../packages/sandbox/src/psp/psp.signature.ts';
import { ensureSandboxPspAccount } from '../../packages/sandbox/src/psp/psp.repository.ts';
import { expectNo5xx } from '../support/e2e.ts';
import { sandboxPspAuth } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const NUM_RUNS = Number(process.env.PAYMENTS_PROPERTY_RUNS ?? 30);
const BUDGET_MS = Number(process.env.PAYMENTS_PROPERTY_BUDGET_S ?? 240) * 1000;
const SEED = process.env.PAYMENTS_PROPERTY_SEED === undefined ? undefined : Number(process.env.PAYMENTS_PROPERTY_SEED);
const SHRINK = process.env.PAYMENTS_PROPERTY_SHRINK === '1';
const MIN = 60_000;

// ---------------------------------------------------------------------------------------------
// Steps

type Amount = 'exact' | 'under' | 'over';
type OrderStep =
  | { k: 'pay'; outcome: 'success' | 'failure' | 'pending'; amount: Amount; old: boolean }
  | { k: 'capture' }
  | { k: 'fail' }
  | { k: 'extra'; amount: Amount }
  | { k: 'late'; amount: Amount }
  | { k: 'brink'; ms: number }
  | { k: 'refund'; full: boolean }
  | { k: 'cancel' }
  | { k: 'rebill' }
  | { k: 'lookup'; via: 'job' | 'direct' };

type GlobalStep =
  | { g: 'advance'; ms: number }
  | { g: 'jobs'; k: number; times: number }
  | { g: 'settle' }
  | { g: 'chaos'; duplicate: number; reorder: boolean; delay_ms: number }
  | { g: 'proxy'; withhold: number; fail: number; twins: boolean }
  | { g: 'release'; n: number; concurrent: boolean }
  | { g: 'replay'; n: number; concurrent: boolean; stale: boolean };

type Item = { order: number; step: OrderStep } | { order: null; step: GlobalStep };

const amountArb = fc.constantFrom<Amount>('exact', 'exact', 'exact', 'under', 'over');
const orderStepArb: fc.Arbitrary<OrderStep> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('pay' as const),
      outcome: fc.constantFrom('success' as const, 'success' as const, 'failure' as const, 'pending' as const, 'pending' as const),
      amount: amountArb,
      old: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ k: 'capture' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'fail' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('extra' as const), amount: amountArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('late' as const), amount: amountArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('brink' as const), ms: fc.integer({ min: 0, max: 1_500 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('refund' as const), full: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ k: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'rebill' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('lookup' as const), via: fc.constantFrom('job' as const, 'direct' as const) }) },
);
const globalStepArb: fc.Arbitrary<GlobalStep> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      g: fc.constant('advance' as const),
      ms: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(2_000, 5_000, MIN) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 10 * MIN }) },
        { weight: 1, arbitrary: fc.constantFrom(11 * MIN, 17 * MIN) },
      ),
    }),
  },
  { weight: 6, arbitrary: fc.record({ g: fc.constant('jobs' as const), k: fc.integer({ min: 1, max: 20 }), times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.constant({ g: 'settle' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      g: fc.constant('chaos' as const),
      duplicate: fc.constantFrom(0, 0.5, 1),
      reorder: fc.boolean(),
      delay_ms: fc.constantFrom(0, 0, 30_000, 20 * MIN),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ g: fc.constant('proxy' as const), withhold: fc.constantFrom(0, 0.3, 0.7), fail: fc.constantFrom(0, 0, 0.3), twins: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ g: fc.constant('release' as const), n: fc.integer({ min: 1, max: 6 }), concurrent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ g: fc.constant('replay' as const), n: fc.integer({ min: 1, max: 6 }), concurrent: fc.boolean(), stale: fc.boolean() }) },
);

const runArb = fc.record({
  scripts: fc.array(fc.array(orderStepArb, { minLength: 1, maxLength: 6 }), { minLength: 8, maxLength: 15 }),
  globals: fc.array(globalStepArb, { minLength: 4, maxLength: 24 }),
  expiresIn: fc.array(fc.constantFrom(600, 900, 3600), { minLength: 15, maxLength: 15 }),
  chaos: fc.record({ duplicate: fc.constantFrom(0, 0.5), reorder: fc.boolean(), delay_ms: fc.constantFrom(0, 0, 30_000) }),
  /** After each batch: the chance that some jobs run, and that the clock ticks a few seconds (a live system). */
  autoJobs: fc.constantFrom(0, 0.4, 0.8),
  autoTick: fc.constantFrom(0, 0.3, 0.6),
  seed: fc.integer(),
});
type Run = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

/** A small deterministic PRNG (mulberry32) for the choices made while a run executes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The recording proxy between the sandbox PSP and our webhook receiver

interface Delivery {
  n: number;
  eventId: string;
  type: string;
  body: Buffer;
  headers: Record<string, string>;
  /** forwarded: chatcart answered 2xx at least once; withheld: the PSP was told 200, chatcart has not seen it. */
  state: 'forwarded' | 'withheld' | 'refused';
}

interface ForwardResult {
  status: number;
  stored: number;
  duplicates: number;
  text: string;
}

class RecordingProxy {
  server!: http.Server;
  url = '';
  deliveries: Delivery[] = [];
  mode = { withhold: 0, fail: 0, twins: false };
  rnd: () => number = Math.random;
  /** Answers of chatcart that break the rules (non-2xx to a fresh, correctly signed delivery). */
  problems: string[] = [];
  /** How many times each PSP event id was stored by chatcart (must be ≤ 1). */
  stored = new Map<string, number>();

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.onDelivery(Buffer.concat(chunks), req.headers).then(
          ({ status, text }) => res.writeHead(status, { 'content-type': 'application/json' }).end(text),
          (e) => {
            this.problems.push(`proxy: ${String(e)}`);
            res.writeHead(502).end();
          },
        );
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async onDelivery(body: Buffer, h: http.IncomingHttpHeaders): Promise<{ status: number; text: string }> {
    const env = JSON.parse(body.toString('utf8')) as { id: string; type: string };
    const headers: Record<string, string> = {};
    for (const k of ['content-type', SIGNATURE_HEADER, EVENT_ID_HEADER, 'user-agent']) if (typeof h[k] === 'string') headers[k] = h[k] as string;
    const d: Delivery = { n: this.deliveries.length, eventId: env.id, type: env.type, body, headers, state: 'refused' };
    this.deliveries.push(d);
    const r = this.rnd();
    if (r < this.mode.fail) return { status: 503, text: '{"proxy":"failing on purpose"}' };
    if (r < this.mode.fail + this.mode.withhold) {
      d.state = 'withheld';
      return { status: 200, text: '{"proxy":"withheld"}' };
    }
    if (this.mode.twins) {
      // The same delivery twice at once: both must answer 2xx, and only one may store it.
      const [a, b] = await Promise.all([this.forward(d, headers, 'twin'), this.forward(d, headers, 'twin')]);
      if (a.status < 300 && b.status < 300) d.state = 'forwarded';
      return { status: a.status, text: a.text };
    }
    const a = await this.forward(d, headers, 'delivery');
    if (a.status < 300) d.state = 'forwarded';
    return { status: a.status, text: a.text };
  }

  /** Sends the recorded bytes to chatcart; records what it answered. */
  async forward(d: Delivery, headers: Record<string, string>, why: string, expect: 'ok' | 'stale' = 'ok'): Promise<ForwardResult> {
    const res = await fetch(this.target, { method: 'POST', headers, body: new Uint8Array(d.body) });
    const text = await res.text();
    let stored = 0;
    let duplicates = 0;
    try {
      const j = JSON.parse(text) as { stored?: number; duplicates?: number };
      stored = j.stored ?? 0;
      duplicates = j.duplicates ?? 0;
    } catch {
      /* an error page */
    }
    if (expect === 'ok' && (res.status < 200 || res.status >= 300))
      this.problems.push(`${why} of ${d.type} ${d.eventId} (#${d.n}) answered ${res.status}: ${text.slice(0, 300)}`);
    if (expect === 'stale' && res.status !== 401)
      this.problems.push(`stale ${why} of ${d.type} ${d.eventId} answered ${res.status}, not 401: ${text.slice(0, 200)}`);
    if (stored > 0) this.stored.set(d.eventId, (this.stored.get(d.eventId) ?? 0) + stored);
    return { status: res.status, stored, duplicates, text };
  }
}

// ---------------------------------------------------------------------------------------------
// The test harness

interface Attempt {
  paymentId: string;
  token: string;
  checkoutId?: string;
}

interface OrderT {
  idx: number;
  id: string;
  total: number;
  expiresAt: number;
  attempts: Attempt[];
  /** PSP payments still pending, oldest first (what `capture` / `fail` settle). */
  pending: string[];
  trace: string[];
}

let s: TestServer;
let proxy: RecordingProxy;
let pspAuth = '';
let webhookSecret = '';
let handledKinds: string[] = [];
const clock = new ManualClock(new Date('2026-03-02T09:00:00.250Z'));
let trace: string[] = [];
let problems: string[] = [];
let runNo = 0;
let keyNo = 0;

beforeAll(async () => {
  s = await startTestServer({ clock, env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' } });
  // The merchant's sandbox PSP account is provisioned on first use.
  const acc = await accountFor(s.ctx, s.merchantId, 'sandbox');
  if (!acc.ok) throw new Error(acc.error.message);
  pspAuth = await sandboxPspAuth(s);
  webhookSecret = (await ensureSandboxPspAccount(s.ctx.db, s.merchantId)).webhookSecret;
  handledKinds = Object.keys(jobHandlers(s.ctx));
  proxy = new RecordingProxy(`${s.base}/webhooks/providers/sandbox/${s.merchantId}`);
  await proxy.start();
  // The double posts only to this server's own addresses; the proxy stands in for its webhook route.
  s.ctx.ownOrigins.add(new URL(proxy.url).origin);
  const r = await psp('PUT', '/account/webhook', { url: proxy.url });
  if (r.status !== 200) throw new Error(`could not point the PSP at the proxy: ${r.status} ${JSON.stringify(r.body)}`);
});

afterAll(async () => {
  await proxy?.close();
  await s?.close();
});

async function psp(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.base}/sandbox/psp/v1${path}`, {
    method,
    headers: { authorization: pspAuth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

function note(o: OrderT | null, line: string) {
  const l = `[${new Date(clock.now()).toISOString().slice(11, 19)}] ${o ? `#${o.idx} ` : ''}${line}`;
  trace.push(l);
  o?.trace.push(l);
}

/** A status outside the expected set is a rule broken (and a 5xx always is). */
function expectStatus(what: string, status: number, allowed: number[], body: unknown) {
  if (!allowed.includes(status)) problems.push(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
}

async function runJobs(k: number, times = 1): Promise<number> {
  let n = 0;
  for (let i = 0; i < times; i++) n += await s.runner.runOnce(k);
  return n;
}

async function runUntilIdle(max = 200): Promise<void> {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(25)) === 0) return;
  problems.push(`jobs did not become idle after ${max} batches`);
}

const tokenOf = (url: string) => url.split('/pay/')[1]!;

async function createOrder(idx: number, expiresIn: number): Promise<OrderT> {
  const r = await s.api('/v1/orders', {
    body: sampleOrder({
      expires_in: expiresIn,
      send: false,
      customer: { wa_id: `91987650${String(runNo).padStart(2, '0')}${String(idx).padStart(2, '0')}`, name: 'Prop' },
    }),
  });
  if (r.status !== 201) throw new Error(`order create answered ${r.status}: ${JSON.stringify(r.body)}`);
  const o: OrderT = {
    idx,
    id: r.body.id,
    total: r.body.total,
    expiresAt: Date.parse(r.body.expires_at),
    attempts: [{ paymentId: r.body.payment.id, token: tokenOf(r.body.payment.url) }],
    pending: [],
    trace: [],
  };
  note(o, `created ${o.id} total ${o.total} expires in ${expiresIn}s`);
  return o;
}

/** Our hosted page's hand-over (creates the PSP checkout once); undefined when the bill is not open. */
async function checkoutOf(o: OrderT, a: Attempt): Promise<string | undefined> {
  if (a.checkoutId) return a.checkoutId;
  const res = await fetch(`${s.base}/pay/${a.token}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  const text = await res.text();
  if (res.status === 303) {
    a.checkoutId = res.headers.get('location')!.split('/').pop()!;
    note(o, `checkout ${a.checkoutId} for ${a.paymentId}`);
    return a.checkoutId;
  }
  expectStatus(
    `hand-over of ${o.id} (${a.paymentId}, ${Math.round((o.expiresAt - clock.now().getTime()) / 1000)} s before expiry)`,
    res.status,
    [409],
    text.replace(/\s+/g, ' ').slice(0, 300),
  );
  note(o, `hand-over refused ${res.status}`);
  return undefined;
}

function amountFor(o: OrderT, a: Amount): number | undefined {
  if (a === 'under') return o.total - 1 - (o.idx % 7) * 10;
  if (a === 'over') return o.total + 100;
  return undefined;
}

async function pay(o: OrderT, outcome: 'success' | 'failure' | 'pending', amount: Amount, old = false): Promise<string | undefined> {
  const a = old ? (o.attempts.find((x) => x.checkoutId) ?? o.attempts[0]!) : o.attempts.at(-1)!;
  const cid = await checkoutOf(o, a);
  if (!cid) return undefined;
  const value = amountFor(o, amount);
  const r = await psp('POST', `/checkouts/${cid}/pay`, { outcome, ...(value === undefined ? {} : { amount: value }) });
  expectStatus(`pay ${cid}`, r.status, [200, 400], r.body);
  if (r.status !== 200) {
    note(o, `pay ${outcome}/${amount} on ${cid}: ${r.body?.error?.code}`);
    return undefined;
  }
  note(o, `pay ${outcome}/${amount} on ${cid} → ${r.body.id} ${r.body.status} ${r.body.amount}`);
  if (r.body.status === 'pending') o.pending.push(r.body.id);
  return r.body.id;
}

async function settle(o: OrderT, to: 'capture' | 'fail', id = o.pending.shift()): Promise<void> {
  if (!id) return note(o, `${to}: nothing pending`);
  const r = await psp('POST', `/payments/${id}/${to}`);
  expectStatus(`${to} ${id}`, r.status, [200, 400], r.body);
  note(o, `${to} ${id}: ${r.status === 200 ? r.body.status : r.body?.error?.code}`);
}

/**
 * Moves the ManualClock. Provider lookups are throttled in real time (a shared token bucket);
 * after the test's clock jumps, the bucket a real clock would have refilled is refilled too.
 */
async function advance(ms: number) {
  clock.advance(ms);
  await s.ctx.db.query(`delete from rate_buckets where key like 'provider.lookup:%'`);
}

async function advanceTo(t: number) {
  const d = t - clock.now().getTime();
  if (d > 0) await advance(d);
}

async function runOrderStep(o: OrderT, st: OrderStep): Promise<void> {
  switch (st.k) {
    case 'pay':
      await pay(o, st.outcome, st.amount, st.old);
      return;
    case 'capture':
    case 'fail':
      return settle(o, st.k);
    case 'extra': {
      // A payment left pending, another that succeeds, then the pending one is captured too.
      const p = await pay(o, 'pending', st.amount);
      await pay(o, 'success', 'exact');
      if (p) await settle(o, 'capture', o.pending.splice(o.pending.indexOf(p), 1)[0]);
      return;
    }
    case 'late': {
      // Pending past the order's expiry and the grace period; the bank approves it afterwards.
      const p = await pay(o, 'pending', st.amount);
      await advanceTo(o.expiresAt + 16 * MIN + 1000);
      note(o, `late: clock past expiry + 16 min`);
      await runUntilIdle();
      if (p) await settle(o, 'capture', o.pending.splice(o.pending.indexOf(p), 1)[0]);
      return;
    }
    case 'brink': {
      // The customer pays in the bill's last minute (just over the 60 s our page still hands over with).
      await advanceTo(o.expiresAt - MIN - st.ms);
      note(o, `brink: ${Math.round((o.expiresAt - clock.now().getTime()) / 1000)} s before expiry`);
      await pay(o, 'success', 'exact');
      return;
    }
    case 'refund': {
      const r = await s.api(`/v1/orders/${o.id}/refunds`, {
        body: st.full ? {} : { amount: Math.max(1, Math.floor(o.total / 3)) },
        headers: { 'idempotency-key': `prop-${runNo}-${o.idx}-${++keyNo}` },
      });
      expectStatus(`refund of ${o.id}`, r.status, [201, 409, 400], r.body);
      note(o, `merchant refund ${st.full ? 'full' : 'part'}: ${r.status} ${r.status === 201 ? r.body.amount : r.body?.error?.code}`);
      return;
    }
    case 'cancel': {
      const r = await s.api(`/v1/orders/${o.id}/cancel`, { body: {} });
      expectStatus(`cancel of ${o.id}`, r.status, [200, 409], r.body);
      note(o, `cancel: ${r.status} ${r.status === 200 ? r.body.payment_status : r.body?.error?.code}`);
      return;
    }
    case 'rebill': {
      const r = await s.api(`/v1/orders/${o.id}/bill`, { body: { expires_in: 600 } });
      expectStatus(`bill of ${o.id}`, r.status, [200, 409], r.body);
      if (r.status === 200) {
        o.attempts.push({ paymentId: r.body.payment.id, token: tokenOf(r.body.payment.url) });
        o.expiresAt = Date.parse(r.body.expires_at);
      }
      note(o, `rebill: ${r.status} ${r.status === 200 ? r.body.payment.id : r.body?.error?.code}`);
      return;
    }
    case 'lookup': {
      const a = [...o.attempts].reverse().find((x) => x.checkoutId);
      if (!a) return note(o, 'lookup: no checkout yet');
      if (st.via === 'job') {
        await enqueueJob(s.ctx.db, {
          kind: 'payment.lookup',
          merchantId: s.merchantId,
          payload: { payment_id: a.paymentId },
          runAt: clock.now(),
          dedupeKey: `payment.lookup:${a.paymentId}:prop:${trace.length}`,
        });
        return note(o, `lookup job queued for ${a.paymentId}`);
      }
      try {
        const found = await lookupAttempt(s.ctx, s.merchantId, a.paymentId);
        note(o, `lookup ${a.paymentId}: ${found?.result?.payments.map((p) => `${p.providerPaymentId}=${p.status}`).join(' ') ?? 'none'}`);
      } catch (e) {
        // Lookups are throttled per provider account (in real time): a job would wait and retry.
        if (e instanceof DeferJob) note(o, `lookup ${a.paymentId}: deferred (${e.message})`);
        else problems.push(`direct lookup of ${a.paymentId} (${o.id}) threw: ${String(e)}`);
      }
      return;
    }
  }
}

function pick<T>(rnd: () => number, xs: T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** Headers for re-sending a recorded delivery now: the original ones while fresh, else re-signed like a PSP retry. */
function headersNow(d: Delivery): Record<string, string> {
  const t = Number(/t=(\d+)/.exec(d.headers[SIGNATURE_HEADER] ?? '')?.[1] ?? 0);
  const now = Math.floor(clock.now().getTime() / 1000);
  if (now - t < DEFAULT_TOLERANCE_SEC - 30) return d.headers;
  return { ...d.headers, [SIGNATURE_HEADER]: signSandboxPayload(webhookSecret, d.body, now) };
}

const isStale = (d: Delivery) =>
  Math.floor(clock.now().getTime() / 1000) - Number(/t=(\d+)/.exec(d.headers[SIGNATURE_HEADER] ?? '')?.[1] ?? 0) > DEFAULT_TOLERANCE_SEC + 5;

async function counts(): Promise<string> {
  const q = async (sql: string) => Number((await s.ctx.db.query<{ n: number }>(sql, [s.merchantId]))[0]!.n);
  return [
    await q(`select count(*)::int as n from events where merchant_id = $1`),
    await q(`select count(*)::int as n from jobs where merchant_id = $1`),
    await q(`select count(*)::int as n from provider_events where merchant_id = $1`),
    await q(`select count(*)::int as n from provider_payments where merchant_id = $1`),
    await q(`select count(*)::int as n from refunds where merchant_id = $1`),
  ].join('/');
}

async function runGlobalStep(st: GlobalStep, rnd: () => number): Promise<void> {
  switch (st.g) {
    case 'advance':
      await advance(st.ms);
      return note(null, `advance ${st.ms} ms`);
    case 'jobs': {
      const n = await runJobs(st.k, st.times);
      return note(null, `jobs ${st.k}×${st.times}: ran ${n}`);
    }
    case 'settle':
      // Time passes and every job runs: refunds settle at the PSP, their webhooks arrive.
      await runUntilIdle();
      await advance(3_000);
      await runUntilIdle();
      await advance(MIN);
      await runUntilIdle();
      return note(null, 'settle');
    case 'chaos': {
      const r = await psp('PUT', '/account/chaos', { duplicate: st.duplicate, reorder: st.reorder, delay_ms: st.delay_ms });
      expectStatus('chaos', r.status, [200], r.body);
      return note(null, `chaos ${JSON.stringify(r.body)}`);
    }
    case 'proxy':
      proxy.mode = { withhold: st.withhold, fail: st.fail, twins: st.twins };
      return note(null, `proxy ${JSON.stringify(proxy.mode)}`);
    case 'release': {
      const held = pick(
        rnd,
        proxy.deliveries.filter((d) => d.state === 'withheld'),
        st.n,
      );
      // A withheld delivery reaches chatcart for the first time, late and out of order.
      const one = async (d: Delivery) => {
        d.state = 'refused';
        const r = await proxy.forward(d, headersNow(d), 'release');
        if (r.status < 300) d.state = 'forwarded';
        note(null, `release ${d.type} ${d.eventId}: ${r.status} stored ${r.stored}`);
      };
      if (st.concurrent) await Promise.all(held.map(one));
      else for (const d of held) await one(d);
      return;
    }
    case 'replay': {
      // Redeliveries of what chatcart already accepted: 2xx, stored nothing, changed nothing.
      const seen = proxy.deliveries.filter((d) => d.state === 'forwarded');
      const chosen = pick(rnd, st.stale ? seen.filter(isStale) : seen, st.n);
      if (chosen.length === 0) return;
      const before = await counts();
      const one = async (d: Delivery) => {
        if (st.stale) {
          // The captured request itself, past the signature tolerance: refused, no effect.
          const r = await proxy.forward(d, d.headers, 'stale replay', 'stale');
          note(null, `stale replay ${d.type} ${d.eventId}: ${r.status}`);
          return;
        }
        const r = await proxy.forward(d, headersNow(d), 'replay');
        if (r.stored !== 0 || r.duplicates < 1) problems.push(`replay of ${d.type} ${d.eventId} stored ${r.stored}, duplicates ${r.duplicates}: ${r.text}`);
        note(null, `replay ${d.type} ${d.eventId}: ${r.status} stored ${r.stored}`);
      };
      if (st.concurrent) await Promise.all([...chosen, ...chosen.slice(0, 2)].map(one));
      else for (const d of chosen) await one(d);
      const after = await counts();
      if (before !== after) problems.push(`replays changed events/jobs/provider_events/provider_payments/refunds: ${before} → ${after}`);
      return;
    }
  }
}

/** Items that move the clock (or need a still world) run alone; the rest in small concurrent batches. */
const alone = (it: Item) => (it.order === null ? ['advance', 'replay', 'settle'].includes(it.step.g) : it.step.k === 'late' || it.step.k === 'brink');

function interleave(run: Run, rnd: () => number): Item[][] {
  const queues: Item[][] = run.scripts.map((steps, order) => steps.map((step) => ({ order, step })));
  queues.push(run.globals.map((step) => ({ order: null, step })));
  const items: Item[] = [];
  for (;;) {
    const open = queues.filter((q) => q.length > 0);
    if (open.length === 0) break;
    items.push(open[Math.floor(rnd() * open.length)]!.shift()!);
  }
  const batches: Item[][] = [];
  let cur: Item[] = [];
  let size = 1 + Math.floor(rnd() * 4);
  for (const it of items) {
    if (alone(it)) {
      if (cur.length) batches.push(cur);
      batches.push([it]);
      cur = [];
      continue;
    }
    cur.push(it);
    if (cur.length >= size) {
      batches.push(cur);
      cur = [];
      size = 1 + Math.floor(rnd() * 4);
    }
  }
  if (cur.length) batches.push(cur);
  return batches;
}

/** Everything settles: deliveries released, chaos off, the clock moved on until nothing is due. */
async function drain(rnd: () => number): Promise<void> {
  proxy.mode = { withhold: 0, fail: 0, twins: false };
  expectStatus('chaos off', (await psp('PUT', '/account/chaos', {})).status, [200], null);
  for (let round = 0; round < 8; round++) {
    const held = pick(
      rnd,
      proxy.deliveries.filter((d) => d.state === 'withheld'),
      Infinity,
    );
    for (let i = 0; i < held.length; i += 4) {
      await Promise.all(
        held.slice(i, i + 4).map(async (d) => {
          d.state = 'refused';
          const r = await proxy.forward(d, headersNow(d), 'release (drain)');
          if (r.status < 300) d.state = 'forwarded';
        }),
      );
    }
    await runUntilIdle();
    await advance(20 * MIN);
  }
  await runUntilIdle();
  // Jobs deferred by the provider lookup throttle run once it has tokens again.
  for (let i = 0; i < 100 && (await deferredJobs()) > 0; i++) {
    await advance(2_000);
    await runUntilIdle();
  }
}

async function deferredJobs(): Promise<number> {
  const rows = await s.ctx.db.query<{ n: number }>(
    `select count(*)::int as n from jobs where status = 'queued' and last_error like 'deferred:%' and kind = any($1::text[])`,
    [handledKinds],
  );
  return rows[0]!.n;
}

// ---------------------------------------------------------------------------------------------
// The invariants

async function checkOrder(o: OrderT): Promise<string[]> {
  const out: string[] = [];
  const fail = (m: string) => out.push(`${o.id} (#${o.idx}): ${m}`);
  const order = (await s.api(`/v1/orders/${o.id}`)).body;
  const pps = await s.ctx.db.query<{ provider_payment_id: string; amount: number; status: string; disposition: string | null; review_reason: string | null }>(
    `select * from provider_payments where order_id = $1 order by id`,
    [o.id],
  );
  const refunds = await s.ctx.db.query<{ id: string; kind: string; status: string; amount: number; provider_payment_id: string }>(
    `select * from refunds where order_id = $1 order by id`,
    [o.id],
  );
  const events = await s.ctx.db.query<{ type: string; data: any }>(`select type, data from events where order_id = $1 order by seq`, [o.id]);
  const count = (t: string) => events.filter((e) => e.type === t).length;

  // Ground truth at the PSP: every payment of every checkout of this order.
  const pspPayments: { id: string; status: string; amount: number; amount_refunded: number }[] = [];
  for (const a of o.attempts) {
    if (!a.checkoutId) continue;
    const c = await psp('GET', `/checkouts/${a.checkoutId}`);
    pspPayments.push(...c.body.payments);
  }
  const captured = pspPayments.filter((p) => p.status === 'captured' || p.status === 'refunded');

  // Every capture at the PSP is known, with a disposition; nothing else has one.
  for (const p of captured) {
    const pp = pps.find((x) => x.provider_payment_id === p.id);
    if (!pp?.disposition) fail(`PSP capture ${p.id} (${p.amount}) was never counted, flagged or reviewed (${pp ? `status ${pp.status}` : 'unknown'})`);
    else if (pp.amount !== p.amount) fail(`capture ${p.id}: amount ${pp.amount} recorded, ${p.amount} at the PSP`);
  }
  for (const pp of pps.filter((x) => x.disposition)) {
    if (!captured.some((p) => p.id === pp.provider_payment_id))
      fail(`${pp.provider_payment_id} has disposition ${pp.disposition} but was not captured at the PSP`);
  }

  // Exactly one counted capture per paid order, and the events agree.
  const counted = pps.filter((x) => x.disposition === 'counted');
  if (counted.length > 1) fail(`${counted.length} counted captures`);
  if (count('order.paid') > 1) fail(`${count('order.paid')} order.paid events`);
  if (count('payment.captured') !== counted.length || count('order.paid') !== counted.length) {
    fail(`counted ${counted.length}, payment.captured ${count('payment.captured')}, order.paid ${count('order.paid')}`);
  }

  const merchantRefunded = refunds.filter((r) => r.kind === 'merchant' && r.status === 'succeeded').reduce((n, r) => n + r.amount, 0);
  if (order.amount_refunded !== merchantRefunded) fail(`amount_refunded ${order.amount_refunded}, succeeded merchant refunds ${merchantRefunded}`);
  if (order.amount_refunded > order.amount_paid) fail(`amount_refunded ${order.amount_refunded} > amount_paid ${order.amount_paid}`);
  for (const r of refunds) if (r.status !== 'succeeded') fail(`refund ${r.id} (${r.kind}) is ${r.status}`);

  const reviews = pps.filter((x) => x.disposition === 'review');
  if (counted.length === 1) {
    const c = counted[0]!;
    if (c.amount !== order.total) fail(`counted capture ${c.provider_payment_id} of ${c.amount} ≠ total ${order.total}`);
    if (order.amount_paid !== c.amount) fail(`amount_paid ${order.amount_paid} ≠ counted ${c.amount}`);
    const want = order.amount_refunded === 0 ? 'paid' : order.amount_refunded >= order.amount_paid ? 'refunded' : 'partially_refunded';
    if (order.payment_status !== want) fail(`payment_status ${order.payment_status}, expected ${want}`);
    // A late capture after expiry or cancel is never counted. An order paid, fully refunded and
    // then canceled by the merchant is a legitimate history (cancel is refused only while paid).
    if (count('order.expired') > 0) fail('a counted capture on an order that expired');
    const at = (t: string) => events.findIndex((e) => e.type === t);
    if (count('order.canceled') > 0 && (at('order.canceled') < at('order.paid') || order.amount_refunded < order.amount_paid))
      fail('a counted capture on an order canceled before it was paid, or canceled without a full refund');
    if (reviews.length > 0) fail(`counted capture and ${reviews.length} reviewed capture(s)`);
    const pspC = captured.find((p) => p.id === c.provider_payment_id);
    if (pspC && pspC.amount_refunded !== order.amount_refunded)
      fail(`PSP refunded ${pspC.amount_refunded} of the counted capture, order says ${order.amount_refunded}`);
    const update = await s.ctx.db.query(
      `select 1 from jobs where kind = 'customer.order_update' and payload->>'order_id' = $1 and payload->>'update' = 'paid'`,
      [o.id],
    );
    if (update.length !== 1) fail(`${update.length} customer.order_update (paid) jobs`);
  } else {
    if (order.amount_paid !== 0) fail(`amount_paid ${order.amount_paid} without a counted capture`);
    if (reviews.length > 1) fail(`${reviews.length} reviewed captures (the first sends the order to review; later ones are extra)`);
    if (reviews.length === 1) {
      const rv = reviews[0]!;
      if (order.payment_status !== 'refunded')
        fail(`reviewed capture ${rv.provider_payment_id}: payment_status ${order.payment_status}, expected refunded (review policy refund)`);
      if (order.review?.provider_payment_id !== rv.provider_payment_id || order.review?.state !== 'refunded')
        fail(`review ${JSON.stringify(order.review)} does not show ${rv.provider_payment_id} refunded`);
      if (count('payment.manual_review') !== 1) fail(`${count('payment.manual_review')} payment.manual_review events`);
      const expected = rv.amount !== order.total ? ['amount_mismatch'] : ['paid_after_expiry', 'paid_after_cancel'];
      if (!expected.includes(rv.review_reason ?? '')) fail(`review reason ${rv.review_reason} for a capture of ${rv.amount} (total ${order.total})`);
    } else if (!['expired', 'canceled'].includes(order.payment_status) || order.status !== 'canceled') {
      fail(`nothing counted or reviewed, yet status ${order.status} / payment_status ${order.payment_status} after the drain`);
    }
  }

  // Every other capture is given back.
  for (const pp of pps.filter((x) => x.disposition === 'extra' || x.disposition === 'review')) {
    const kind = pp.disposition === 'extra' ? 'extra_capture' : 'review';
    const rs = refunds.filter((r) => r.provider_payment_id === pp.provider_payment_id && r.kind === kind);
    if (rs.length !== 1 || rs[0]!.status !== 'succeeded' || rs[0]!.amount !== pp.amount)
      fail(`${pp.disposition} capture ${pp.provider_payment_id} (${pp.amount}): refunds ${JSON.stringify(rs)}`);
    const p = captured.find((x) => x.id === pp.provider_payment_id);
    if (p && (p.status !== 'refunded' || p.amount_refunded !== p.amount))
      fail(`${pp.disposition} capture ${p.id} at the PSP: ${p.status}, refunded ${p.amount_refunded} of ${p.amount}`);
    if (pp.disposition === 'extra') {
      const flagged = events.filter((e) => e.type === 'payment.extra_captured' && e.data.provider_payment_id === pp.provider_payment_id).length;
      if (flagged !== 1) fail(`extra capture ${pp.provider_payment_id}: ${flagged} payment.extra_captured events`);
    }
  }
  const extraEvents = count('payment.extra_captured');
  if (extraEvents !== pps.filter((x) => x.disposition === 'extra').length)
    fail(`${extraEvents} payment.extra_captured events for ${pps.filter((x) => x.disposition === 'extra').length} extra captures`);
  return out;
}

async function checkRun(orders: OrderT[], deadBefore: Set<string>, firstDelivery: number): Promise<string[]> {
  const out: string[] = [];
  for (const o of orders) out.push(...(await checkOrder(o)));
  const dead = await s.ctx.db.query<{ id: string; kind: string; payload: unknown; last_error: string }>(
    `select id, kind, payload, last_error from jobs where status = 'dead'`,
  );
  for (const j of dead.filter((d) => !deadBefore.has(d.id))) out.push(`job ${j.kind} ${JSON.stringify(j.payload)} died: ${j.last_error}`);
  const due = await s.ctx.db.query<{ kind: string; payload: unknown; last_error: string | null }>(
    `select kind, payload, last_error from jobs where status in ('queued', 'running') and run_at <= $1 and kind = any($2::text[])`,
    [clock.now(), handledKinds],
  );
  for (const j of due) out.push(`job ${j.kind} ${JSON.stringify(j.payload)} still due after the drain (${j.last_error ?? 'no error'})`);
  const failing = await s.ctx.db.query<{ kind: string; payload: unknown; last_error: string }>(
    `select kind, payload, last_error from jobs where status = 'queued' and last_error is not null and last_error not like 'deferred:%' and kind = any($1::text[])`,
    [handledKinds],
  );
  for (const j of failing) out.push(`job ${j.kind} ${JSON.stringify(j.payload)} is failing: ${j.last_error}`);
  const unprocessed = await s.ctx.db.query<{ event_id: string }>(`select event_id from provider_events where merchant_id = $1 and status = 'received'`, [
    s.merchantId,
  ]);
  for (const e of unprocessed) out.push(`provider event ${e.event_id} was never processed`);
  for (const [id, n] of proxy.stored) if (n > 1) out.push(`PSP event ${id} was stored ${n} times`);
  // Every delivery the receiver answered 2xx to was stored exactly once (by one of its deliveries).
  for (const d of proxy.deliveries.slice(firstDelivery)) {
    if (d.state === 'forwarded' && proxy.stored.get(d.eventId) !== 1)
      out.push(`delivery #${d.n} ${d.type} ${d.eventId} was answered 2xx but stored ${proxy.stored.get(d.eventId) ?? 0} times`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('payment rules under random webhook interleavings (property)', () => {
  it(
    'every order ends with one counted capture at most, extras and mismatches refunded, amounts adding up',
    async () => {
      const started = Date.now();
      const timing = { steps: 0, drain: 0, check: 0 };
      const stats = { orders: 0, paid: 0, review: 0, extra: 0, expired: 0, canceled: 0, deliveries: 0, replays: 0 };
      await fc.assert(
        fc.asyncProperty(runArb, async (run) => {
          runNo++;
          trace = [];
          problems = [];
          const rnd = prng(run.seed);
          proxy.rnd = rnd;
          proxy.problems = [];
          proxy.mode = { withhold: 0, fail: 0, twins: false };
          await runUntilIdle();
          const deadBefore = new Set((await s.ctx.db.query<{ id: string }>(`select id from jobs where status = 'dead'`)).map((r) => r.id));
          const firstDelivery = proxy.deliveries.length;
          expectStatus('chaos', (await psp('PUT', '/account/chaos', run.chaos)).status, [200], null);

          const orders: OrderT[] = [];
          for (let i = 0; i < run.scripts.length; i++) orders.push(await createOrder(i, run.expiresIn[i]!));
          const t0 = Date.now();
          for (const batch of interleave(run, rnd)) {
            await Promise.all(
              batch.map(async (it) => {
                if (it.order === null) await runGlobalStep(it.step, rnd);
                else await runOrderStep(orders[it.order]!, it.step);
              }),
            );
            if (rnd() < run.autoTick) await advance(1000 + Math.floor(rnd() * 4000));
            if (rnd() < run.autoJobs) await runJobs(1 + Math.floor(rnd() * 10), 1 + Math.floor(rnd() * 2));
          }
          const t1 = Date.now();
          await drain(rnd);
          const t2 = Date.now();
          timing.steps += t1 - t0;
          timing.drain += t2 - t1;

          const broken = [...problems, ...proxy.problems, ...(await checkRun(orders, deadBefore, firstDelivery))];
          stats.orders += orders.length;
          stats.deliveries += proxy.deliveries.length - firstDelivery;
          stats.replays += trace.filter((l) => l.includes(' replay ')).length;
          for (const r of await s.ctx.db.query<{ disposition: string; n: number }>(
            `select disposition, count(*)::int as n from provider_payments where order_id = any($1::text[]) and disposition is not null group by disposition`,
            [orders.map((o) => o.id)],
          )) {
            if (r.disposition === 'counted') stats.paid += r.n;
            if (r.disposition === 'review') stats.review += r.n;
            if (r.disposition === 'extra') stats.extra += r.n;
          }
          for (const r of await s.ctx.db.query<{ payment_status: string; n: number }>(
            `select payment_status, count(*)::int as n from orders where id = any($1::text[]) group by payment_status`,
            [orders.map((o) => o.id)],
          )) {
            if (r.payment_status === 'expired') stats.expired += r.n;
            if (r.payment_status === 'canceled') stats.canceled += r.n;
          }
          timing.check += Date.now() - t2;
          if (broken.length > 0) {
            const bad = orders.filter((o) => broken.some((b) => b.includes(o.id)));
            throw new Error(
              [
                `${broken.length} rule(s) broken in run ${runNo}:`,
                ...broken.slice(0, 25).map((b) => `  - ${b}`),
                ...bad.slice(0, 3).flatMap((o) => [`trace of #${o.idx} ${o.id}:`, ...o.trace.map((l) => `    ${l}`)]),
                'last steps of the run:',
                ...trace.slice(-40).map((l) => `    ${l}`),
              ].join('\n'),
            );
          }
        }),
        {
          numRuns: NUM_RUNS,
          ...(SEED === undefined ? {} : { seed: SEED }),
          endOnFailure: !SHRINK,
          verbose: 1,
          // A time budget, not a deadline: runs started keep going; a slow machine just runs fewer.
          interruptAfterTimeLimit: BUDGET_MS,
          markInterruptAsFailure: false,
        },
      );
      await expectNo5xx(s);
      console.log(
        `payments property: ${runNo} of ${NUM_RUNS} runs within the budget, ${JSON.stringify(stats)}, ms ${JSON.stringify(timing)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      // The generators must actually reach the interesting paths.
      expect(stats.paid).toBeGreaterThan(0);
      expect(stats.extra).toBeGreaterThan(0);
      expect(stats.review).toBeGreaterThan(0);
      expect(stats.expired).toBeGreaterThan(0);
    },
    BUDGET_MS + 900_000,
  );
});
