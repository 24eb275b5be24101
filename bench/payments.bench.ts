// Verified payment events processed per second, end to end, on each database: a signed
// `payment.captured` webhook in → stored in the inbox → processed by the job workers → order
// paid → its customer.order_update job queued.
//
// Set-up (not measured): BENCH_PAYMENTS orders (default 500) are created through the API, each
// gets its checkout at the sandbox PSP through our hosted page's hand-over, and is paid at the
// PSP with the account's chaos set to drop=1, so the PSP records its events but delivers none.
// The pollers' lookups are pushed a day out, so only the webhooks verify the payments. The real
// `payment.captured` events are then read from the PSP's log and signed as the PSP signs them.
//
// Measured: all webhooks POSTed to /webhooks/providers/sandbox/{merchant} by BENCH_CONCURRENCY
// senders (default 16) while the server's own job workers (CHATCART_JOBS=on, default worker
// settings) process them, until every order is paid and its customer update is queued.
// Reported: events/s over that whole window, intake alone (webhooks/s, p50 / p99 of the POST),
// and the total time. A warm-up batch (a tenth, at most 50) runs first, unmeasured.
import { accountFor } from '../src/modules/payments/payments.provider-accounts.ts';
import { SIGNATURE_HEADER, EVENT_ID_HEADER, signSandboxPayload } from '../packages/sandbox/src/psp/psp.signature.ts';
import { ensureSandboxPspAccount, listEvents } from '../packages/sandbox/src/psp/psp.repository.ts';
import { envelopeOf, serializeEnvelope } from '../packages/sandbox/src/psp/psp.webhooks.ts';
import { fmt, count, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { percentile } from './support/load.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';

/** Runs fn over items with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

interface Psp {
  auth: string;
  accountId: string;
  webhookSecret: string;
}

async function openPsp(s: BenchServer): Promise<Psp> {
  // Provisions the merchant's sandbox PSP account (chatcart's side and the PSP's) on first use.
  const acc = await accountFor(s.ctx, s.merchantId, 'sandbox');
  if (!acc.ok) throw new Error(acc.error.message);
  const a = await ensureSandboxPspAccount(s.ctx.db, s.merchantId);
  const psp = { auth: `Basic ${Buffer.from(`${a.keyId}:${a.keySecret}`).toString('base64')}`, accountId: a.accountId, webhookSecret: a.webhookSecret };
  // The PSP keeps its events but delivers none: the benchmark delivers them itself.
  await call(s, psp, 'PUT', '/account/chaos', { drop: 1 });
  return psp;
}

async function call(s: BenchServer, psp: Psp, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${s.url}/sandbox/psp/v1${path}`, {
    method,
    headers: { authorization: psp.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sandbox PSP ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

const ORDER_BODY = JSON.stringify({
  customer: { wa_id: '919876543210', name: 'Bench' },
  currency: 'INR',
  items: [
    { retailer_id: 'masala-chai', quantity: 2 },
    { name: 'Gift wrap', amount: 5000, quantity: 1 },
  ],
  tax: { amount: 1000, description: 'GST' },
  payment: { method: 'payment_link' },
  send: false,
});

interface Batch {
  orderIds: string[];
  /** Raw `payment.captured` bodies, as the PSP would send them. */
  bodies: { eventId: string; body: string }[];
}

/** The pollers must not verify anything while we measure the webhooks. */
async function pushPollsOut(s: BenchServer): Promise<void> {
  await s.ctx.db.query(`update jobs set run_at = run_at + interval '1 day' where kind = 'payment.poll' and status = 'queued'`);
}

async function prepare(s: BenchServer, psp: Psp, n: number, tag: string, concurrency: number): Promise<Batch> {
  const orders: { id: string; payUrl: string; checkoutId?: string; paymentId?: string }[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    async (i) => {
      const res = await fetch(`${s.url}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json', 'idempotency-key': `bench-pay-${tag}-${i}` },
        body: ORDER_BODY,
      });
      const o = (await res.json()) as any;
      if (res.status !== 201) throw new Error(`POST /v1/orders answered ${res.status}: ${JSON.stringify(o).slice(0, 200)}`);
      const go = await fetch(`${o.payment.url}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      });
      await go.text();
      if (go.status !== 303) throw new Error(`hand-over answered ${go.status}`);
      orders[i] = { id: o.id, payUrl: o.payment.url, checkoutId: go.headers.get('location')!.split('/').pop()! };
    },
  );
  await pushPollsOut(s);
  await pool(orders, concurrency, async (o) => {
    const p = await call(s, psp, 'POST', `/checkouts/${o.checkoutId}/pay`, { outcome: 'success' });
    o.paymentId = p.id;
  });
  await pushPollsOut(s);
  // The PSP's own record of each capture, exactly as it would have delivered it.
  const mine = new Set(orders.map((o) => o.paymentId));
  const events = (await listEvents(s.ctx.db, psp.accountId, { limit: n * 4 + 100, type: 'payment.captured' })).filter((e) =>
    mine.has(((e.payload['payment'] ?? {}) as { id?: string }).id),
  );
  if (events.length !== n) throw new Error(`expected ${n} payment.captured events at the PSP, found ${events.length}`);
  return { orderIds: orders.map((o) => o.id), bodies: events.map((e, i) => ({ eventId: e.id, body: serializeEnvelope(envelopeOf(e), i) })) };
}

