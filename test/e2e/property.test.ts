// Model-based property test: random sequences of merchant API calls against a real server
// (PGlite by default, PostgreSQL with TEST_DATABASE_URL), checked after every call against
// the contract's invariants and against a small in-test model of what should happen.
//
// The server (and so the catalog, the orders and the ManualClock) persists across fast-check
// runs: the model is global too and is fed from the server's answers, so runs that replay during
// shrinking still start from a state the model knows. Orders a failed run touched are marked
// tainted and left out of later model checks.
//
// Knobs: PROPERTY_RUNS (default 40), PROPERTY_SEED (replay a failure), PROPERTY_MAX_COMMANDS (25),
// PROPERTY_STATS=1 (print how many calls each route answered with each status, to see the coverage).
// Shrinking replays on the same, grown server, so counterexamples stay long: read the trace of the
// last calls that every failure message carries.
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { ORDER_REVIEW_ACCEPT_EXIT, ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus } from '../../src/domain/order/order.machine.ts';
import {
  ATTEMPT_STATUSES,
  ATTEMPT_TRANSITIONS,
  PAYMENT_STATUSES,
  PAYMENT_STATUS_TRANSITIONS,
  type AttemptStatus,
  type PaymentStatus,
} from '../../src/domain/payment/payment.machine.ts';
import { STATUS_OF } from '../../src/platform/http/errors.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const MAX_COMMANDS = Number(process.env.PROPERTY_MAX_COMMANDS ?? 25);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

// ---------------------------------------------------------------------------------------------
// The model

/** Currencies whose validity the model knows without asking the code under test. */
const VALID_CURRENCIES: ReadonlySet<string> = new Set(['INR', 'USD', 'JPY', 'KWD', 'EUR']);
const INVALID_CURRENCIES = ['ZZZ', 'inr', 'XAU', 'XTS', 'US', 'INRR'];
const MODEL_STATUSES = ['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled'];
const STATUS_EVENT_TYPES: ReadonlySet<string> = new Set(['order.created', 'order.status_changed', 'order.canceled', 'order.expired']);

interface ProductModel {
  retailer_id: string;
  price: number;
  currency: string;
  active: boolean;
}

interface OState {
  status: string;
  payment_status: string;
  /** The expected order.* event types, oldest first. */
  history: string[];
}

interface OrderModel extends OState {
  id: string;
  expiresAt: number;
  /** Last observed API body: the "previous GET" for transition checks. */
  last: any;
  tainted: boolean;
}

const catalog = new Map<string, ProductModel>();
const orders = new Map<string, OrderModel>();

interface Outcome {
  code: 200 | 400 | 409;
  next: OState;
  changed: boolean;
}

/**
 * The model of status posts, written from the contract rather than from the code's tables:
 * pending may go anywhere but back; processing / partially_shipped / shipped move among
 * themselves or to a terminal status; completed and canceled are terminal; re-posting the
 * current status is a 200 no-op; `canceled` means cancel.
 */
function modelStatus(st: OState, to: string, description?: string): Outcome {
  if (!MODEL_STATUSES.includes(to) || (description !== undefined && description.length > 120)) return { code: 400, next: st, changed: false };
  if (to === 'canceled') return modelCancel(st);
  if (st.status === to) return { code: 200, next: st, changed: false };
  if (st.status === 'completed' || st.status === 'canceled' || to === 'pending') return { code: 409, next: st, changed: false };
  return { code: 200, next: { ...st, status: to, history: [...st.history, 'order.status_changed'] }, changed: true };
}

function modelCancel(st: OState, reason?: string): Outcome {
  if (reason !== undefined && reason.length > 500) return { code: 400, next: st, changed: false };
  if (st.status === 'canceled') return { code: 200, next: st, changed: false };
  if (st.status === 'completed') return { code: 409, next: st, changed: false };
  // A payment pending or captured blocks a cancel (never reached here: no payments are made).
  if (['pending', 'paid', 'partially_refunded', 'manual_review'].includes(st.payment_status)) return { code: 409, next: st, changed: false };
  return { code: 200, next: { status: 'canceled', payment_status: 'canceled', history: [...st.history, 'order.canceled'] }, changed: true };
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);
const strLen = (s: unknown, min: number, max: number) => typeof s === 'string' && s.length >= min && s.length <= max;

function predictProduct(body: any): 201 | 400 | 409 {
  const valid =
    strLen(body.retailer_id, 1, 100) &&
    strLen(body.name, 1, 200) &&
    isInt(body.price) &&
    body.price >= 1 &&
    body.price <= MAX &&
    VALID_CURRENCIES.has(body.currency);
  if (!valid) return 400;
  return catalog.has(body.retailer_id) ? 409 : 201;
}

type Prediction = { ok: false; why: string } | { ok: true; subtotal: bigint; tax: bigint; shipping: bigint; discount: bigint; total: bigint; lines: bigint[] };

/** 201 or 400 for POST /v1/orders, and the totals when 201. */
function predictOrder(body: any): Prediction {
  const no = (why: string): Prediction => ({ ok: false, why });
  if (!/^\d{6,20}$/.test(String(body.customer?.wa_id))) return no('wa_id');
  if (!VALID_CURRENCIES.has(body.currency)) return no('currency');
  const items: any[] = body.items;
  if (items.length < 1 || items.length > 100) return no('item count');
  const adj: bigint[] = [];
  for (const k of ['tax', 'shipping', 'discount'] as const) {
    const a = body[k]?.amount ?? 0;
    if (!isInt(a) || a < 0) return no(k);
    adj.push(BigInt(a));
  }
  const [tax, shipping, discount] = adj as [bigint, bigint, bigint];
  const p = body.payment;
  const provider = p.provider ?? (p.method === 'payment_link' ? 'sandbox' : undefined);
  const providers: Record<string, string[]> = {
    payment_link: ['sandbox', 'razorpay', 'stripe'],
    whatsapp_gateway: ['razorpay', 'payu', 'billdesk', 'zaakpay', 'sandbox'],
    whatsapp_upi: ['sandbox'],
  };
  if (!providers[p.method] || !provider || !providers[p.method]!.includes(provider)) return no('payment route');
  if (p.method !== 'payment_link' && body.currency !== 'INR') return no('payment currency');
  if (body.expires_in !== undefined && !(isInt(body.expires_in) && body.expires_in >= 600 && body.expires_in <= 30 * 86_400)) return no('expires_in');

  const lines: bigint[] = [];
  let subtotal = 0n;
  for (const it of items) {
    if (!isInt(it.quantity) || it.quantity < 1 || it.quantity > 10_000) return no('quantity');
    if (it.amount !== undefined && !(isInt(it.amount) && it.amount >= 1)) return no('amount');
    if (it.sale_amount !== undefined && !(isInt(it.sale_amount) && it.sale_amount >= 1)) return no('sale_amount');
    if (it.name !== undefined && !strLen(it.name, 1, 60)) return no('name');
    if (it.retailer_id !== undefined && !strLen(it.retailer_id, 1, 100)) return no('retailer_id');
    const product = it.retailer_id !== undefined ? catalog.get(it.retailer_id) : undefined;
    let amount: number;
    if (product) {
      if (!product.active) return no('inactive product');
      if (product.currency !== body.currency) return no('product currency');
      if (it.amount !== undefined && it.amount !== product.price) return no('catalog price');
      amount = product.price;
    } else {
      if (it.name === undefined || it.amount === undefined) return no('ad-hoc item without name/amount');
      amount = it.amount;
    }
    let unit = amount;
    if (it.sale_amount !== undefined) {
      if (it.sale_amount >= amount) return no('sale not lower');
      unit = it.sale_amount;
    }
    const line = BigInt(unit) * BigInt(it.quantity);
    if (line > MAX_BIG) return no('line overflow');
    subtotal += line;
    if (subtotal > MAX_BIG) return no('subtotal overflow');
    lines.push(line);
  }
  if (subtotal + tax > MAX_BIG || subtotal + tax + shipping > MAX_BIG) return no('gross overflow');
  const gross = subtotal + tax + shipping;
  if (discount >= gross) return no('total not positive');
  return { ok: true, subtotal, tax, shipping, discount, total: gross - discount, lines };
}

