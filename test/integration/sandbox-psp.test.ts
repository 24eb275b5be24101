// The sandbox payment provider double below HTTP, on the test database (PGlite, or
// PostgreSQL with TEST_DATABASE_URL): accounts, checkout idempotency, the state
// changes and the events and delivery jobs each writes in its transaction, chaos,
// refunds, disputes and the expiry and settlement jobs, all on a manual clock.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import { cancelCheckout, createCheckout, payCheckout, settlePendingPayment, type CheckoutInput } from '../../packages/sandbox/src/psp/psp.checkouts.ts';
import { sandboxPspJobHandlers } from '../../packages/sandbox/src/psp/psp.jobs.ts';
import { effectiveStatus, presentCheckout, upiIntent } from '../../packages/sandbox/src/psp/psp.present.ts';
import { createRefund, decideDispute, openDispute } from '../../packages/sandbox/src/psp/psp.refunds.ts';
import {
  ensureSandboxPspAccount,
  findAccountByKeyId,
  getAccount,
  getCheckout,
  getPayment,
  getRefund,
  listDeliveries,
  listEvents,
  listPayments,
  setAccountChaos,
} from '../../packages/sandbox/src/psp/psp.repository.ts';
import { JOB_DELIVER, JOB_EXPIRE, JOB_SETTLE_REFUND, NO_CHAOS, pspFee, type PspAccount, type PspChaos } from '../../packages/sandbox/src/psp/psp.types.ts';
import { envelopeOf, serializeEnvelope } from '../../packages/sandbox/src/psp/psp.webhooks.ts';
import { listJobs } from '../../src/platform/jobs/jobs.repository.ts';
import type { SandboxContext } from '@chatcart/sandbox';
import { sandboxContext } from '../../src/composition/sandbox-host.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;
let sbx: SandboxContext;
let runner: JobRunner;
beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  sbx = sandboxContext(ctx);
  // Expiry and settlement only: deliveries are covered over HTTP in the e2e tests.
  const all = sandboxPspJobHandlers(sbx);
  runner = new JobRunner({
    db,
    clock: ctx.clock,
    log: pino({ level: 'silent' }),
    handlers: { [JOB_EXPIRE]: all[JOB_EXPIRE]!, [JOB_SETTLE_REFUND]: all[JOB_SETTLE_REFUND]! },
    concurrency: 20,
    leaseMs: 60_000,
    pollMs: 50,
  });
});
afterAll(async () => {
  await db?.close();
});

