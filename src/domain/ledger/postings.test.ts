import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountType, isAccount } from './chart.ts';
import {
  captureApplied,
  captureUnapplied,
  checkBalanced,
  disputeReinstated,
  disputeWithdrawn,
  payout,
  providerFee,
  refundSucceeded,
  reviewAccepted,
  taxPart,
  type LedgerEntry,
} from './postings.ts';

const at = new Date('2026-03-01T10:00:00Z');
const sum = (e: LedgerEntry) => e.lines.reduce((s, l) => s + l.amount, 0);
const balanceOf = (e: LedgerEntry, account: string) => e.lines.filter((l) => l.account === account).reduce((s, l) => s + l.amount, 0);

describe('chart of accounts', () => {
  it('knows its accounts and refuses others', () => {
    expect(accountType('provider_clearing:razorpay')).toBe('asset');
    expect(accountType('revenue')).toBe('revenue');
    expect(accountType('refunds')).toBe('contra_revenue');
    expect(accountType('unapplied_receipts')).toBe('liability');
    expect(isAccount('provider_clearing:')).toBe(false);
    expect(isAccount('provider_clearing:Bad Name')).toBe(false);
    expect(isAccount('cash')).toBe(false);
  });
});

describe('posting builders', () => {
  const base = { provider: 'razorpay', providerPaymentId: 'pay_1', orderId: 'ord_1', currency: 'INR', eventAt: at };

  it('a capture that pays the order credits revenue and the tax part', () => {
    const e = captureApplied({ ...base, amount: 11800, orderTotal: 11800, orderTax: 1800 });
    expect(e.externalKey).toBe('capture:razorpay:pay_1');
    expect(e.lines).toEqual([
      { account: 'provider_clearing:razorpay', amount: 11800 },
      { account: 'revenue', amount: -10000 },
      { account: 'tax_payable', amount: -1800 },
    ]);
    expect(checkBalanced(e).ok).toBe(true);
  });

  it('drops a zero tax line and splits tax pro rata for a partial amount', () => {
    expect(captureApplied({ ...base, amount: 500, orderTotal: 500, orderTax: 0 }).lines).toHaveLength(2);
    expect(taxPart(5900, 11800, 1800)).toBe(900);
    expect(taxPart(20000, 11800, 1800)).toBe(1800);
  });

  it('suspense in, suspense out: unapplied capture, review accept, refund of unapplied money', () => {
    const held = captureUnapplied({ ...base, amount: 700, reason: 'review' });
    const accepted = reviewAccepted({ ...base, amount: 700, orderTotal: 700, orderTax: 0 });
    const givenBack = refundSucceeded({ ...base, refundId: 'rfd_1', amount: 700, refundKind: 'review' });
    expect(balanceOf(held, 'unapplied_receipts') + balanceOf(accepted, 'unapplied_receipts')).toBe(0);
    expect(balanceOf(held, 'unapplied_receipts') + balanceOf(givenBack, 'unapplied_receipts')).toBe(0);
    expect(givenBack.kind).toBe('refund_unapplied');
    expect(refundSucceeded({ ...base, refundId: 'rfd_2', amount: 10, refundKind: 'merchant' }).lines[0]).toEqual({ account: 'refunds', amount: 10 });
  });

  it('fees net their tax, disputes reverse exactly, payouts leave clearing for the bank', () => {
    const fee = providerFee({ ...base, fee: 2900, tax: 442, source: 'test' });
    expect(fee.lines).toEqual([
      { account: 'provider_fees', amount: 2458 },
      { account: 'provider_fee_tax', amount: 442 },
      { account: 'provider_clearing:razorpay', amount: -2900 },
    ]);
    const w = disputeWithdrawn({ ...base, providerDisputeId: 'disp_1', amount: 300 });
    const r = disputeReinstated({ ...base, providerDisputeId: 'disp_1', amount: 300 });
    expect(w.lines.map((l) => ({ ...l, amount: -l.amount })).sort((a, b) => a.account.localeCompare(b.account))).toEqual(
      [...r.lines].sort((a, b) => a.account.localeCompare(b.account)),
    );
    expect(w.externalKey).not.toBe(r.externalKey);
    const p = payout({ provider: 'razorpay', settlementId: 'setl_1', amount: 97100, currency: 'INR', eventAt: at, reference: 'UTR1' });
    expect(p.externalKey).toBe('payout:razorpay:setl_1');
    expect(p.metadata).toMatchObject({ reference: 'UTR1' });
  });

  it('every builder balances for any amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 1e12 }), (amount, tax, total) => {
        const t = Math.min(tax, total);
        const entries = [
          captureApplied({ ...base, amount, orderTotal: total, orderTax: t }),
          reviewAccepted({ ...base, amount, orderTotal: total, orderTax: t }),
          captureUnapplied({ ...base, amount, reason: 'extra' }),
          refundSucceeded({ ...base, refundId: 'rfd_x', amount, refundKind: 'merchant' }),
          providerFee({ ...base, fee: amount, tax: Math.min(t, amount), source: 'p' }),
          disputeWithdrawn({ ...base, providerDisputeId: 'd', amount }),
        ];
        for (const e of entries) {
          expect(sum(e)).toBe(0);
          expect(checkBalanced(e).ok).toBe(true);
        }
      }),
    );
  });
});

describe('checkBalanced', () => {
  const e = { currency: 'INR', externalKey: 'k' };
  it('refuses unbalanced, one-line, zero, fractional, unknown-account and unknown-currency transactions', () => {
    expect(
      checkBalanced({
        ...e,
        lines: [
          { account: 'revenue', amount: -5 },
          { account: 'bank', amount: 4 },
        ],
      }).ok,
    ).toBe(false);
    expect(
      checkBalanced({
        ...e,
        lines: [
          { account: 'bank', amount: 0 },
          { account: 'revenue', amount: 0 },
        ],
      }).ok,
    ).toBe(false);
    expect(checkBalanced({ ...e, lines: [{ account: 'bank', amount: 1 }] }).ok).toBe(false);
    expect(
      checkBalanced({
        ...e,
        lines: [
          { account: 'bank', amount: 1.5 },
          { account: 'revenue', amount: -1.5 },
        ],
      }).ok,
    ).toBe(false);
    expect(
      checkBalanced({
        ...e,
        lines: [
          { account: 'cash', amount: 1 },
          { account: 'revenue', amount: -1 },
        ],
      }).ok,
    ).toBe(false);
    expect(
      checkBalanced({
        ...e,
        currency: 'XXZ',
        lines: [
          { account: 'bank', amount: 1 },
          { account: 'revenue', amount: -1 },
        ],
      }).ok,
    ).toBe(false);
    const bad = checkBalanced({
      ...e,
      lines: [
        { account: 'bank', amount: 3 },
        { account: 'revenue', amount: -2 },
      ],
    });
    expect(!bad.ok && bad.error.message).toMatch(/sum to 1/);
  });
});