// ---------------------------------------------------------------------------------------------
// Commands (plain records; orders are referenced by index into the run's orders)

type Amount = number;
type Sale = 'none' | 'lower' | 'equal' | 'higher';
type ItemSpec =
  | { k: 'catalog'; idx: number; match: boolean; qty: number; amountMode: 'none' | 'same' | 'other'; sale: Sale; name?: string | undefined }
  | { k: 'adhoc'; name: string; amount: Amount; qty: number; sale: Sale | number; rid?: string | undefined }
  | { k: 'missing'; rid: string; qty: number }
  | { k: 'noamount'; name: string; qty: number };
type DiscountSpec = { mode: 'none' } | { mode: 'abs'; amount: Amount } | { mode: 'rel'; rel: 'equal' | 'minus1' | 'plus1' | 'half' };
type Cmd =
  | { t: 'product'; rid: string; name: string; price: Amount; currency: string; active?: boolean | undefined }
  | {
      t: 'order';
      waId: string;
      currency: string;
      items: readonly ItemSpec[];
      tax?: Amount | undefined;
      shipping?: Amount | undefined;
      discount: DiscountSpec;
      payment: { method: string; provider?: string };
      expiresIn?: number | undefined;
      idem: boolean;
    }
  | { t: 'status'; o: number; status: string; description?: string | undefined }
  | { t: 'cancel'; o: number; reason?: string | undefined }
  | { t: 'race'; o: number; a: string; b: string }
  | { t: 'get'; o: number }
  | { t: 'events'; o: number; limit: number }
  | { t: 'list'; status?: string | undefined; payment_status?: string | undefined; limit?: number | undefined }
  | { t: 'unknown'; what: number }
  | { t: 'tick'; ms: number }
  | { t: 'pages'; limit: number }
  | { t: 'raceTick'; o: number; status: string; ms: number }
  | { t: 'dupCreate'; order: Extract<Cmd, { t: 'order' }> };

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const currencyArb = fc.oneof(w(6, fc.constant('INR')), w(4, fc.constantFrom('USD', 'JPY', 'KWD', 'EUR')), w(1, fc.constantFrom(...INVALID_CURRENCIES)));
const priceArb = fc.oneof(w(10, fc.integer({ min: 1, max: 200_000 })), w(1, fc.constantFrom(0, -100, 12.5, MAX, 2 ** 53, 1e14)));
const qtyArb = fc.oneof(w(10, fc.integer({ min: 1, max: 5 })), w(1, fc.constantFrom(0, -1, 1.5, 10_000, 10_001, 1e9, MAX)));
const adjArb = fc.option(fc.oneof(w(8, fc.integer({ min: 0, max: 5000 })), w(1, fc.constantFrom(-1, 1.5, MAX, 1e12))), { freq: 2, nil: undefined });
const nameArb = fc.oneof(w(12, fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,19}$/)), w(1, fc.constantFrom('', 'n'.repeat(61))));

const productCmd: fc.Arbitrary<Cmd> = fc.record({
  t: fc.constant('product' as const),
  rid: fc.oneof(
    w(
      3,
      fc.integer({ min: 0, max: 9 }).map((n) => `p-${n}`),
    ),
    w(
      6,
      fc.stringMatching(/^[a-z0-9_-]{1,12}$/).map((s) => `r-${s}`),
    ),
    w(1, fc.constantFrom('', 'x'.repeat(101), 'masala-chai')),
  ),
  name: fc.oneof(w(12, nameArb), w(1, fc.constant('n'.repeat(201)))),
  price: priceArb,
  currency: currencyArb,
  active: fc.oneof(w(3, fc.constant(undefined)), w(3, fc.constant(true)), w(1, fc.constant(false))),
});

/**
 * Order generators come in two flavours so that both paths get traffic: `clean` draws only
 * well-formed values (it still reaches 400 through inactive products, currency mismatches and
 * discounts that make the total non-positive), `noisy` mixes in malformed ones everywhere.
 */