let n = 0;
async function account(chaos?: Partial<PspChaos>): Promise<PspAccount> {
  const creds = await ensureSandboxPspAccount(db, `mer_psp_${++n}`);
  if (chaos) await setAccountChaos(db, creds.accountId, { ...NO_CHAOS, ...chaos });
  return (await getAccount(db, creds.accountId))!;
}
const nowS = () => Math.floor(ctx.clock.now().getTime() / 1000);
const input = (over: Partial<CheckoutInput> = {}): CheckoutInput => ({
  amount: 49_800,
  currency: 'INR',
  reference_id: `ref-${++n}`,
  expires_at: nowS() + 3600,
  ...over,
});
async function checkout(a: PspAccount, over: Partial<CheckoutInput> = {}) {
  const r = await createCheckout(sbx, a, `idem-${++n}`, input(over));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const types = async (a: PspAccount) => (await listEvents(db, a.id, { limit: 100 })).reverse().map((e) => e.type);
const deliverJobs = async (a: PspAccount) => (await listJobs(db, { kind: JOB_DELIVER })).filter((j) => j.merchant_id === a.merchant_id);
const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('accounts', () => {
  it('creates one account per merchant, idempotently, with sandbox credentials', async () => {
    const a = await ensureSandboxPspAccount(db, 'mer_acct_a');
    expect(a.accountId).toMatch(/^acct_[0-9a-z]{26}$/);
    expect(a.keyId).toMatch(/^sbx_key_/);
    expect(a.webhookSecret).toMatch(/^sbx_whsec_/);
    expect(a.keySecret.length).toBeGreaterThanOrEqual(32);
    expect(await ensureSandboxPspAccount(db, 'mer_acct_a')).toEqual(a);
    const [x, y] = await Promise.all([ensureSandboxPspAccount(db, 'mer_acct_b'), ensureSandboxPspAccount(db, 'mer_acct_b')]);
    expect(x).toEqual(y);
    expect(x.accountId).not.toBe(a.accountId);
    expect((await findAccountByKeyId(db, a.keyId))?.merchant_id).toBe('mer_acct_a');
  });

  it('gives no job handlers in live mode', () => {
    expect(sandboxPspJobHandlers(sandboxContext(testContext(db, { mode: 'live' })))).toEqual({});
  });
});

describe('checkouts', () => {
  it('answers a retry with the same key and body with the same checkout, and refuses a changed body', async () => {
    const a = await account();
    const body = input();
    const first = unwrap(await createCheckout(sbx, a, 'k1', body));
    expect(first).toMatchObject({ status: 'open', amount: 49_800, currency: 'INR', reference_id: body.reference_id });
    expect(first.id).toMatch(/^scs_/);
    expect(unwrap(await createCheckout(sbx, a, 'k1', { ...body })).id).toBe(first.id);
    expect(await createCheckout(sbx, a, 'k1', { ...body, amount: 1 })).toMatchObject({ ok: false, error: { code: 'idempotency_mismatch' } });
    expect(await createCheckout(sbx, a, 'k2', body)).toMatchObject({ ok: false, error: { code: 'duplicate_reference' } });
    // The same key and reference in another account are another account's business.
    expect((await createCheckout(sbx, await account(), 'k1', body)).ok).toBe(true);
    expect((await listJobs(db, { kind: JOB_EXPIRE })).filter((j) => j.payload['checkout_id'] === first.id)).toHaveLength(1);
  });

  it('settles concurrent creates with one key into one checkout', async () => {
    const a = await account();
    const body = input();
    const rs = await Promise.all([1, 2, 3].map(() => createCheckout(sbx, a, 'race', body)));
    expect(new Set(rs.map((r) => unwrap(r).id)).size).toBe(1);
  });

  it('refuses bad currencies, UPI outside INR and expiries out of bounds', async () => {
    const a = await account();
    expect(await createCheckout(sbx, a, 'c1', input({ currency: 'ABC' }))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await createCheckout(sbx, a, 'c2', input({ currency: 'USD', upi: true }))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await createCheckout(sbx, a, 'c3', input({ expires_at: nowS() + 10 }))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await createCheckout(sbx, a, 'c4', input({ expires_at: nowS() + 400 * 86400 }))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('builds the UPI intent with the reference as tr and the amount in major units', async () => {
    const c = await checkout(await account(), { upi: true, amount: 28_500, reference_id: 'CC-ABC.1' });
    expect(presentCheckout(c, [], ctx.clock.now(), 'http://shop.test', NO_CHAOS).upi_intent).toBe(
      'upi://pay?pa=chatcart.sandbox@psp&pn=Sandbox&tr=CC-ABC.1&am=285.00&cu=INR',
    );
    expect(upiIntent({ reference_id: 'r', amount: 5, currency: 'JPY' })).toContain('&am=5&cu=JPY');
    expect(presentCheckout(c, [], ctx.clock.now(), 'http://shop.test/', NO_CHAOS).url).toBe(`http://shop.test/sandbox/psp/pay/${c.id}`);
  });

  it('reads as expired once its time passed, and the expiry job marks it and says so', async () => {
    const a = await account();
    const c = await checkout(a, { expires_at: nowS() + 120 });
    ctx.clock.advance(121_000);
    expect(effectiveStatus((await getCheckout(db, a.id, c.id))!, ctx.clock.now())).toBe('expired');
    expect((await getCheckout(db, a.id, c.id))!.status).toBe('open');
    await runner.runOnce();
    expect((await getCheckout(db, a.id, c.id))!.status).toBe('expired');
    const [ev] = await listEvents(db, a.id, { limit: 1 });
    expect(ev).toMatchObject({ type: 'checkout.expired', payload: { checkout: { id: c.id, reference_id: c.reference_id, status: 'expired' } } });
    expect(await payCheckout(sbx, a.id, c.id, 'success')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });
});

describe('payments', () => {
  it('a successful payment captures, marks the checkout paid and emits payment.captured then a thin checkout.paid', async () => {
    const a = await account();
    const c = await checkout(a);
    const { payment, checkout: paid } = unwrap(await payCheckout(sbx, a.id, c.id, 'success'));
    expect(payment).toMatchObject({ status: 'captured', amount: c.amount, checkout_id: c.id });
    expect(payment.id).toMatch(/^spay_/);
    expect(paid.status).toBe('paid');
    const events = (await listEvents(db, a.id, { limit: 10 })).reverse();
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      [
        'payment.captured',
        {
          payment: {
            id: payment.id,
            checkout_id: c.id,
            reference_id: c.reference_id,
            amount: c.amount,
            currency: 'INR',
            status: 'captured',
            ...pspFee(c.amount, NO_CHAOS),
          },
        },
      ],
      ['checkout.paid', { checkout: { id: c.id, reference_id: c.reference_id } }],
    ]);
    expect((await deliverJobs(a)).map((j) => j.payload['event_id'])).toEqual(events.map((e) => e.id));
    expect(await payCheckout(sbx, a.id, c.id, 'success')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    // Another account cannot pay it.
    expect(await payCheckout(sbx, (await account()).id, c.id, 'success')).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a pending payment captured after the checkout expired is a late payment', async () => {
    const a = await account();
    const c = await checkout(a, { expires_at: nowS() + 120 });
    const { payment } = unwrap(await payCheckout(sbx, a.id, c.id, 'pending'));
    expect(payment.status).toBe('pending');
    ctx.clock.advance(3600_000);
    await runner.runOnce();
    const late = unwrap(await settlePendingPayment(sbx, a, payment.id, 'captured'));
    expect(late.payment.status).toBe('captured');
    expect(late.checkout.status).toBe('paid');
    expect(await types(a)).toEqual(['payment.pending', 'checkout.expired', 'payment.captured', 'checkout.paid']);
    expect(await settlePendingPayment(sbx, a, payment.id, 'captured')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });

  it('fails a payment from the page or from pending, leaving the checkout open', async () => {
    const a = await account();
    const c = await checkout(a);
    unwrap(await payCheckout(sbx, null, c.id, 'failure'));
    const { payment } = unwrap(await payCheckout(sbx, null, c.id, 'pending'));
    unwrap(await settlePendingPayment(sbx, a, payment.id, 'failed'));
    expect((await getCheckout(db, a.id, c.id))!.status).toBe('open');
    expect((await listPayments(db, c.id)).map((p) => p.status)).toEqual(['failed', 'failed']);
    expect(await types(a)).toEqual(['payment.failed', 'payment.pending', 'payment.failed']);
  });

  it('records an under-payment at the amount paid', async () => {
    const a = await account();
    const c = await checkout(a);
    const { payment } = unwrap(await payCheckout(sbx, a.id, c.id, 'success', 100));
    expect(payment.amount).toBe(100);
    expect(presentCheckout((await getCheckout(db, a.id, c.id))!, await listPayments(db, c.id), ctx.clock.now(), '', NO_CHAOS).amount_paid).toBe(100);
  });

  it('cancels an open checkout once (a repeat answers it unchanged) and not a paid one', async () => {
    const a = await account();
    const c = await checkout(a);
    expect(unwrap(await cancelCheckout(sbx, a, c.id)).status).toBe('canceled');
    expect(unwrap(await cancelCheckout(sbx, a, c.id)).status).toBe('canceled');
    expect(await types(a)).toEqual(['checkout.canceled']);
    expect(await payCheckout(sbx, null, c.id, 'success')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    const d = await checkout(a);
    unwrap(await payCheckout(sbx, a.id, d.id, 'success'));
    expect(await cancelCheckout(sbx, a, d.id)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });
});

describe('refunds and disputes', () => {
  it('refunds up to the captured amount, settles by job and marks a fully refunded payment', async () => {
    const a = await account();
    const c = await checkout(a);
    const { payment } = unwrap(await payCheckout(sbx, a.id, c.id, 'success'));
    const r1 = unwrap(await createRefund(sbx, a, 'rfd_1', { payment_id: payment.id, amount: 30_000 }));
    expect(r1).toMatchObject({ status: 'pending', amount: 30_000, currency: 'INR' });
    expect(unwrap(await createRefund(sbx, a, 'rfd_1', { payment_id: payment.id, amount: 30_000 })).id).toBe(r1.id);
    expect(await createRefund(sbx, a, 'rfd_1', { payment_id: payment.id, amount: 1 })).toMatchObject({ ok: false, error: { code: 'idempotency_mismatch' } });
    expect(await createRefund(sbx, a, 'rfd_2', { payment_id: payment.id, amount: 19_801 })).toMatchObject({
      ok: false,
      error: { code: 'amount_exceeds_refundable' },
    });
    const r2 = unwrap(await createRefund(sbx, a, 'rfd_3', { payment_id: payment.id }));
    expect(r2.amount).toBe(19_800);
    expect(await createRefund(sbx, a, 'rfd_4', { payment_id: payment.id, amount: 1 })).toMatchObject({
      ok: false,
      error: { code: 'amount_exceeds_refundable' },
    });
    await runner.runOnce();
    expect((await getRefund(db, a.id, r1.id))!.status).toBe('pending'); // settles shortly after, not at once
    ctx.clock.advance(2_000);
    await runner.runOnce();
    expect((await getRefund(db, a.id, r1.id))!.status).toBe('succeeded');
    expect(await getPayment(db, a.id, payment.id)).toMatchObject({ status: 'refunded', amount_refunded: 49_800 });
    const refundEvents = (await listEvents(db, a.id, { limit: 10, type: 'refund.succeeded' })).map((e) => e.payload['refund']);
    expect(refundEvents).toContainEqual({ id: r1.id, payment_id: payment.id, amount: 30_000, currency: 'INR', status: 'succeeded', idempotency_key: 'rfd_1' });
    expect(refundEvents).toHaveLength(2);
  });

  it('refuses refunds of unknown or uncaptured payments, and fails refunds under chaos', async () => {
    const a = await account({ fail_refunds: 1 });
    const c = await checkout(a);
    const pending = unwrap(await payCheckout(sbx, a.id, c.id, 'pending')).payment;
    expect(await createRefund(sbx, a, 'x1', { payment_id: pending.id })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await createRefund(sbx, a, 'x2', { payment_id: 'spay_nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    unwrap(await settlePendingPayment(sbx, a, pending.id, 'captured'));
    const r = unwrap(await createRefund(sbx, a, 'x3', { payment_id: pending.id }));
    ctx.clock.advance(2_000);
    await runner.runOnce();
    expect((await getRefund(db, a.id, r.id))!.status).toBe('failed');
    expect(await getPayment(db, a.id, pending.id)).toMatchObject({ status: 'captured', amount_refunded: 0 });
    expect((await types(a)).at(-1)).toBe('refund.failed');
    // A failed refund gives the amount back to refund again.
    expect((await createRefund(sbx, a, 'x4', { payment_id: pending.id })).ok).toBe(true);
  });

  it('opens and decides disputes', async () => {
    const a = await account();
    const c = await checkout(a);
    const { payment } = unwrap(await payCheckout(sbx, a.id, c.id, 'success'));
    const d = unwrap(await openDispute(sbx, a, { payment_id: payment.id, reason: 'fraudulent' }));
    expect(d).toMatchObject({ status: 'open', amount: 49_800, reason: 'fraudulent' });
    expect(await openDispute(sbx, a, { payment_id: payment.id, amount: 49_801 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(unwrap(await decideDispute(sbx, a, d.id, 'lost')).status).toBe('lost');
    expect(await decideDispute(sbx, a, d.id, 'won')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect((await types(a)).slice(-2)).toEqual(['dispute.opened', 'dispute.lost']);
    const [lost] = await listEvents(db, a.id, { limit: 1 });
    expect(lost!.payload).toEqual({ dispute: { id: d.id, payment_id: payment.id, amount: 49_800, currency: 'INR', reason: 'fraudulent', status: 'lost' } });
  });
});

describe('events and chaos', () => {
  it('drop: records the event and a note, but queues no delivery', async () => {
    const a = await account({ drop: 1 });
    const c = await checkout(a);
    unwrap(await payCheckout(sbx, a.id, c.id, 'success'));
    const events = await listEvents(db, a.id, { limit: 10 });
    expect(events).toHaveLength(2);
    expect(await deliverJobs(a)).toEqual([]);
    const notes = await listDeliveries(
      db,
      events.map((e) => e.id),
    );
    expect(notes.map((d) => d.error)).toEqual([expect.stringContaining('dropped'), expect.stringContaining('dropped')]);
  });

  it('duplicate: queues two deliveries of the same event', async () => {
    const a = await account({ duplicate: 1 });
    const c = await checkout(a);
    unwrap(await cancelCheckout(sbx, a, c.id));
    const [ev] = await listEvents(db, a.id, { limit: 1 });
    expect((await deliverJobs(a)).map((j) => j.payload)).toEqual([
      { event_id: ev!.id, copy: 0 },
      { event_id: ev!.id, copy: 1 },
    ]);
  });

  it('delay and reorder: deliveries run later, jittered by up to 2 s', async () => {
    const a = await account({ delay_ms: 60_000, reorder: true });
    const c = await checkout(a);
    const t0 = ctx.clock.now().getTime();
    unwrap(await payCheckout(sbx, a.id, c.id, 'success'));
    for (const j of await deliverJobs(a)) {
      expect(j.run_at.getTime()).toBeGreaterThanOrEqual(t0 + 60_000);
      expect(j.run_at.getTime()).toBeLessThan(t0 + 62_000);
    }
  });

  it('serialises the same envelope several ways that all parse to the same value', async () => {
    const a = await account();
    const c = await checkout(a, { reference_id: 'ré/f' });
    unwrap(await payCheckout(sbx, a.id, c.id, 'pending'));
    const [ev] = await listEvents(db, a.id, { limit: 1 });
    const env = envelopeOf(ev!);
    expect(Object.keys(env)).toEqual(['id', 'type', 'created', 'account', 'data']);
    expect(env).toMatchObject({ id: ev!.id, type: 'payment.pending', account: a.id, created: nowS() });
    const texts = [0, 1, 2, 3].map((v) => serializeEnvelope(env, v));
    expect(new Set(texts).size).toBe(4);
    expect(texts[3]).toContain('r\\u00e9\\/f');
    for (const t of texts) expect(JSON.parse(t)).toEqual(JSON.parse(texts[0]!));
  });
});
