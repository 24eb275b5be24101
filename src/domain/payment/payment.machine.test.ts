import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_STALE,
  ATTEMPT_STATUSES,
  ATTEMPT_TRANSITIONS,
  PAYMENT_STATUSES,
  PAYMENT_STATUS_TRANSITIONS,
  derivePaymentStatus,
  transitionAttempt,
  transitionPaymentStatus,
  type AttemptSnapshot,
  type AttemptStatus,
  type PaymentStatus,
  type PaymentStatusInput,
} from './payment.machine.ts';

// Hand-written expectations, independent of the tables under test: "from>to".
const ATTEMPT_ALLOWED = new Set([
  ...['pending', 'captured', 'failed', 'canceled', 'expired'].map((to) => `created>${to}`),
  ...['captured', 'failed', 'canceled', 'expired'].map((to) => `pending>${to}`),
  ...['pending', 'captured', 'canceled', 'expired'].map((to) => `failed>${to}`),
  'expired>captured',
  'canceled>captured',
  'captured>voided',
]);
// Out-of-order events for a status already moved past: ignored.
const ATTEMPT_STALE_PAIRS = new Set([
  'captured>pending',
  'captured>failed',
  'expired>pending',
  'expired>failed',
  'expired>canceled',
  'canceled>pending',
  'canceled>failed',
  'canceled>expired',
  'voided>pending',
  'voided>failed',
  'voided>canceled',
  'voided>expired',
]);
const PAYMENT_ALLOWED: Record<PaymentStatus, PaymentStatus[]> = {
  unpaid: ['pending', 'paid', 'failed', 'expired', 'canceled', 'manual_review'],
  pending: ['unpaid', 'paid', 'failed', 'expired', 'canceled', 'manual_review'],
  failed: ['unpaid', 'pending', 'paid', 'expired', 'canceled', 'manual_review'],
  expired: ['manual_review'],
  canceled: ['manual_review'],
  manual_review: ['paid', 'refunded'],
  paid: ['unpaid', 'partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
};

const pairs = <S extends string>(xs: readonly S[]) => xs.flatMap((from) => xs.map((to) => ({ from, to })));

describe('payment attempt machine', () => {
  const cases = pairs(ATTEMPT_STATUSES);
  it('covers the full cartesian product and matches the hand-written table', () => {
    expect(cases).toHaveLength(49);
    const tabled = ATTEMPT_STATUSES.flatMap((f) => ATTEMPT_TRANSITIONS[f].map((t) => `${f}>${t}`));
    expect(new Set(tabled)).toEqual(ATTEMPT_ALLOWED);
    const stale = ATTEMPT_STATUSES.flatMap((f) => ATTEMPT_STALE[f].map((t) => `${f}>${t}`));
    expect(new Set(stale)).toEqual(ATTEMPT_STALE_PAIRS);
  });

  it.each(cases)('$from → $to', ({ from, to }) => {
    const key = `${from}>${to}`;
    const r = transitionAttempt(from, to);
    if (from === to || ATTEMPT_STALE_PAIRS.has(key)) expect(r).toEqual({ ok: true, value: 'unchanged' });
    else if (ATTEMPT_ALLOWED.has(key)) expect(r).toEqual({ ok: true, value: 'changed' });
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_transition');
        expect(r.error.details).toEqual({ from, to, allowed: ATTEMPT_TRANSITIONS[from] });
      }
    }
  });

  it('refuses the genuinely impossible ones', () => {
    const refused = pairs(ATTEMPT_STATUSES)
      .filter(({ from, to }) => !transitionAttempt(from, to).ok)
      .map(({ from, to }) => `${from}>${to}`);
    expect(refused.sort()).toEqual(
      [
        ...['pending>created', 'failed>created', 'expired>created', 'canceled>created', 'captured>created', 'captured>canceled', 'captured>expired'],
        ...['voided>created', 'voided>captured', 'created>voided', 'pending>voided', 'failed>voided', 'expired>voided', 'canceled>voided'],
      ].sort(),
    );
  });
});

