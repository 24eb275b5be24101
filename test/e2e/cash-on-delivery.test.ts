// Cash on delivery and payments recorded by staff, over HTTP in sandbox mode: the COD bill
// with reply buttons in the window and the cod template's quick replies outside it (a tap
// arriving as type "button"), only the order's customer heard, Meta's redelivery a no-op;
// then POST /v1/orders/{id}/record-payment (Idempotency-Key, the outstanding amount, 409 when
// paid, 403 for an agent), the ledger's cash_on_hand, a recorded refund, the owner's void,
// and a provider capture landing after the cash: the extra-capture policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { settled } from '../support/reconcile.ts';
import { startTestServer, sampleOrder, type TestServer } from '../support/server.ts';
import { expectError } from '../support/e2e.ts';
import { demoOwner, userWithRole, type ConsoleClient } from '../support/users.ts';

let s: TestServer;
let pnid: string;
let token: string;
let owner: ConsoleClient;
let admin: ConsoleClient;
let agent: ConsoleClient;
const clock = new ManualClock(new Date());
let n = 0;
const newWa = () => `9198${String(process.pid % 10_000).padStart(4, '0')}${String(++n).padStart(4, '0')}`;
const key = () => `cod-${process.pid}-${++n}-${Date.now()}`;

const asCustomer = async (wa: string, body: Record<string, unknown>) => {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, ...body }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
};

async function phone(wa: string): Promise<any[]> {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`);
  return (await r.json()).data;
}

async function drain() {
  for (let i = 0; i < 5; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}

async function chaos(body: Record<string, unknown>) {
  const r = await fetch(`${s.base}/sandbox/graph/chaos/${pnid}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
}

