import { describe, expect, it } from 'vitest';
import {
  fansOut,
  isBusinessEventType,
  isValidFilterEntry,
  matchesEventFilter,
  paymentIdFor,
  toBusinessEvent,
  type LogEventInput,
  type OrderSnapshot,
  type PaymentSnapshot,
} from './business-events.ts';

const order: OrderSnapshot = {
  id: 'ord_1',
  status: 'processing',
  payment_status: 'paid',
  currency: 'INR',
  total: 29500,
  amount_paid: 29500,
  amount_refunded: 0,
  customer_id: 'cus_1',
  customer_bsuid: 'IN.1234567890abcdef',
  customer_wa_id: '919876543210',
  customer_name: 'Asha',
  metadata: { crm_id: '42' },
  event_seq: 7,
};
const payment: PaymentSnapshot = {
  id: 'pay_1',
  reference_id: 'CC-ABC',
  method: 'payment_link',
  provider: 'razorpay',
  status: 'captured',
  provider_object_id: 'plink_9',
  provider_payment_id: 'pay_Rzp123',
};
const ev = (type: string, over: Partial<LogEventInput> = {}): LogEventInput => ({
  id: 'evt_1',
  type,
  order_id: 'ord_1',
  seq: 5,
  source: 'provider',
  data: { payment_id: 'pay_1', amount: 29500 },
  previous: { payment_status: 'unpaid' },
  created_at: new Date('2026-03-01T10:00:00Z'),
  ...over,
});

describe('which log types are business events', () => {
  it.each([
    ['order.created', true, true],
    ['order.bill_sent', true, true],
    ['order.paid', true, true],
    ['order.status_changed', true, true],
    ['order.expired', true, true],
    ['order.canceled', true, true],
    ['order.review_resolved', true, true],
    ['payment.failed', true, true],
    ['payment.manual_review', true, true],
    ['payment.captured', true, true],
    ['refund.created', true, true],
    ['refund.succeeded', true, true],
    ['refund.failed', true, true],
    ['dispute.opened', true, true],
    ['dispute.lost', true, true],
    ['webhook_endpoint.disabled', true, true],
    ['webhook.test', true, false],
    ['webhook_endpoint.created', false, false],
    ['message.failed', false, false],
    ['whatsapp.token_invalid', false, false],
    ['booking.confirmed', true, true],
    ['orders.paid', false, false],
  ])('%s: business %s, fans out %s', (type, business, fanout) => {
    expect(isBusinessEventType(type)).toBe(business);
    expect(fansOut(type)).toBe(fanout);
  });
});

describe('event filters', () => {
  it.each([
    ['*', true],
    ['order.*', true],
    ['dispute.*', true],
    ['booking.*', true],
    ['webhook_endpoint.*', true],
    ['order.paid', true],
    ['refund.succeeded', true],
    ['webhook_endpoint.disabled', true],
    ['message.failed', false],
    ['message.received', true],
    ['message.*', true],
    ['orders.paid', false],
    ['order', false],
    ['order.', false],
    ['*.paid', false],
    ['ORDER.PAID', false],
    ['webhook.test', false],
  ])('%s is a valid entry: %s', (entry, valid) => expect(isValidFilterEntry(entry)).toBe(valid));

  it.each([
    [null, 'order.paid', true],
    [null, 'message.failed', false],
    [['*'], 'refund.failed', true],
    [['order.*'], 'order.paid', true],
    [['order.*'], 'orders.paid', false],
    [['order.*'], 'refund.created', false],
    [['order.paid', 'refund.*'], 'refund.created', true],
    [['order.paid'], 'order.paid_late', false],
    [['order.paid'], 'webhook.test', true],
    [[], 'order.paid', false],
  ] as const)('%j receives %s: %s', (filter, type, expected) => expect(matchesEventFilter(filter, type)).toBe(expected));
});

describe('toBusinessEvent', () => {
  it('normalizes an order event: stable id, seq, customer, amounts, provider ids, metadata and the event data', () => {
    const b = toBusinessEvent(ev('order.paid'), { order, payment, currentReferenceId: 'CC-ABC' })!;
    expect(b).toEqual({
      id: 'evt_1',
      type: 'order.paid',
      timestamp: '2026-03-01T10:00:00.000Z',
      data: {
        order_id: 'ord_1',
        seq: 5,
        reference_id: 'CC-ABC',
        customer: { id: 'cus_1', bsuid: 'IN.1234567890abcdef', wa_id: '919876543210', name: 'Asha' },
        status: 'processing',
        payment_status: 'paid',
        amounts: { total: 29500, amount_paid: 29500, amount_refunded: 0, currency: 'INR', as_of_seq: 7 },
        payment: {
          id: 'pay_1',
          reference_id: 'CC-ABC',
          method: 'payment_link',
          provider: 'razorpay',
          status: 'captured',
          provider_object_id: 'plink_9',
          provider_payment_id: 'pay_Rzp123',
        },
        metadata: { crm_id: '42' },
        source: 'provider',
        details: { payment_id: 'pay_1', amount: 29500 },
        previous: { payment_status: 'unpaid' },
      },
    });
    // The same input gives the same bytes: retries are byte-identical.
    expect(JSON.stringify(toBusinessEvent(ev('order.paid'), { order, payment, currentReferenceId: 'CC-ABC' }))).toBe(JSON.stringify(b));
  });

  it('maps an event without an order (an unmatched dispute, an operational event)', () => {
    const b = toBusinessEvent(ev('dispute.opened', { order_id: null, seq: null, data: { provider_dispute_id: 'dp_1' }, previous: null }))!;
    expect(b.data).toMatchObject({
      order_id: null,
      seq: null,
      reference_id: null,
      customer: null,
      amounts: null,
      payment: null,
      metadata: {},
      details: { provider_dispute_id: 'dp_1' },
    });
  });

  it('falls back to the payment reference and ignores non-business types', () => {
    expect(toBusinessEvent(ev('refund.created'), { order, payment })!.data.reference_id).toBe('CC-ABC');
    expect(toBusinessEvent(ev('message.failed'), { order })).toBeNull();
  });

  it('finds the payment an event is about', () => {
    expect(paymentIdFor(ev('refund.created'), 'pay_2')).toBe('pay_1');
    expect(paymentIdFor(ev('order.status_changed', { data: { status: 'shipped' } }), 'pay_2')).toBe('pay_2');
    expect(paymentIdFor(ev('order.status_changed', { data: {} }), null)).toBeNull();
  });
});