function itemArbFor(noisy: boolean): fc.Arbitrary<ItemSpec> {
  const bad = noisy ? 1 : 0;
  const qty = noisy ? qtyArb : fc.integer({ min: 1, max: 5 });
  const price = noisy ? priceArb : fc.integer({ min: 1, max: 200_000 });
  const name = noisy ? nameArb : fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,19}$/);
  const arbs = [
    w(
      6,
      fc.record({
        k: fc.constant('catalog' as const),
        idx: fc.nat(1000),
        match: fc.oneof(w(8, fc.constant(true)), w(1, fc.constant(false))),
        qty,
        amountMode: fc.oneof(w(8, fc.constant('none' as const)), w(1, fc.constant('same' as const)), w(bad, fc.constant('other' as const))),
        sale: fc.oneof(w(8, fc.constant('none' as const)), w(1, fc.constant('lower' as const)), w(bad, fc.constantFrom('equal' as const, 'higher' as const))),
        name: fc.option(name, { freq: 4, nil: undefined }),
      }),
    ),
    w(
      4,
      fc.record({
        k: fc.constant('adhoc' as const),
        name,
        amount: price,
        qty,
        sale: fc.oneof(
          w(8, fc.constant('none' as const)),
          w(1, fc.constant('lower' as const)),
          w(bad, fc.constantFrom('equal' as const, 'higher' as const)),
          w(bad, fc.constantFrom(0, -1, 2.5)),
        ),
        rid: fc.option(
          fc.stringMatching(/^[a-z0-9]{1,8}$/).map((x) => `adhoc-${x}`),
          { freq: 4, nil: undefined },
        ),
      }),
    ),
  ] as fc.WeightedArbitrary<ItemSpec>[];
  if (noisy) {
    arbs.push(
      w(1, fc.record({ k: fc.constant('missing' as const), rid: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((x) => `missing-${x}`), qty })),
      w(1, fc.record({ k: fc.constant('noamount' as const), name, qty })),
    );
  }
  return fc.oneof(...arbs);
}

function orderArbFor(noisy: boolean): fc.Arbitrary<Cmd> {
  const bad = noisy ? 1 : 0;
  const adj = noisy ? adjArb : fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 2, nil: undefined });
  return fc.record({
    t: fc.constant('order' as const),
    waId: fc.oneof(w(6, fc.constant('919876543210')), w(3, fc.stringMatching(/^[1-9]\d{9,12}$/)), w(bad, fc.constantFrom('abc', '12345', '+919876543210'))),
    currency: noisy ? currencyArb : fc.oneof(w(6, fc.constant('INR')), w(4, fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'))),
    items: fc.oneof(w(20, fc.array(itemArbFor(noisy), { minLength: 1, maxLength: 3 })), w(bad, fc.constant([] as ItemSpec[]))),
    tax: adj,
    shipping: adj,
    discount: fc.oneof(
      w(6, fc.constant({ mode: 'none' as const })),
      w(2, fc.record({ mode: fc.constant('abs' as const), amount: fc.oneof(w(8, fc.integer({ min: 0, max: 5000 })), w(bad, fc.constantFrom(-1, 2.5, MAX))) })),
      w(2, fc.record({ mode: fc.constant('rel' as const), rel: fc.constantFrom('equal' as const, 'minus1' as const, 'plus1' as const, 'half' as const) })),
    ),
    payment: fc.oneof(
      w(12, fc.constant({ method: 'payment_link' })),
      w(2, fc.constant({ method: 'payment_link', provider: 'sandbox' })),
      w(2, fc.constant({ method: 'whatsapp_upi', provider: 'sandbox' })),
      w(
        bad,
        fc.constantFrom(
          { method: 'whatsapp_gateway' },
          { method: 'payment_link', provider: 'payu' },
          { method: 'bitcoin' },
          { method: 'whatsapp_gateway', provider: 'sandbox' },
        ),
      ),
    ),
    expiresIn: fc.oneof(w(4, fc.constant(undefined)), w(4, fc.constantFrom(600, 3600, 30 * 86_400)), w(bad, fc.constantFrom(599, 30 * 86_400 + 1, 1.5))),
    idem: fc.boolean(),
  });
}

const orderCmd = fc.oneof(w(3, orderArbFor(false)), w(2, orderArbFor(true)));

const statusArb = fc.oneof(w(12, fc.constantFrom(...ORDER_STATUSES)), w(1, fc.constantFrom('bogus', 'PENDING', '')));
const orderIdx = fc.nat(1000);

const commandArb: fc.Arbitrary<Cmd> = fc.oneof(
  w(2, productCmd),
  w(6, orderCmd),
  w(
    6,
    fc.record({
      t: fc.constant('status' as const),
      o: orderIdx,
      status: statusArb,
      description: fc.option(fc.constantFrom('on its way', 'd'.repeat(121)), { freq: 3, nil: undefined }),
    }),
  ),
  w(
    2,
    fc.record({
      t: fc.constant('cancel' as const),
      o: orderIdx,
      reason: fc.option(fc.constantFrom('customer asked', 'r'.repeat(501)), { freq: 3, nil: undefined }),
    }),
  ),
  w(2, fc.record({ t: fc.constant('race' as const), o: orderIdx, a: statusArb, b: statusArb })),
  w(1, fc.record({ t: fc.constant('get' as const), o: orderIdx })),
  w(1, fc.record({ t: fc.constant('events' as const), o: orderIdx, limit: fc.constantFrom(1, 20, 100, 0, 101) })),
  w(
    1,
    fc.record({
      t: fc.constant('list' as const),
      status: fc.option(statusArb, { freq: 2, nil: undefined }),
      payment_status: fc.option(fc.constantFrom('unpaid', 'canceled', 'expired', 'nope'), { freq: 3, nil: undefined }),
      limit: fc.option(fc.constantFrom(1, 5, 100, 0, 101), { freq: 2, nil: undefined }),
    }),
  ),
  w(1, fc.record({ t: fc.constant('unknown' as const), what: fc.nat(15) })),
  w(1, fc.record({ t: fc.constant('pages' as const), limit: fc.constantFrom(7, 50, 100) })),
  w(2, fc.record({ t: fc.constant('tick' as const), ms: fc.constantFrom(60_000, 600_000, 3_600_000, 86_400_000 + 1000, 31 * 86_400_000) })),
  w(
    1,
    fc.record({
      t: fc.constant('raceTick' as const),
      o: orderIdx,
      status: fc.constantFrom(...ORDER_STATUSES),
      ms: fc.constantFrom(600_000, 3_600_000, 86_400_000 + 1000),
    }),
  ),
  w(1, fc.record({ t: fc.constant('dupCreate' as const), order: orderCmd as fc.Arbitrary<Extract<Cmd, { t: 'order' }>> })),
);

// ---------------------------------------------------------------------------------------------
// The harness

let s: TestServer;
const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
let trace: string[] = [];
/** Orders the current run acted on or observed: tainted if the run fails. */
const touched = new Set<string>();
const stats = new Map<string, number>();

class InvariantError extends Error {}

function check(cond: unknown, msg: string, detail?: unknown): asserts cond {
  if (cond) return;
  const d = detail === undefined ? '' : `\n${JSON.stringify(detail, null, 1).slice(0, 4000)}`;
  throw new InvariantError(`${msg}${d}\n--- last calls:\n${trace.slice(-15).join('\n')}`);
}

type Res = { status: number; body: any; headers: Headers };

/** One API call with the invariants every response must satisfy. */
async function call(path: string, init: Parameters<TestServer['api']>[1] = {}): Promise<Res> {
  const r = await s.api(path, init);
  const method = init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET');
  const brief = init.body === undefined ? '' : ` ${JSON.stringify(init.body).slice(0, 400)}`;
  const route = `${method} ${path.replace(/ord_[0-9a-z]+/, ':id').split('?')[0]} → ${r.status}`;
  stats.set(route, (stats.get(route) ?? 0) + 1);
  trace.push(`${method} ${path}${brief} → ${r.status}${r.status >= 400 ? ` ${JSON.stringify(r.body).slice(0, 300)}` : ''}`);
  check(r.status < 500, `5xx from ${method} ${path}`, r.body);
  if (r.status >= 400) {
    const e = r.body?.error;
    check(e && typeof e === 'object' && Object.keys(r.body).length === 1, 'error body is not {error:{…}}', r.body);
    check((ERROR_CODES as readonly string[]).includes(e.code), `error code ${e.code} is not in the closed list`, r.body);
    check(typeof e.message === 'string' && e.message.length > 0, 'error without message', r.body);
    check(typeof e.request_id === 'string' && e.request_id.length > 0, 'error without request_id', r.body);
    check(
      Object.keys(e).every((k) => ['code', 'message', 'details', 'request_id'].includes(k)),
      'extra fields in the error envelope',
      r.body,
    );
    check(STATUS_OF[e.code as keyof typeof STATUS_OF] === r.status, `HTTP ${r.status} does not match code ${e.code}`, r.body);
  }
  if (r.body && typeof r.body === 'object' && r.body.object === 'order') checkOrderBody(r.body);
  return r;
}

function expectStatus(r: Res, expected: number | number[], what: string) {
  const ok = Array.isArray(expected) ? expected.includes(r.status) : r.status === expected;
  check(ok, `${what}: expected HTTP ${String(expected)}, got ${r.status}`, r.body);
}

/** total = subtotal + tax + shipping − discount; subtotal = Σ line_total; line_total = unit × quantity; total > 0. */
function checkOrderBody(o: any) {
  check(Array.isArray(o.items) && o.items.length > 0, 'order without items', o);
  let sub = 0n;
  for (const it of o.items) {
    for (const k of ['amount', 'quantity', 'line_total'] as const) check(isInt(it[k]) && it[k] > 0, `item ${k} is not a positive safe integer`, o);
    check(it.sale_amount === null || (isInt(it.sale_amount) && it.sale_amount > 0 && it.sale_amount < it.amount), 'bad sale_amount', o);
    check(BigInt(it.line_total) === BigInt(it.sale_amount ?? it.amount) * BigInt(it.quantity), 'line_total ≠ (sale_amount ?? amount) × quantity', o);
    sub += BigInt(it.line_total);
  }
  for (const k of ['subtotal', 'tax', 'shipping', 'discount', 'total'] as const) check(isInt(o[k]) && o[k] >= 0, `${k} is not a non-negative safe integer`, o);
  check(BigInt(o.subtotal) === sub, 'subtotal ≠ Σ line_total', o);
  check(BigInt(o.total) === sub + BigInt(o.tax) + BigInt(o.shipping) - BigInt(o.discount), 'total ≠ subtotal + tax + shipping − discount', o);
  check(o.total > 0, 'total is not positive', o);
  check((ORDER_STATUSES as readonly string[]).includes(o.status), `unknown status ${o.status}`, o);
  check((PAYMENT_STATUSES as readonly string[]).includes(o.payment_status), `unknown payment_status ${o.payment_status}`, o);
}

function orderMoveAllowed(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === ORDER_REVIEW_ACCEPT_EXIT.from && to === ORDER_REVIEW_ACCEPT_EXIT.to) return true;
  return (ORDER_TRANSITIONS[from as OrderStatus] ?? []).includes(to as OrderStatus);
}

