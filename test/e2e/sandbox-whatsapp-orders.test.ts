// Bills on the WhatsApp Cloud API double: order_details validation (reference rule and
// reuse, the arithmetic, expiry, importer and shipping fields), order_status transitions
// (2046/2047 as failed status webhooks), WhatsApp Pay payment status webhooks, the
// payment lookup and refunds.
import { beforeAll, describe, expect, it } from 'vitest';
import { hmac, newCustomer, orderDetails, useWaHarness, type WaHarness } from '../support/wa-sandbox.ts';

let h: WaHarness;
let pnid: string;
let n = 0;

const wa = useWaHarness();
beforeAll(() => {
  ({ h, pnid } = wa);
});

const nowS = () => Math.floor(h.clock.now().getTime() / 1000);
const ref = () => `CC-${process.pid}-${++n}`;
const bill = (to: string, reference: string, over: Parameters<typeof orderDetails>[1] = {}) =>
  h.send({ to, type: 'interactive', interactive: orderDetails(reference, { expiresAt: nowS() + 3600, ...over }) });
const orderStatus = (to: string, reference: string, status: string) =>
  h.send({
    to,
    type: 'interactive',
    interactive: {
      type: 'order_status',
      body: { text: `Order ${status}` },
      action: { name: 'review_order', parameters: { reference_id: reference, order: { status, description: 'update' } } },
    },
  });
const details = (r: { status: number; body: any }, code: number) => {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code });
  return String(r.body.error.error_data.details);
};
const statusesOf = (id: string) => h.statuses().filter((s) => s.id === id);
const payments = () => h.statuses().filter((s) => s.type === 'payment');

async function customerWithBill(reference = ref()) {
  const to = newCustomer();
  await h.customerSays(to);
  const r = await bill(to, reference);
  expect(r.status).toBe(200);
  return { to, reference, wamid: r.body.messages[0].id as string };
}

describe('order_details validation', () => {
  it('accepts a valid bill and refuses bad references, reuse, wrong totals, short expiry and a non-pending status', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    expect(details(await bill(to, 'bad ref!'), 131009)).toMatch(/reference_id/);
    expect(details(await bill(to, 'x'.repeat(36)), 131009)).toMatch(/reference_id/);
    expect(details(await bill(to, ref(), { parameters: { total_amount: { value: 35_800, offset: 100 } } }), 131009)).toMatch(
      /subtotal \+ tax \+ shipping − discount: expected 35900, got 35800/,
    );
    expect(details(await bill(to, ref(), { order: { subtotal: { value: 36_900, offset: 100 } } }), 131009)).toMatch(/sum of item/);
    expect(details(await bill(to, ref(), { expiresAt: nowS() + 299 }), 131009)).toMatch(/300 seconds/);
    expect(details(await bill(to, ref(), { order: { status: 'processing' } }), 131009)).toMatch(/must be pending/);
    // Shipping and a discount count: 349 + 10 + 20 − 15 = 364.
    const withAll = await bill(to, ref(), {
      parameters: { total_amount: { value: 36_400, offset: 100 } },
      order: { shipping: { value: 2_000, offset: 100 }, discount: { value: 1_500, offset: 100 } },
    });
    expect(withAll.status).toBe(200);
    const reference = ref();
    expect((await bill(to, reference)).status).toBe(200);
    expect(details(await bill(to, reference), 131009)).toMatch(/already used/);
  });

  it('needs importer fields without a catalog, shipping for physical goods, INR and a known payment setting', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    const plain = orderDetails('x').action.parameters.order as any;
    const noImporter = plain.items.map(({ importer_name: _i, ...rest }: any) => rest);
    expect(details(await bill(to, ref(), { order: { items: noImporter } }), 131008)).toMatch(/importer_name/);
    expect((await bill(to, ref(), { order: { items: noImporter, catalog_id: h.number.catalog_id } })).status).toBe(200);
    expect(details(await bill(to, ref(), { parameters: { type: 'physical-goods' } }), 131008)).toMatch(/beneficiaries/);
    const beneficiaries = [{ name: 'Asha', address_line1: '2 Park St', city: 'Kolkata', state: 'WB', country: 'India', postal_code: '700016' }];
    expect((await bill(to, ref(), { parameters: { type: 'physical-goods', beneficiaries } })).status).toBe(200);
    expect(details(await bill(to, ref(), { parameters: { currency: 'USD' } }), 131009)).toMatch(/INR/);
    expect(details(await bill(to, ref(), { parameters: { payment_settings: undefined } }), 131008)).toMatch(/payment_settings/);
    const upi = await bill(to, ref(), { parameters: { payment_settings: undefined, payment_type: 'upi', payment_configuration: 'my-upi' } });
    expect(upi.status).toBe(200);
  });

  it('a bill outside the 24-hour window fails with 131047; the order_details_checkout template carries it instead', async () => {
    const to = newCustomer();
    const reference = ref();
    const r = await bill(to, reference);
    await h.settle();
    expect(statusesOf(r.body.messages[0].id).map((s) => s.errors?.[0]?.code)).toEqual([131047]);
    const tpl = {
      name: 'order_details_checkout',
      language: { code: 'en_US' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: reference }] },
        {
          type: 'button',
          sub_type: 'order_details',
          index: 0,
          parameters: [{ type: 'action', action: { order_details: orderDetails(reference, { expiresAt: nowS() + 3600 }).action.parameters } }],
        },
      ],
    };
    const t = await h.send({ to, type: 'template', template: tpl });
    expect(t.status).toBe(200);
    await h.settle();
    expect(statusesOf(t.body.messages[0].id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body.data.at(-1)).toMatchObject({
      type: 'template',
      preview: `Your order ${reference} is ready. Tap below to review and pay.`,
      order: { reference_id: reference, status: 'pending', payment_status: 'unpaid', payable: true },
    });
  });
});