describe('order payment_status machine', () => {
  const cases = pairs(PAYMENT_STATUSES);
  it('covers the full cartesian product and matches the hand-written table', () => {
    expect(cases).toHaveLength(81);
    expect(PAYMENT_STATUS_TRANSITIONS).toEqual(PAYMENT_ALLOWED);
  });

  it.each(cases)('$from → $to', ({ from, to }) => {
    const r = transitionPaymentStatus(from, to);
    if (from === to) expect(r).toEqual({ ok: true, value: 'unchanged' });
    else if (PAYMENT_ALLOWED[from].includes(to)) expect(r).toEqual({ ok: true, value: 'changed' });
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_transition');
        expect(r.error.details).toEqual({ from, to, allowed: PAYMENT_ALLOWED[from] });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
const at = (status: AttemptStatus, extra: Partial<AttemptSnapshot> = {}): AttemptSnapshot => ({
  status,
  amount: 1000,
  currency: 'INR',
  counted: false,
  ...extra,
});
const paid = (extra: Partial<AttemptSnapshot> = {}) => at('captured', { counted: true, ...extra });
const input = (over: Partial<PaymentStatusInput>): PaymentStatusInput => ({
  attempts: [],
  orderTotal: 1000,
  orderCurrency: 'INR',
  refundedAmount: 0,
  review: null,
  orderExpired: false,
  orderCanceled: false,
  ...over,
});

const scenarios: [string, Partial<PaymentStatusInput>, PaymentStatus][] = [
  ['no attempt yet', {}, 'unpaid'],
  ['billed, nothing in flight', { attempts: [at('created')] }, 'unpaid'],
  ['customer started paying', { attempts: [at('pending')] }, 'pending'],
  ['payment failed', { attempts: [at('failed')] }, 'failed'],
  ['failed, then bill resent', { attempts: [at('failed'), at('created')] }, 'unpaid'],
  ['failed bill canceled by a resend that is pending', { attempts: [at('canceled'), at('pending')] }, 'pending'],
  ['failed then captured on retry of the same link', { attempts: [paid()] }, 'paid'],
  ['captured', { attempts: [at('expired'), paid()] }, 'paid'],
  ['partial refund', { attempts: [paid()], refundedAmount: 300 }, 'partially_refunded'],
  ['second partial refund', { attempts: [paid()], refundedAmount: 999 }, 'partially_refunded'],
  ['fully refunded', { attempts: [paid()], refundedAmount: 1000 }, 'refunded'],
  ['extra capture ignored', { attempts: [paid(), at('captured')] }, 'paid'],
  ['extra capture refunded ignored', { attempts: [paid(), at('captured')], refundedAmount: 0 }, 'paid'],
  ['late extra capture after paid ignored', { attempts: [paid(), at('captured', { late: true })], orderExpired: true }, 'paid'],
  ['counted capture beats a later pending attempt', { attempts: [paid(), at('pending')] }, 'paid'],
  ['expired', { attempts: [at('expired')], orderExpired: true }, 'expired'],
  ['canceled', { attempts: [at('canceled')], orderCanceled: true }, 'canceled'],
  ['expired beats canceled', { attempts: [at('expired')], orderExpired: true, orderCanceled: true }, 'expired'],
  ['pending attempt beats order expiry', { attempts: [at('pending')], orderExpired: true }, 'pending'],
  ['late payment after expiry, review open', { attempts: [at('captured', { late: true })], orderExpired: true, review: 'open' }, 'manual_review'],
  ['late payment after expiry, review not yet recorded', { attempts: [at('captured', { late: true })], orderExpired: true }, 'manual_review'],
  ['late payment after cancel', { attempts: [at('captured', { late: true })], orderCanceled: true, review: 'open' }, 'manual_review'],
  ['late payment accepted', { attempts: [at('captured', { late: true })], orderExpired: true, review: 'accepted' }, 'paid'],
  [
    'late payment accepted, then partially refunded',
    { attempts: [at('captured', { late: true })], orderExpired: true, review: 'accepted', refundedAmount: 100 },
    'partially_refunded',
  ],
  ['late payment accepted, then fully refunded', { attempts: [at('captured', { late: true })], review: 'accepted', refundedAmount: 1000 }, 'refunded'],
  ['late payment refunded by review', { attempts: [at('captured', { late: true })], orderExpired: true, review: 'refunded' }, 'refunded'],
  ['amount mismatch flagged', { attempts: [at('captured', { amount: 900, mismatch: true })] }, 'manual_review'],
  ['amount mismatch, unflagged', { attempts: [at('captured', { amount: 900 })] }, 'manual_review'],
  ['currency mismatch', { attempts: [at('captured', { currency: 'USD' })] }, 'manual_review'],
  [
    'mismatch accepted is paid for its own amount',
    { attempts: [at('captured', { amount: 900, mismatch: true })], review: 'accepted', refundedAmount: 900 },
    'refunded',
  ],
  ['open review beats a counted capture', { attempts: [paid()], review: 'open' }, 'manual_review'],
];

describe('derivePaymentStatus', () => {
  it('has at least 15 scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(15));
  it.each(scenarios)('%s → %s', (_name, over, want) => {
    expect(derivePaymentStatus(input(over))).toBe(want);
  });

  // Each story is a sequence of states an order passes through: every derived step must be a
  // move the payment_status table allows, so derivation and table cannot disagree.
  const stories: [string, Partial<PaymentStatusInput>[], PaymentStatus[]][] = [
    [
      'retry then refunds',
      [
        { attempts: [at('created')] },
        { attempts: [at('pending')] },
        { attempts: [at('failed')] },
        { attempts: [at('pending')] },
        { attempts: [paid()] },
        { attempts: [paid()], refundedAmount: 200 },
        { attempts: [paid()], refundedAmount: 400 },
        { attempts: [paid()], refundedAmount: 1000 },
      ],
      ['unpaid', 'pending', 'failed', 'pending', 'paid', 'partially_refunded', 'partially_refunded', 'refunded'],
    ],
    [
      'late payment accepted',
      [
        { attempts: [at('created')] },
        { attempts: [at('expired')], orderExpired: true },
        { attempts: [at('captured', { late: true })], orderExpired: true },
        { attempts: [at('captured', { late: true })], orderExpired: true, review: 'open' },
        { attempts: [at('captured', { late: true, counted: true })], orderExpired: true, review: 'accepted' },
      ],
      ['unpaid', 'expired', 'manual_review', 'manual_review', 'paid'],
    ],
    [
      'late payment after cancel refunded',
      [
        { attempts: [at('pending')] },
        { attempts: [at('canceled')], orderCanceled: true },
        { attempts: [at('captured', { late: true })], orderCanceled: true, review: 'open' },
        { attempts: [at('captured', { late: true })], orderCanceled: true, review: 'refunded' },
      ],
      ['pending', 'canceled', 'manual_review', 'refunded'],
    ],
    [
      'bill resent while pending',
      [{ attempts: [at('pending')] }, { attempts: [at('canceled'), at('created')] }, { attempts: [at('canceled'), paid()] }],
      ['pending', 'unpaid', 'paid'],
    ],
  ];

  it.each(stories)('story: %s', (_name, steps, want) => {
    const got = steps.map((s) => derivePaymentStatus(input(s)));
    expect(got).toEqual(want);
    for (let i = 1; i < got.length; i++) {
      expect(transitionPaymentStatus(got[i - 1]!, got[i]!).ok, `${got[i - 1]} → ${got[i]}`).toBe(true);
    }
  });
});