function paymentMoveAllowed(from: string, to: string): boolean {
  return from === to || (PAYMENT_STATUS_TRANSITIONS[from as PaymentStatus] ?? []).includes(to as PaymentStatus);
}

/** A fresh observation of an order: compare with the previous one (allowed moves only) and with the model. */
function observe(m: OrderModel, body: any) {
  check(body.id === m.id, 'observed the wrong order', body);
  touched.add(m.id);
  checkOrderBody(body);
  const prev = m.last;
  check(orderMoveAllowed(prev.status, body.status), `observed status ${prev.status} → ${body.status}, not in ORDER_TRANSITIONS`, body);
  check(
    paymentMoveAllowed(prev.payment_status, body.payment_status),
    `observed payment_status ${prev.payment_status} → ${body.payment_status}, not in PAYMENT_STATUS_TRANSITIONS`,
    body,
  );
  for (const k of [
    'id',
    'currency',
    'items',
    'subtotal',
    'tax',
    'shipping',
    'discount',
    'total',
    'customer',
    'created_at',
    'expires_at',
    'metadata',
  ] as const) {
    check(isDeepStrictEqual(prev[k], body[k]), `order field ${k} changed after creation`, { before: prev[k], after: body[k] });
  }
  m.last = body;
  if (!m.tainted) {
    check(body.status === m.status, `model expected status ${m.status}, server says ${body.status}`, body);
    check(body.payment_status === m.payment_status, `model expected payment_status ${m.payment_status}, server says ${body.payment_status}`, body);
  }
}

async function getOrder(m: OrderModel): Promise<any> {
  const r = await call(`/v1/orders/${m.id}`);
  expectStatus(r, 200, 'GET order');
  return r.body;
}

async function getEvents(id: string): Promise<any[]> {
  const r = await call(`/v1/orders/${id}/events?limit=100`);
  expectStatus(r, 200, 'GET order events');
  check(r.body.has_more === false, 'more than 100 events on one order', r.body);
  return r.body.data;
}