interface Measured {
  n: number;
  /** Webhooks in → every order paid with its customer update queued. */
  seconds: number;
  intakeSeconds: number;
  latencies: Float64Array;
  errors: number;
  errorSamples: string[];
  paid: number;
  updates: number;
  alreadyPaid: number;
}

async function progress(s: BenchServer, orderIds: string[]): Promise<{ paid: number; updates: number }> {
  const paid = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from orders where id = any($1::text[]) and payment_status = 'paid'`, [orderIds]);
  const updates = await s.ctx.db.query<{ n: number }>(
    `select count(distinct payload->>'order_id')::int as n from jobs where kind = 'customer.order_update' and payload->>'update' = 'paid' and payload->>'order_id' = any($1::text[])`,
    [orderIds],
  );
  return { paid: paid[0]!.n, updates: updates[0]!.n };
}

async function measure(s: BenchServer, psp: Psp, batch: Batch, concurrency: number, timeoutMs: number): Promise<Measured> {
  const before = await progress(s, batch.orderIds);
  const target = `${s.url}/webhooks/providers/sandbox/${s.merchantId}`;
  const latencies: number[] = [];
  let errors = 0;
  const errorSamples = new Set<string>();
  const t0 = process.hrtime.bigint();
  await pool(batch.bodies, concurrency, async ({ eventId, body }) => {
    const start = process.hrtime.bigint();
    let failure: string | undefined;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signSandboxPayload(psp.webhookSecret, body, Math.floor(Date.now() / 1000)),
          [EVENT_ID_HEADER]: eventId,
        },
        body,
      });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('"stored":1')) failure = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (e) {
      failure = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    if (failure === undefined) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    else {
      errors++;
      if (errorSamples.size < 3) errorSamples.add(failure);
    }
  });
  const tIntake = process.hrtime.bigint();
  const n = batch.orderIds.length;
  let last = await progress(s, batch.orderIds);
  const deadline = Date.now() + timeoutMs;
  while ((last.paid < n || last.updates < n) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    last = await progress(s, batch.orderIds);
  }
  const t1 = process.hrtime.bigint();
  return {
    n,
    seconds: Number(t1 - t0) / 1e9,
    intakeSeconds: Number(tIntake - t0) / 1e9,
    latencies: Float64Array.from(latencies).sort(),
    errors,
    errorSamples: [...errorSamples],
    paid: last.paid,
    updates: last.updates,
    alreadyPaid: before.paid,
  };
}

export const paymentsBench: Bench = {
  name: 'payments',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const n = count('BENCH_PAYMENTS', 500);
    const warm = Math.min(50, Math.max(1, Math.ceil(n / 10)));
    const timeoutMs = Math.max(120, settings.seconds * 12) * 1000;
    const table: BenchTable = {
      title:
        `payments: ${n} signed payment.captured webhooks, ${settings.concurrency} senders, server job workers on; ` +
        `webhook in → order paid → customer update queued (warm-up: ${warm})`,
      columns: ['database', 'events/s', 'intake/s', 'intake p50 ms', 'intake p99 ms', 'total s', 'paid', 'errors'],
      rows: [],
      notes: [],
    };
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => {
          const psp = await openPsp(s);
          const started = Date.now();
          await measure(s, psp, await prepare(s, psp, warm, 'warm', settings.concurrency), settings.concurrency, timeoutMs);
          const batch = await prepare(s, psp, n, 'run', settings.concurrency);
          const setupSeconds = (Date.now() - started) / 1000;
          return { m: await measure(s, psp, batch, settings.concurrency, timeoutMs), setupSeconds, describe: s.describe };
        });
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        const { m } = out;
        const complete = m.paid === m.n && m.updates === m.n;
        table.rows.push([
          target.name,
          complete ? fmt(m.n / m.seconds, 1) : '-',
          fmt(m.n / m.intakeSeconds, 1),
          fmt(percentile(m.latencies, 0.5), 2),
          fmt(percentile(m.latencies, 0.99), 2),
          fmt(m.seconds, 2),
          `${m.paid}/${m.n}`,
          m.errors,
        ]);
        table.notes.push(`${target.name}: ${out.describe}; set-up (orders, hand-overs, PSP payments, warm-up) took ${fmt(out.setupSeconds, 1)} s`);
        if (!complete) table.notes.push(`${target.name}: gave up after ${timeoutMs / 1000} s: ${m.paid} paid, ${m.updates} customer updates queued of ${m.n}`);
        if (m.alreadyPaid > 0)
          table.notes.push(
            `${target.name}: ${m.alreadyPaid} orders were paid before their webhook was sent (a lookup got there first): the rate is overstated`,
          );
        for (const e of m.errorSamples) table.notes.push(`${target.name}: error sample: ${e}`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', '-', '-', '-', 'failed']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