async function codOrder(wa: string, over: Record<string, unknown> = {}) {
  await drain(); // the customer's message first: our side knows the window is open
  const r = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Ravi' }, payment: { method: 'cash_on_delivery' }, ...over }) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const getOrder = async (id: string) => (await s.api(`/v1/orders/${id}`)).body;
const eventsOf = async (id: string) => (await s.api(`/v1/orders/${id}/events?limit=100`)).body.data as any[];
const record = (id: string, body: Record<string, unknown>, k = key(), client?: ConsoleClient) =>
  client
    ? client.call(`/v1/orders/${id}/record-payment`, { body, headers: { 'idempotency-key': k } })
    : s.api(`/v1/orders/${id}/record-payment`, { body, headers: { 'idempotency-key': k } });

/** The customer's COD bill: an interactive message with reply buttons, or the cod template with quick replies. */
async function billOf(wa: string) {
  const msgs = await phone(wa);
  return msgs.filter((m) => m.direction === 'in' && (m.payload?.type === 'button' || (m.type === 'template' && m.buttons))).at(-1);
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  const settings = (await s.api('/v1/settings/whatsapp')).body;
  pnid = settings.phone_number_id;
  token = settings.sandbox_access_token;
  const patched = await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { templates: { cod: { name: 'cod_confirmation', language: 'en_US' } } } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

describe('cash on delivery', () => {
  it('confirmed by the reply button (redelivered by Meta: once), then cash recorded: paid, in the ledger, and the same request replays', async () => {
    const wa = newWa();
    await asCustomer(wa, { type: 'text', text: { body: 'Hi, cash on delivery please' } });
    const order = await codOrder(wa);
    expect(order.payment).toMatchObject({ method: 'cash_on_delivery', provider: 'none', url: null });
    await drain();
    const bill = await billOf(wa);
    expect(bill?.type).toBe('interactive');
    expect(bill.preview).toContain(`Order ${order.reference_id}`);
    expect(bill.preview).not.toContain(order.id);
    const buttons = bill.payload.action.buttons.map((b: any) => b.reply);
    expect(buttons.map((b: any) => b.title)).toEqual(['Confirm order', 'Cancel order']);

    // Meta delivers the tap twice: one confirmation.
    await chaos({ duplicate: 1 });
    await asCustomer(wa, { type: 'interactive', interactive: { type: 'button_reply', button_reply: buttons[0] }, context: { id: bill.id } });
    await drain();
    await chaos({ duplicate: 0 });
    // And the customer taps again: nothing more.
    await asCustomer(wa, { type: 'interactive', interactive: { type: 'button_reply', button_reply: buttons[0] }, context: { id: bill.id } });
    await drain();
    const confirmed = await getOrder(order.id);
    expect({ status: confirmed.status, payment_status: confirmed.payment_status }).toEqual({ status: 'processing', payment_status: 'unpaid' });
    expect((await eventsOf(order.id)).filter((e) => e.type === 'order.cod_confirmed')).toHaveLength(1);
    expect((await phone(wa)).some((m) => m.direction === 'in' && /is confirmed: please keep ₹/.test(m.preview))).toBe(true);

    // The rider brings the cash.
    const k = key();
    const body = { method: 'cash', amount: order.total, note: 'Paid to the rider' };
    const r = await record(order.id, body, k);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ object: 'payment', order_id: order.id, method: 'recorded', provider: 'recorded', status: 'captured', counted: true });
    expect(r.body.recorded).toMatchObject({ method: 'cash', note: 'Paid to the rider', voided_at: null });
    const again = await record(order.id, body, k);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(r.body);

    const paid = await getOrder(order.id);
    expect(paid).toMatchObject({ status: 'processing', payment_status: 'paid', amount_paid: order.total });
    expect(paid.payment).toMatchObject({ id: r.body.id, method: 'recorded', recorded: { method: 'cash' } });
    const ledger = (await s.api(`/v1/orders/${order.id}/ledger`)).body;
    const booked = ledger.transactions.filter((t: any) => t.kind === 'recorded_payment');
    expect(booked).toHaveLength(1);
    expect(booked[0].postings.find((p: any) => p.account === 'cash_on_hand')?.amount).toBe(order.total);
    expect(ledger.transactions.some((t: any) => String(t.postings.map((p: any) => p.account)).includes('provider_clearing'))).toBe(false);
    // The COD bill is closed and the customer told, with the bill's reference.
    const payments = (await s.api(`/v1/orders/${order.id}/payments`)).body.data;
    expect(payments.find((p: any) => p.method === 'cash_on_delivery').status).toBe('canceled');
    await drain();
    expect((await phone(wa)).some((m) => m.direction === 'in' && m.preview.includes(`received for order ${order.reference_id}`))).toBe(true);

    // Paid: nothing is outstanding.
    expectError(await record(order.id, body), 409, 'conflict');
    const audit = (await s.api('/v1/audit-log?type=payment.recorded')).body.data;
    expect(audit.some((a: any) => a.subject === order.id)).toBe(true);
  });

  it('outside the window: the cod template; a stranger’s tap does nothing; the customer’s quick reply confirms', async () => {
    const wa = newWa();
    const stranger = newWa();
    await asCustomer(wa, { type: 'text', text: { body: 'Hi' } });
    await asCustomer(stranger, { type: 'text', text: { body: 'Hi' } });
    await drain();
    clock.advance(25 * 3600_000);
    const order = await codOrder(wa);
    await drain();
    const bill = await billOf(wa);
    expect(bill?.type).toBe('template');
    expect(bill.preview).toContain(order.reference_id);
    expect(bill.buttons.map((b: any) => b.text)).toEqual(['Confirm order', 'Cancel order']);

    // The bill forwarded to someone else: their tap (same payload) changes nothing.
    await asCustomer(stranger, { type: 'button', button: { text: 'Confirm order', payload: bill.buttons[0].payload } });
    await drain();
    expect((await getOrder(order.id)).status).toBe('pending');

    await asCustomer(wa, { type: 'button', button: bill.buttons[0], context: { id: bill.id } });
    await drain();
    expect(await getOrder(order.id)).toMatchObject({ status: 'processing', payment_status: 'unpaid' });
  });

  it('cancel by the button closes the order', async () => {
    const wa = newWa();
    await asCustomer(wa, { type: 'text', text: { body: 'Hi' } });
    const order = await codOrder(wa);
    await drain();
    const bill = await billOf(wa);
    await asCustomer(wa, { type: 'interactive', interactive: { type: 'button_reply', button_reply: bill.payload.action.buttons[1].reply } });
    await drain();
    expect(await getOrder(order.id)).toMatchObject({ status: 'canceled', payment_status: 'canceled' });
    expectError(await record(order.id, { method: 'cash', amount: order.total }), 409, 'invalid_transition');
  });
});