/** seq 1..n gap-free, every status change in the log allowed, the status chain consistent, and the model's history. */
function checkEvents(m: OrderModel, events: any[], order: any, history: string[] | null = m.tainted ? null : m.history) {
  check(events.length > 0 && events[0].type === 'order.created', 'the timeline does not start with order.created', events);
  let status = 'pending';
  let payment = 'unpaid';
  events.forEach((e, i) => {
    check(e.order_id === m.id, 'an event of another order in the timeline', e);
    check(
      e.seq === i + 1,
      `event seq is not gap-free: position ${i + 1} has seq ${e.seq}`,
      events.map((x) => [x.seq, x.type]),
    );
    const prev = e.previous ?? {};
    const data = e.data ?? {};
    if (typeof e.type === 'string' && e.type.startsWith('order.') && data.status !== undefined) {
      check(prev.status === status, `event ${e.type} says previous.status ${prev.status}, the chain is at ${status}`, events);
      check(
        orderMoveAllowed(prev.status, data.status) && prev.status !== data.status,
        `event ${e.type}: ${prev.status} → ${data.status} is not an allowed change`,
        e,
      );
      status = data.status;
    }
    if (data.payment_status !== undefined) {
      if (prev.payment_status !== undefined) {
        check(prev.payment_status === payment, `event ${e.type} says previous.payment_status ${prev.payment_status}, the chain is at ${payment}`, events);
        check(
          paymentMoveAllowed(prev.payment_status, data.payment_status),
          `event ${e.type}: payment_status ${prev.payment_status} → ${data.payment_status} not allowed`,
          e,
        );
      }
      payment = data.payment_status;
    }
    if (typeof e.type === 'string' && e.type.startsWith('payment.')) {
      const to = e.type.slice('payment.'.length);
      if ((ATTEMPT_STATUSES as readonly string[]).includes(to) && prev.status !== undefined) {
        check(
          (ATTEMPT_TRANSITIONS[prev.status as AttemptStatus] ?? []).includes(to as AttemptStatus),
          `event ${e.type}: attempt ${prev.status} → ${to} not allowed`,
          e,
        );
      }
    }
  });
  check(status === order.status, `the event chain ends at ${status}, the order is ${order.status}`, { events, order });
  if (history) {
    const types = events.map((e) => e.type).filter((t) => STATUS_EVENT_TYPES.has(t));
    check(isDeepStrictEqual(types, history), 'the order.* events differ from the model history', { expected: history, got: types });
  }
}

/** GET the order and its events; check everything. */
async function inspect(m: OrderModel): Promise<{ order: any; events: any[] }> {
  const order = await getOrder(m);
  observe(m, order);
  const events = await getEvents(m.id);
  checkEvents(m, events, order);
  return { order, events };
}

async function runJobs() {
  for (let i = 0; ; i++) {
    check(i < 100, 'the job runner keeps finding due jobs (a loop?)');
    if ((await s.runner.runOnce(50)) === 0) return;
  }
}

function pickProduct(spec: Extract<ItemSpec, { k: 'catalog' }>, currency: string): ProductModel | undefined {
  const all = [...catalog.values()];
  const matching = all.filter((p) => p.currency === currency && p.active);
  const pool = spec.match && matching.length > 0 ? matching : all;
  return pool.length ? pool[spec.idx % pool.length] : undefined;
}

function buildOrderBody(cmd: Extract<Cmd, { t: 'order' }>): any {
  const items: any[] = cmd.items.map((spec) => {
    switch (spec.k) {
      case 'catalog': {
        const p = pickProduct(spec, cmd.currency)!;
        const it: any = { retailer_id: p.retailer_id, quantity: spec.qty };
        if (spec.name !== undefined) it.name = spec.name;
        if (spec.amountMode === 'same') it.amount = p.price;
        if (spec.amountMode === 'other') it.amount = p.price === 1 ? 2 : p.price - 1;
        if (spec.sale === 'lower') it.sale_amount = Math.floor(p.price / 2);
        if (spec.sale === 'equal') it.sale_amount = p.price;
        if (spec.sale === 'higher') it.sale_amount = p.price + 1;
        return it;
      }
      case 'adhoc': {
        const it: any = { name: spec.name, amount: spec.amount, quantity: spec.qty };
        if (typeof spec.sale === 'number') it.sale_amount = spec.sale;
        else if (spec.sale === 'lower') it.sale_amount = Math.floor(spec.amount / 2);
        else if (spec.sale === 'equal') it.sale_amount = spec.amount;
        else if (spec.sale === 'higher') it.sale_amount = spec.amount + 1;
        if (spec.rid !== undefined) it.retailer_id = spec.rid;
        return it;
      }
      case 'missing':
        return { retailer_id: spec.rid, quantity: spec.qty };
      case 'noamount':
        return { name: spec.name, quantity: spec.qty };
      default:
        throw new Error(`unknown item spec ${JSON.stringify(spec)}`);
    }
  });
  const body: any = { customer: { wa_id: cmd.waId, name: 'Prop Test' }, currency: cmd.currency, items, payment: cmd.payment, send: false };
  if (cmd.tax !== undefined) body.tax = { amount: cmd.tax, description: 'GST' };
  if (cmd.shipping !== undefined) body.shipping = { amount: cmd.shipping };
  if (cmd.expiresIn !== undefined) body.expires_in = cmd.expiresIn;
  if (cmd.discount.mode === 'abs') body.discount = { amount: cmd.discount.amount };
  if (cmd.discount.mode === 'rel') {
    // Relative to the gross the model computes, to hit total = 0, total < 0 and total = 1.
    const probe = predictOrder({ ...body, discount: undefined });
    const gross = probe.ok ? probe.subtotal + probe.tax + probe.shipping : 1000n;
    const d = { equal: gross, minus1: gross - 1n, plus1: gross + 1n, half: gross / 2n }[cmd.discount.rel];
    body.discount = { amount: Number(d), description: 'promo' };
  }
  return body;
}

async function doProduct(cmd: Extract<Cmd, { t: 'product' }>) {
  const body: any = { retailer_id: cmd.rid, name: cmd.name, price: cmd.price, currency: cmd.currency };
  if (cmd.active !== undefined) body.active = cmd.active;
  const expected = predictProduct(body);
  const r = await call('/v1/products', { body });
  if (r.status === 201)
    catalog.set(r.body.retailer_id, { retailer_id: r.body.retailer_id, price: r.body.price, currency: r.body.currency, active: r.body.active });
  expectStatus(r, expected, 'POST /v1/products');
  if (r.status === 201) {
    check(r.body.price === body.price && r.body.currency === body.currency && r.body.active === (body.active ?? true), 'product echoes other values', r.body);
  }
}

