// Meta's payment lookup in our words: only a success with the amount in hand is a capture;
// pending and failed transactions are reported as such; refunds inside a transaction are
// followed; and null where Meta has nothing (refunds, method, error, receipt, notes) parses.
import { describe, expect, it } from 'vitest';
import { paymentLookupResponse } from '../../whatsapp/graph.responses.ts';
import { mapWhatsAppLookup } from './whatsapp-pay.adapter.ts';

const lookup = (payment: Record<string, unknown>) => paymentLookupResponse.parse({ payments: [payment] });

describe('mapWhatsAppLookup', () => {
  it('a captured payment with a successful transaction is a capture of the total, in minor units', () => {
    const r = mapWhatsAppLookup(
      lookup({
        reference_id: 'CC-1',
        status: 'captured',
        currency: 'INR',
        total_amount: { value: 24900, offset: 100 },
        transactions: [{ id: 't1', pg_transaction_id: 'pay_1', status: 'success', method: null, error: null, refunds: null }],
        receipt: null,
        notes: null,
      }),
      'CC-1',
      'INR',
    );
    expect(r).toEqual({
      objectStatus: 'paid',
      payments: [{ providerPaymentId: 'pay_1', referenceId: 'CC-1', currency: 'INR', status: 'captured', amount: 24900 }],
      refunds: [],
    });
  });

  it('a success without a total is not a capture; pending and failed are reported with the reason', () => {
    const r = mapWhatsAppLookup(
      lookup({
        reference_id: 'CC-2',
        status: 'captured',
        transactions: [
          { id: 't1', status: 'success' },
          { id: 't2', status: 'failed', error: { code: 'BAD_REQUEST_ERROR', reason: 'payment_failed' } },
          { id: 't3', status: 'pending', pg_transaction_id: null },
        ],
      }),
      'CC-2',
      'INR',
    );
    expect(r.objectStatus).toBe('open');
    expect(r.payments).toEqual([
      { providerPaymentId: 't2', referenceId: 'CC-2', currency: 'INR', status: 'failed', reason: 'payment_failed' },
      { providerPaymentId: 't3', referenceId: 'CC-2', currency: 'INR', status: 'pending', reason: undefined },
    ]);
  });

  it('refunds inside a transaction are followed: success and completed settle, failed fails, others wait', () => {
    const r = mapWhatsAppLookup(
      lookup({
        reference_id: 'CC-3',
        status: 'captured',
        currency: 'INR',
        total_amount: { value: '5000', offset: '100' },
        transactions: [
          {
            id: 't1',
            status: 'success',
            refunds: [
              { id: 'rf1', status: 'success' },
              { id: 'rf2', status: 'completed', amount: null },
              { id: 'rf3', status: 'failed' },
              { id: 'rf4', status: 'pending' },
              { id: null, status: 'success' },
            ],
          },
        ],
      }),
      'CC-3',
      'INR',
    );
    expect(r.refunds).toEqual([
      { providerRefundId: 'rf1', status: 'succeeded' },
      { providerRefundId: 'rf2', status: 'succeeded' },
      { providerRefundId: 'rf3', status: 'failed' },
      { providerRefundId: 'rf4', status: 'pending' },
    ]);
  });

  it("another bill's payment in the answer is ignored", () => {
    const r = mapWhatsAppLookup(
      lookup({
        reference_id: 'CC-OTHER',
        status: 'captured',
        currency: 'INR',
        total_amount: { value: 1, offset: 100 },
        transactions: [{ id: 't', status: 'success' }],
      }),
      'CC-4',
      'INR',
    );
    expect(r).toEqual({ objectStatus: 'open', payments: [], refunds: [] });
  });

  it('a malformed field we do not need does not fail the lookup', () => {
    const parsed = paymentLookupResponse.safeParse({
      payments: [
        { reference_id: 'CC-5', status: 'pending', receipt: 42, notes: 'x', transactions: [{ id: 't', status: 'pending', method: 'upi', error: 'n/a' }] },
      ],
    });
    expect(parsed.success).toBe(true);
  });
});