describe('order_status transitions', () => {
  it('pending → processing → shipped → completed; going back or leaving a terminal state fails with 2046', async () => {
    const { to, reference } = await customerWithBill();
    expect(details(await orderStatus(to, 'NO-SUCH-REF', 'processing'), 131009)).toMatch(/No order_details/);
    expect(details(await orderStatus(to, reference, 'lost'), 131009)).toMatch(/order.status/);
    const steps = [
      ['processing', null],
      ['pending', 2046],
      ['partially_shipped', null],
      ['shipped', null],
      ['completed', null],
      ['canceled', 2046],
    ] as const;
    for (const [status, error] of steps) {
      const r = await orderStatus(to, reference, status);
      expect(r.status).toBe(200);
      await h.settle();
      const got = statusesOf(r.body.messages[0].id);
      if (error)
        expect(got).toEqual([
          expect.objectContaining({
            status: 'failed',
            errors: [expect.objectContaining({ code: error, title: 'New order status was not correctly transitioned' })],
          }),
        ]);
      else expect(got.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    }
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body.data.find((m: any) => m.order)?.order).toMatchObject({ status: 'completed' });
  });

  it('canceling while a payment is pending fails with 2047; without one it cancels the bill', async () => {
    const paid = await customerWithBill();
    expect(
      (await h.call(`/sandbox/customers/${paid.to}/payments`, { body: { phone_number_id: pnid, reference_id: paid.reference, outcome: 'pending' } })).status,
    ).toBe(201);
    const r = await orderStatus(paid.to, paid.reference, 'canceled');
    await h.settle();
    expect(statusesOf(r.body.messages[0].id)).toEqual([expect.objectContaining({ status: 'failed', errors: [expect.objectContaining({ code: 2047 })] })]);
    const unpaid = await customerWithBill();
    const c = await orderStatus(unpaid.to, unpaid.reference, 'canceled');
    await h.settle();
    expect(statusesOf(c.body.messages[0].id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const pay = await h.call(`/sandbox/customers/${unpaid.to}/payments`, {
      body: { phone_number_id: pnid, reference_id: unpaid.reference, outcome: 'success' },
    });
    expect(pay.status).toBe(400);
    expect(pay.body.error.error_data.details).toMatch(/canceled/);
  });
});

describe('WhatsApp Pay', () => {
  it('success: pending then captured payment webhooks, signed; the lookup agrees', async () => {
    const { to, reference, wamid } = await customerWithBill();
    const pay = await h.call(`/sandbox/customers/${to}/payments`, { body: { phone_number_id: pnid, reference_id: reference, outcome: 'success' } });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ reference_id: reference, status: 'captured', transactions: [{ status: 'success' }] });
    await h.drain();
    const items = payments().filter((p) => p.payment.reference_id === reference);
    expect(items.map((p) => p.status).sort()).toEqual(['captured', 'pending']);
    const captured = items.find((p) => p.status === 'captured');
    expect(captured).toEqual({
      id: wamid,
      from: to,
      recipient_id: to,
      type: 'payment',
      status: 'captured',
      timestamp: expect.stringMatching(/^\d{10}$/),
      payment: {
        reference_id: reference,
        amount: { value: 35_900, offset: 100 },
        currency: 'INR',
        receipt: reference,
        notes: { shop: 'demo' },
        transaction: {
          id: expect.stringMatching(/^order_/),
          pg_transaction_id: expect.stringMatching(/^pay_/),
          type: 'razorpay',
          status: 'success',
          created_timestamp: expect.any(Number),
          updated_timestamp: expect.any(Number),
          amount: { value: 35_900, offset: 100 },
          currency: 'INR',
          method: { type: 'upi' },
          // What a transaction does not have is null, as relays of Meta's webhook show.
          error: null,
        },
      },
    });
    for (const hit of h.receiver.hits) expect(hit.headers['x-hub-signature-256']).toBe(hmac(h.secret, hit.raw));
    const lookup = await h.graph(`/v24.0/${pnid}/payments/sandbox-razorpay/${reference}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.payments).toEqual([
      expect.objectContaining({
        reference_id: reference,
        status: 'captured',
        currency: 'INR',
        total_amount: { value: 35_900, offset: 100 },
        transactions: [expect.objectContaining({ id: captured.payment.transaction.id, status: 'success', refunds: [] })],
      }),
    ]);
    const again = await h.call(`/sandbox/customers/${to}/payments`, { body: { phone_number_id: pnid, reference_id: reference, outcome: 'success' } });
    expect(again.body.error.error_data.details).toMatch(/already paid/);
    expect((await h.graph(`/v24.0/${pnid}/payments/sandbox-razorpay/NOPE-1`)).status).toBe(404);
    expect((await h.graph(`/v24.0/${pnid}/payments/other-config/${reference}`)).body.error.code).toBe(100);
  });

  it('failure then a retry that succeeds; a UPI-intent bill is not paid through WhatsApp', async () => {
    const { to, reference } = await customerWithBill();
    const failed = await h.call(`/sandbox/customers/${to}/payments`, { body: { phone_number_id: pnid, reference_id: reference, outcome: 'failure' } });
    expect(failed.body).toMatchObject({ status: 'pending', transactions: [{ status: 'failed', error: { code: 'BAD_REQUEST_ERROR' } }] });
    const ok = await h.call(`/sandbox/customers/${to}/payments`, {
      body: { phone_number_id: pnid, reference_id: reference, outcome: 'success', method: 'card' },
    });
    expect(ok.body.transactions.map((t: any) => t.status)).toEqual(['failed', 'success']);
    await h.drain();
    expect(
      payments()
        .filter((p) => p.payment.reference_id === reference)
        .map((p) => p.status)
        .sort(),
    ).toEqual(['captured', 'failed', 'pending']);
    const upiRef = ref();
    await h.send({
      to,
      type: 'interactive',
      interactive: orderDetails(upiRef, {
        expiresAt: nowS() + 3600,
        parameters: { payment_settings: undefined, payment_type: 'upi', payment_configuration: 'my-upi' },
      }),
    });
    const upi = await h.call(`/sandbox/customers/${to}/payments`, { body: { phone_number_id: pnid, reference_id: upiRef, outcome: 'success' } });
    expect(upi.status).toBe(400);
    expect(upi.body.error.error_data.details).toMatch(/UPI intent/);
  });

  it('refunds: pending at once, then a payment webhook carrying refunds[]; the lookup shows them; no over-refund', async () => {
    const { to, reference } = await customerWithBill();
    await h.call(`/sandbox/customers/${to}/payments`, { body: { phone_number_id: pnid, reference_id: reference, outcome: 'success' } });
    await h.drain();
    h.receiver.hits = [];
    const refund = (value: string | number, extra: Record<string, unknown> = {}) =>
      h.graph(`/v24.0/${pnid}/payments_refund`, {
        body: { reference_id: reference, speed: 'normal', payment_config_id: 'sandbox-razorpay', amount: { currency: 'INR', value, offset: '100' }, ...extra },
      });
    const r = await refund('10000');
    expect(r.body).toEqual({ id: expect.stringMatching(/^rfnd_/), status: 'pending', speed_processed: 'normal' });
    expect(details(await refund(30_000), 131009)).toMatch(/between 1 and 25900/);
    expect(details(await refund(100, { amount: { currency: 'USD', value: 100, offset: 100 } }), 131009)).toMatch(/currency/);
    expect((await refund(100, { payment_config_id: 'nope' })).body.error.code).toBe(100);
    await h.settle(5_000);
    const withRefunds = payments().find((p) => p.payment.refunds);
    expect(withRefunds).toMatchObject({
      status: 'captured',
      payment: { reference_id: reference, refunds: [{ id: r.body.id, amount: { value: 10_000, offset: 100 }, speed_processed: 'normal', status: 'success' }] },
    });
    const lookup = await h.graph(`/v24.0/${pnid}/payments/sandbox-razorpay/${reference}`);
    expect(lookup.body.payments[0].transactions[0].refunds).toEqual([expect.objectContaining({ id: r.body.id, status: 'success' })]);
    expect((await refund(25_900)).status).toBe(200);
  });
});