async function doOrder(cmd: Extract<Cmd, { t: 'order' }>, runOrders: string[]) {
  const body = buildOrderBody(cmd);
  const predicted = predictOrder(body);
  const key = cmd.idem ? `prop-${crypto.randomUUID()}` : undefined;
  const headers = key ? { 'idempotency-key': key } : undefined;
  const createdAt = clock.now().getTime();
  const r = await call('/v1/orders', { body, headers });
  if (r.status === 201) {
    const m: OrderModel = {
      id: r.body.id,
      status: 'pending',
      payment_status: 'unpaid',
      history: ['order.created'],
      expiresAt: Date.parse(r.body.expires_at),
      last: r.body,
      tainted: false,
    };
    orders.set(m.id, m);
    runOrders.push(m.id);
  }
  expectStatus(r, predicted.ok ? 201 : 400, `POST /v1/orders (model: ${predicted.ok ? 'valid' : predicted.why})`);
  if (r.status === 201 && predicted.ok) {
    const o = r.body;
    check(o.status === 'pending' && o.payment_status === 'unpaid', 'a new order is not pending/unpaid', o);
    check(
      BigInt(o.subtotal) === predicted.subtotal &&
        BigInt(o.tax) === predicted.tax &&
        BigInt(o.shipping) === predicted.shipping &&
        BigInt(o.discount) === predicted.discount &&
        BigInt(o.total) === predicted.total,
      'totals differ from the model',
      {
        predicted: {
          ...predicted,
          lines: predicted.lines.map(String),
          subtotal: String(predicted.subtotal),
          total: String(predicted.total),
          tax: String(predicted.tax),
          shipping: String(predicted.shipping),
          discount: String(predicted.discount),
        },
        got: o,
      },
    );
    check(
      isDeepStrictEqual(
        o.items.map((i: any) => BigInt(i.line_total)),
        predicted.lines,
      ),
      'line totals differ from the model',
      o.items,
    );
    check(o.currency === body.currency, 'currency not kept', o);
    check(Date.parse(o.expires_at) === createdAt + (body.expires_in ?? 86_400) * 1000, 'expires_at ≠ now + expires_in', {
      now: new Date(createdAt),
      got: o.expires_at,
    });
    check(o.payment && o.payment.status === 'created' && o.reference_id === o.payment.reference_id, 'a new order has no fresh payment attempt', o);
  }
  if (key) {
    const again = await call('/v1/orders', { body, headers });
    if (r.status === 201) {
      expectStatus(again, 201, 'idempotent replay');
      check(again.headers.get('idempotent-replayed') === 'true', 'replay without Idempotent-Replayed: true', again.body);
      check(isDeepStrictEqual(again.body, r.body), 'replay answered a different body', { first: r.body, replay: again.body });
      const other = await call('/v1/orders', { body: { ...body, metadata: { changed: 'yes' } }, headers });
      expectStatus(other, 422, 'same Idempotency-Key, other body');
      check(other.body.error.code === 'idempotency_key_mismatch', 'wrong code for a key reused with another body', other.body);
    } else {
      // A refused request stores nothing: the retry is evaluated afresh (same answer, no replay header).
      expectStatus(again, r.status, 'retry of a refused request');
      check(again.headers.get('idempotent-replayed') === null, 'a refused request was stored for replay', again.body);
    }
  }
  if (r.status === 201) await inspect(orders.get(r.body.id)!);
}

/** An order of this run; before the run has one, an untainted order of an earlier run. */
function pickOrder(idx: number, runOrders: string[]): OrderModel | undefined {
  const pool = runOrders.length ? runOrders : [...orders.values()].filter((m) => !m.tainted).map((m) => m.id);
  const id = pool.length ? pool[idx % pool.length] : undefined;
  if (id !== undefined) touched.add(id);
  return id === undefined ? undefined : orders.get(id);
}

/** A status post or cancel: the model predicts the HTTP status and the result; a refusal changes nothing. */
async function doAction(m: OrderModel, kind: 'status' | 'cancel', arg: { status?: string; description?: string | undefined; reason?: string | undefined }) {
  const before = await inspect(m);
  const outcome = kind === 'status' ? modelStatus(m, arg.status!, arg.description) : modelCancel(m, arg.reason);
  const r =
    kind === 'status'
      ? await call(`/v1/orders/${m.id}/status`, { body: { status: arg.status, ...(arg.description === undefined ? {} : { description: arg.description }) } })
      : await call(`/v1/orders/${m.id}/cancel`, { body: arg.reason === undefined ? {} : { reason: arg.reason } });
  if (r.status === 200 && outcome.code === 200) Object.assign(m, outcome.next);
  expectStatus(r, outcome.code, `${kind} ${m.status} → ${arg.status ?? 'canceled'} (model)`);
  if (r.status === 409) check(r.body.error.code === 'invalid_transition', 'a refused transition is not invalid_transition', r.body);
  const after = await inspect(m);
  if (r.status !== 200 || !outcome.changed) {
    // Rejected, or a no-op re-post: the order and its log are exactly as before.
    check(isDeepStrictEqual(after.order, before.order), `a ${r.status === 200 ? 'no-op' : 'rejected'} ${kind} changed the order`, {
      before: before.order,
      after: after.order,
    });
    check(
      after.events.length === before.events.length,
      `a ${r.status === 200 ? 'no-op' : 'rejected'} ${kind} added events`,
      after.events.slice(before.events.length),
    );
  }
  if (r.status === 200)
    check(isDeepStrictEqual(r.body, after.order), 'the action answered an order that differs from the next GET', { answered: r.body, get: after.order });
}

/** Two status posts at once: the outcome must match one of the two serial orders of the model. */
async function doRace(m: OrderModel, a: string, b: string) {
  const before = await inspect(m);
  const post = (to: string) =>
    to === 'canceled' && a !== b ? call(`/v1/orders/${m.id}/cancel`, { body: {} }) : call(`/v1/orders/${m.id}/status`, { body: { status: to } });
  const [ra, rb] = await Promise.all([post(a), post(b)]);
  const ab = (() => {
    const x = modelStatus(m, a);
    const y = modelStatus(x.next, b);
    return { codes: [x.code, y.code], next: y.next };
  })();
  const ba = (() => {
    const y = modelStatus(m, b);
    const x = modelStatus(y.next, a);
    return { codes: [x.code, y.code], next: x.next };
  })();
  const order = await getOrder(m);
  const events = await getEvents(m.id);
  const types = events.map((e) => e.type).filter((t) => STATUS_EVENT_TYPES.has(t));
  const fits = [ab, ba].filter(
    (c) =>
      c.codes[0] === ra.status &&
      c.codes[1] === rb.status &&
      c.next.status === order.status &&
      c.next.payment_status === order.payment_status &&
      isDeepStrictEqual(c.next.history, types),
  );
  check(fits.length > 0, `concurrent posts ${a} / ${b} from ${m.status}: no serial order explains HTTP ${ra.status}/${rb.status} ending at ${order.status}`, {
    ab,
    ba,
    got: { a: ra.status, b: rb.status, order: { status: order.status, payment_status: order.payment_status }, types },
  });
  Object.assign(m, fits[0]!.next);
  observe(m, order);
  checkEvents(m, events, order);
  if (ra.status !== 200 && rb.status !== 200)
    check(isDeepStrictEqual(order, before.order), 'two rejected posts changed the order', { before: before.order, after: order });
}

