import { describe, expect, it } from 'vitest';
import { assessCapture, type CaptureFacts } from './capture.ts';

const base: CaptureFacts = {
  order: { paymentStatus: 'unpaid', status: 'pending' },
  attempt: { status: 'created', amount: 10_000, currency: 'INR', referenceId: 'CC-1' },
  capture: { amount: 10_000, currency: 'INR', referenceId: 'CC-1' },
  orderHasCountedCapture: false,
};
const w = (p: {
  order?: Partial<CaptureFacts['order']>;
  attempt?: Partial<CaptureFacts['attempt']>;
  capture?: Partial<CaptureFacts['capture']>;
  counted?: boolean;
}): CaptureFacts => ({
  order: { ...base.order, ...p.order },
  attempt: { ...base.attempt, ...p.attempt },
  capture: { ...base.capture, ...p.capture },
  orderHasCountedCapture: p.counted ?? false,
});

describe('assessCapture', () => {
  it.each([
    ['a matching capture on an unpaid order counts', w({}), { kind: 'counted' }],
    ['a matching capture after a failed try counts', w({ order: { paymentStatus: 'failed' }, attempt: { status: 'failed' } }), { kind: 'counted' }],
    ['a matching capture of a pending payment counts', w({ order: { paymentStatus: 'pending' }, attempt: { status: 'pending' } }), { kind: 'counted' }],
    ['less money → review', w({ capture: { amount: 9_999 } }), { kind: 'review', reason: 'amount_mismatch' }],
    ['more money → review', w({ capture: { amount: 10_001 } }), { kind: 'review', reason: 'amount_mismatch' }],
    ['another currency → review', w({ capture: { currency: 'USD' } }), { kind: 'review', reason: 'currency_mismatch' }],
    ['another reference → review', w({ capture: { referenceId: 'CC-2' } }), { kind: 'review', reason: 'reference_mismatch' }],
    [
      'a second capture on a paid order is extra',
      w({ order: { paymentStatus: 'paid', status: 'processing' }, attempt: { status: 'captured' }, counted: true }),
      { kind: 'extra' },
    ],
    ['a capture during an open review is extra', w({ order: { paymentStatus: 'manual_review', status: 'canceled' } }), { kind: 'extra' }],
    [
      'a capture after a reviewed capture was refunded is extra (refunded is final)',
      w({ order: { paymentStatus: 'refunded' }, attempt: { status: 'captured' } }),
      { kind: 'extra' },
    ],
    [
      'a mismatching capture after a reviewed late capture was refunded is extra',
      w({ order: { paymentStatus: 'refunded', status: 'canceled' }, attempt: { status: 'captured' }, capture: { amount: 1 } }),
      { kind: 'extra' },
    ],
    [
      'any capture on a paid order is extra, even a mismatching one',
      w({ order: { paymentStatus: 'paid' }, capture: { amount: 1 }, counted: true }),
      { kind: 'extra' },
    ],
    [
      'paid after the order expired → review',
      w({ order: { paymentStatus: 'expired', status: 'canceled' }, attempt: { status: 'expired' } }),
      { kind: 'review', reason: 'paid_after_expiry' },
    ],
    ['paid on an expired attempt of an open order → review', w({ attempt: { status: 'expired' } }), { kind: 'review', reason: 'paid_after_expiry' }],
    [
      'paid after cancel → review',
      w({ order: { paymentStatus: 'canceled', status: 'canceled' }, attempt: { status: 'canceled' } }),
      { kind: 'review', reason: 'paid_after_cancel' },
    ],
    ['paid on a superseded attempt of an open, unpaid order counts', w({ attempt: { status: 'canceled' } }), { kind: 'counted' }],
    [
      'paid on a canceled order whose payment_status was unpaid → review',
      w({ order: { paymentStatus: 'unpaid', status: 'canceled' } }),
      { kind: 'review', reason: 'paid_after_cancel' },
    ],
  ])('%s', (_name, facts, want) => {
    expect(assessCapture(facts)).toEqual(want);
  });
});