describe('record-payment', () => {
  // Signed in here: the window test moved the clock past any session's lifetime.
  beforeAll(async () => {
    owner = await demoOwner(s);
    admin = (await userWithRole(s, owner, 'admin')).client;
    agent = (await userWithRole(s, owner, 'agent')).client;
  });

  it('needs the key and the outstanding amount in the order’s currency; owner or admin or a key, never an agent', async () => {
    const wa = newWa();
    const order = await codOrder(wa, { send: false });
    const noKey = await s.api(`/v1/orders/${order.id}/record-payment`, { body: { method: 'cash', amount: order.total } });
    expectError(noKey, 400, 'validation_error');
    expectError(await record(order.id, { method: 'cash', amount: order.total - 1 }), 422, 'unprocessable');
    expectError(await record(order.id, { method: 'cash', amount: order.total, currency: 'USD' }), 422, 'unprocessable');
    expectError(await record(order.id, { method: 'cheque', amount: order.total }), 400, 'validation_error');
    expectError(await record(order.id, { method: 'cash', amount: order.total }, key(), agent), 403, 'forbidden');
    const byAdmin = await record(order.id, { method: 'bank_transfer', amount: order.total, currency: 'INR' }, key(), admin);
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(201);
    expect(byAdmin.body.recorded.recorded_by).toMatch(/^usr_/);
  });

  it('a refund of recorded money is recorded at once (no provider); a refunded payment cannot be voided', async () => {
    const order = await codOrder(newWa(), { send: false });
    const rec = await record(order.id, { method: 'cash', amount: order.total });
    expect(rec.status).toBe(201);
    const refund = await s.api(`/v1/orders/${order.id}/refunds`, { body: { amount: 1000, reason: 'one chai short' }, headers: { 'idempotency-key': key() } });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body).toMatchObject({ status: 'succeeded', provider: 'recorded', amount: 1000 });
    expect(await getOrder(order.id)).toMatchObject({ payment_status: 'partially_refunded', amount_refunded: 1000 });
    const ledger = (await s.api(`/v1/orders/${order.id}/ledger`)).body;
    const back = ledger.transactions.find((t: any) => t.kind === 'refund');
    expect(back.postings.find((p: any) => p.account === 'cash_on_hand')?.amount).toBe(-1000);
    expectError(await owner.call(`/v1/orders/${order.id}/record-payment/${rec.body.id}/void`, { body: { reason: 'typo' } }), 409, 'conflict');
  });

  it('the owner voids a recorded payment (not an admin): unpaid again, the ledger reversed', async () => {
    const order = await codOrder(newWa(), { send: false });
    const rec = await record(order.id, { method: 'cash', amount: order.total }, key(), admin);
    expect(rec.status).toBe(201);
    const path = `/v1/orders/${order.id}/record-payment/${rec.body.id}/void`;
    expectError(await admin.call(path, { body: { reason: 'wrong order' } }), 403, 'forbidden');
    expectError(await owner.call(path, { body: { reason: ' ' } }), 400, 'validation_error');
    const v = await owner.call(path, { body: { reason: 'recorded on the wrong order' } });
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body).toMatchObject({ status: 'voided', counted: false, recorded: { void_reason: 'recorded on the wrong order' } });
    expect(await getOrder(order.id)).toMatchObject({ payment_status: 'unpaid', amount_paid: 0 });
    const kinds = (await s.api(`/v1/orders/${order.id}/ledger`)).body.transactions.map((t: any) => t.kind);
    expect(kinds).toEqual(['recorded_payment', 'recorded_void']);
    expect((await s.api('/v1/audit-log?type=payment.voided')).body.data.some((a: any) => a.subject === order.id)).toBe(true);
    // Unpaid again: it can be recorded anew.
    expect((await record(order.id, { method: 'cash', amount: order.total })).status).toBe(201);
  });

  it('a COD order offered a prepaid link: cash recorded first, the link paid after it takes the extra-capture policy', async () => {
    const wa = newWa();
    await asCustomer(wa, { type: 'text', text: { body: 'Hi' } });
    const order = await codOrder(wa);
    await drain();
    const bill = await billOf(wa);
    await asCustomer(wa, { type: 'interactive', interactive: { type: 'button_reply', button_reply: bill.payload.action.buttons[0].reply } });
    await drain();
    // Confirmed, and still offered a prepaid link: a new attempt on the same order.
    const linked = await s.api(`/v1/orders/${order.id}/bill`, { body: { payment: { method: 'payment_link', provider: 'sandbox' } } });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ status: 'processing', payment: { method: 'payment_link', provider: 'sandbox' } });
    await drain();
    // The customer starts paying the link…
    const go = await fetch(`${linked.body.payment.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(go.status).toBe(303);
    // …while the rider takes the cash: the link is closed.
    const rec = await record(order.id, { method: 'cash', amount: order.total });
    expect(rec.status).toBe(201);
    const link = (await s.api(`/v1/orders/${order.id}/payments`)).body.data.find((p: any) => p.id === linked.body.payment.id);
    expect(link.status).toBe('canceled');
    // The provider's capture lands after it.
    const paid = await fetch(go.headers.get('location')!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=success',
      redirect: 'manual',
    });
    expect([200, 303]).toContain(paid.status);
    await drain();
    const types = (await eventsOf(order.id)).map((e) => e.type);
    expect(types).toContain('payment.extra_captured');
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ payment_status: 'paid', amount_paid: order.total });
    const refunds = (await s.api(`/v1/orders/${order.id}/refunds`)).body.data;
    expect(refunds).toEqual([expect.objectContaining({ kind: 'extra_capture', provider: 'sandbox', amount: order.total })]);
    expectError(await record(order.id, { method: 'cash', amount: order.total }), 409, 'conflict');
  });
});

describe('reconciliation', () => {
  it('a settlement report never expects a payment recorded by staff', async () => {
    const linkOrder = (await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: newWa() }, send: false }) })).body;
    await payOrder(s, linkOrder.payment.url, 'success');
    await drain();
    expect((await getOrder(linkOrder.id)).payment_status).toBe('paid');
    const cash = await codOrder(newWa(), { send: false });
    expect((await record(cash.id, { method: 'cash', amount: cash.total })).status).toBe(201);

    const day = clock.now().toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    const csv = await (
      await fetch(`${s.base}/sandbox/psp/settlements.csv?from=${day}&to=${next}`, { headers: { authorization: `Bearer ${s.demoKey}` } })
    ).text();
    const run = await settled(
      s,
      await s.api(`/v1/reconciliations?format=razorpay&provider=sandbox&period_from=${day}T00:00:00Z&period_to=${next}T00:00:00Z`, {
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      }),
    );
    expect(run.body.status, JSON.stringify(run.body)).not.toBe('failed');
    const items = (await s.api(`/v1/reconciliations/${run.body.id}/items?limit=100`)).body.data as any[];
    expect(items.some((i) => i.order_id === linkOrder.id && i.category === 'matched')).toBe(true);
    expect(items.filter((i) => i.order_id === cash.id)).toEqual([]);
    expect(items.filter((i) => i.category === 'missing_at_provider')).toEqual([]);
  });
});