/** The expiry job, as the model sees it: an unpaid pending order past its expiry is canceled with payment_status expired. */
function modelExpire(st: OState, expiresAt: number, now: number): OState {
  if (st.status === 'pending' && st.payment_status === 'unpaid' && expiresAt <= now) {
    return { status: 'canceled', payment_status: 'expired', history: [...st.history, 'order.expired'] };
  }
  return st;
}

/** After the jobs ran: apply expiry to every modelled order and look at the ones it changed. */
async function expireInModel(except?: string) {
  const now = clock.now().getTime();
  for (const m of orders.values()) {
    if (m.tainted || m.id === except) continue;
    const next = modelExpire(m, m.expiresAt, now);
    if (next !== m) {
      Object.assign(m, next);
      await inspect(m);
    }
  }
}

async function doTick(ms: number) {
  clock.advance(ms);
  await runJobs();
  await expireInModel();
}

/** A status post racing the expiry job: the result must match one of the two serial orders. */
async function doRaceTick(m: OrderModel, to: string, ms: number) {
  await inspect(m);
  clock.advance(ms);
  const now = clock.now().getTime();
  const path = to === 'canceled' ? `/v1/orders/${m.id}/cancel` : `/v1/orders/${m.id}/status`;
  const [r] = await Promise.all([call(path, { body: to === 'canceled' ? {} : { status: to } }), runJobs()]);
  const postFirst = modelStatus(m, to);
  const expireFirst = modelStatus(modelExpire(m, m.expiresAt, now), to);
  const cands = [
    { code: postFirst.code, next: modelExpire(postFirst.next, m.expiresAt, now) },
    { code: expireFirst.code, next: expireFirst.next },
  ];
  const order = await getOrder(m);
  const events = await getEvents(m.id);
  const types = events.map((e) => e.type).filter((t) => STATUS_EVENT_TYPES.has(t));
  const fits = cands.filter(
    (c) => c.code === r.status && c.next.status === order.status && c.next.payment_status === order.payment_status && isDeepStrictEqual(c.next.history, types),
  );
  check(
    fits.length > 0,
    `${to} racing the expiry job from ${m.status}: no serial order explains HTTP ${r.status} ending at ${order.status}/${order.payment_status}`,
    { cands, got: { code: r.status, types } },
  );
  Object.assign(m, fits[0]!.next);
  observe(m, order);
  checkEvents(m, events, order);
  await expireInModel(m.id);
}

/** The same Idempotency-Key sent twice at once: one effect; the other waits its turn (409) or replays. */
async function doDupCreate(cmd: Extract<Cmd, { t: 'order' }>, runOrders: string[]) {
  const body = buildOrderBody(cmd);
  const predicted = predictOrder(body);
  const headers = { 'idempotency-key': `prop-dup-${crypto.randomUUID()}` };
  const rs = await Promise.all([call('/v1/orders', { body, headers }), call('/v1/orders', { body, headers })]);
  const created = rs.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
  for (const r of created) {
    const m: OrderModel = {
      id: r.body.id,
      status: 'pending',
      payment_status: 'unpaid',
      history: ['order.created'],
      expiresAt: Date.parse(r.body.expires_at),
      last: r.body,
      tainted: false,
    };
    orders.set(m.id, m);
    runOrders.push(m.id);
  }
  const statuses = rs.map((r) => r.status).sort();
  if (predicted.ok) {
    check(
      created.length === 1,
      `two concurrent requests with one Idempotency-Key created ${created.length} orders`,
      rs.map((r) => [r.status, r.body]),
    );
    for (const r of rs) {
      if (r === created[0]) continue;
      if (r.status === 201)
        check(
          isDeepStrictEqual(r.body, created[0]!.body),
          'the concurrent replay answered another body',
          rs.map((x) => x.body),
        );
      else
        check(
          r.status === 409 && r.body.error.code === 'idempotency_key_in_use',
          'the concurrent duplicate was neither replayed nor idempotency_key_in_use',
          r.body,
        );
    }
    const again = await call('/v1/orders', { body, headers });
    expectStatus(again, 201, 'replay after the concurrent pair');
    check(
      again.headers.get('idempotent-replayed') === 'true' && isDeepStrictEqual(again.body, created[0]!.body),
      'the replay after the pair differs',
      again.body,
    );
    await inspect(orders.get(created[0]!.body.id)!);
  } else {
    check(
      created.length === 0,
      `an invalid order (${predicted.why}) was created`,
      rs.map((r) => r.body),
    );
    check(
      rs.every((r) => r.status === 400 || (r.status === 409 && r.body.error.code === 'idempotency_key_in_use')),
      `invalid duplicate pair answered ${statuses.join('/')}`,
      rs.map((r) => r.body),
    );
  }
}

async function doList(cmd: Extract<Cmd, { t: 'list' }>) {
  const q = new URLSearchParams();
  if (cmd.status !== undefined) q.set('status', cmd.status);
  if (cmd.payment_status !== undefined) q.set('payment_status', cmd.payment_status);
  if (cmd.limit !== undefined) q.set('limit', String(cmd.limit));
  const valid =
    (cmd.status === undefined || MODEL_STATUSES.includes(cmd.status)) &&
    (cmd.payment_status === undefined || (PAYMENT_STATUSES as readonly string[]).includes(cmd.payment_status)) &&
    (cmd.limit === undefined || (cmd.limit >= 1 && cmd.limit <= 100));
  const r = await call(`/v1/orders?${q}`);
  expectStatus(r, valid ? 200 : 400, 'GET /v1/orders');
  if (r.status !== 200) return;
  check(Array.isArray(r.body.data) && typeof r.body.has_more === 'boolean', 'not a list', r.body);
  check(r.body.data.length <= (cmd.limit ?? 20), 'list longer than limit', r.body.data.length);
  for (const o of r.body.data) {
    if (cmd.status !== undefined) check(o.status === cmd.status, 'list filter by status leaked another status', o);
    if (cmd.payment_status !== undefined) check(o.payment_status === cmd.payment_status, 'list filter by payment_status leaked', o);
    const m = orders.get(o.id);
    if (m) observe(m, o);
  }
  const ids = r.body.data.map((o: any) => o.id);
  check(isDeepStrictEqual(ids, [...ids].sort().reverse()), 'list is not newest first', ids);
}

/** Walks every order with starting_after: newest first, no duplicates, every created order exactly once, all invariants. */
async function doPages(limit: number) {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; ; page++) {
    check(page < 1000, 'pagination does not end');
    const r = await call(`/v1/orders?limit=${limit}${after ? `&starting_after=${after}` : ''}`);
    expectStatus(r, 200, 'GET /v1/orders page');
    for (const o of r.body.data) {
      const m = orders.get(o.id);
      if (m) observe(m, o);
      else checkOrderBody(o);
      seen.push(o.id);
    }
    if (!r.body.has_more) break;
    check(r.body.data.length === limit, 'a page with has_more is not full', r.body.data.length);
    after = r.body.data.at(-1).id;
  }
  check(new Set(seen).size === seen.length, 'pagination repeated an order');
  check(isDeepStrictEqual(seen, [...seen].sort().reverse()), 'pagination is not newest first');
  const missing = [...orders.keys()].filter((id) => !seen.includes(id));
  check(missing.length === 0, 'created orders missing from the list', missing);
}

async function doUnknown(what: number) {
  const ghost = 'ord_00000000000000000000000000';
  const cases: [() => Promise<Res>, number, string][] = [
    [() => call(`/v1/orders/${ghost}`), 404, 'not_found'],
    [() => call(`/v1/orders/${ghost}/status`, { body: { status: 'processing' } }), 404, 'not_found'],
    [() => call(`/v1/orders/${ghost}/cancel`, { body: {} }), 404, 'not_found'],
    [() => call(`/v1/orders/${ghost}/events`), 404, 'not_found'],
    [() => call('/v1/orders/not-an-id'), 400, 'validation_error'],
    [() => call('/v1/orders', { rawBody: '{"customer":' }), 400, 'validation_error'],
    [() => call('/v1/orders', { body: {}, key: null }), 401, 'unauthorized'],
    [() => call('/v1/orders', { body: {}, key: 'sk_test_wrong' }), 401, 'unauthorized'],
    [() => call('/v1/orders', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
    [() => call('/v1/orders?limit=abc'), 400, 'validation_error'],
    [() => call('/v1/orders?status=pending&status=shipped'), 400, 'validation_error'],
    [() => call('/v1/orders?created_gte=yesterday'), 400, 'validation_error'],
    [() => call('/v1/orders', { body: {}, headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'validation_error'],
    [() => call(`/v1/orders/${ghost}/status`, { body: [] }), 400, 'validation_error'],
    [() => call('/v1/orders', { rawBody: '', headers: { 'content-type': 'application/json' } }), 400, 'validation_error'],
    [() => call(`/v1/orders/${ghost}/cancel`, { body: { reason: 'x', extra: 1 } }), 400, 'validation_error'],
  ];
  const [run, status, code] = cases[what % cases.length]!;
  const r = await run();
  expectStatus(r, status, 'unknown/malformed request');
  check(r.body.error.code === code, `expected ${code}`, r.body);
}

async function execute(cmd: Cmd, runOrders: string[]) {
  switch (cmd.t) {
    case 'product':
      return doProduct(cmd);
    case 'order':
      return doOrder(cmd, runOrders);
    case 'status': {
      const m = pickOrder(cmd.o, runOrders);
      return m && doAction(m, 'status', { status: cmd.status, description: cmd.description });
    }
    case 'cancel': {
      const m = pickOrder(cmd.o, runOrders);
      return m && doAction(m, 'cancel', { reason: cmd.reason });
    }
    case 'race': {
      const m = pickOrder(cmd.o, runOrders);
      // Invalid statuses are 400 before any lock; race only real ones.
      if (!m || !MODEL_STATUSES.includes(cmd.a) || !MODEL_STATUSES.includes(cmd.b)) return;
      return doRace(m, cmd.a, cmd.b);
    }
    case 'get': {
      const m = pickOrder(cmd.o, runOrders);
      return m && inspect(m);
    }
    case 'events': {
      const m = pickOrder(cmd.o, runOrders);
      if (!m) return;
      const r = await call(`/v1/events?order_id=${m.id}&limit=${cmd.limit}`);
      expectStatus(r, cmd.limit >= 1 && cmd.limit <= 100 ? 200 : 400, 'GET /v1/events');
      if (r.status === 200) {
        check(
          r.body.data.every((e: any) => e.order_id === m.id),
          '/v1/events?order_id leaked other orders',
          r.body,
        );
        const seqs = r.body.data.map((e: any) => e.seq);
        check(
          isDeepStrictEqual(
            seqs,
            [...seqs].sort((x: number, y: number) => y - x),
          ),
          '/v1/events is not newest first by seq',
          seqs,
        );
      }
      return;
    }
    case 'list':
      return doList(cmd);
    case 'unknown':
      return doUnknown(cmd.what);
    case 'pages':
      return doPages(cmd.limit);
    case 'tick':
      return doTick(cmd.ms);
    case 'raceTick': {
      const m = pickOrder(cmd.o, runOrders);
      return m ? doRaceTick(m, cmd.status, cmd.ms) : doTick(cmd.ms);
    }
    case 'dupCreate':
      return doDupCreate(cmd.order, runOrders);
  }
}

describe('property: random API sequences keep the contract invariants', () => {
  beforeAll(async () => {
    s = await startTestServer({ clock, jobs: false, env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' } });
    const r = await s.api('/v1/products?limit=100');
    for (const p of r.body.data) catalog.set(p.retailer_id, { retailer_id: p.retailer_id, price: p.price, currency: p.currency, active: p.active });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('never 5xx, envelopes, totals, allowed transitions, gap-free seq, refusals change nothing, model agrees', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }), async (cmds) => {
        runs++;
        trace = [];
        touched.clear();
        const runOrders: string[] = [];
        try {
          for (const cmd of cmds) await execute(cmd, runOrders);
          // End of run: every order of this run, with its whole timeline.
          for (const id of runOrders) await inspect(orders.get(id)!);
        } catch (e) {
          // The server may now be ahead of the model for these orders: stop modelling them.
          for (const id of [...runOrders, ...touched]) orders.get(id)!.tainted = true;
          throw e;
        }
      }),
      { numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }), interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false },
    );
    check(runs > 0, 'no runs');
    // On a very loaded machine the time limit may cut the runs short: say so rather than hide it.
    if (runs < NUM_RUNS) console.warn(`property test: time limit reached after ${runs} of ${NUM_RUNS} runs`);
    if (process.env.PROPERTY_STATS)
      console.log(
        `${runs} runs\n${[...stats]
          .sort()
          .map(([k, v]) => `${String(v).padStart(5)}  ${k}`)
          .join('\n')}`,
      );
  }, 180_000);
});
