// WhatsApp-native payments (whatsapp_gateway): the customer pays inside WhatsApp
// through the gateway linked in WhatsApp Manager. Meta's payment status webhook is
// only a trigger: the payment counts once Meta's lookup shows a successful
// transaction whose amount, currency and reference match. Refunds go through Meta.
import { toWhatsAppAmount, fromWhatsAppAmount } from '../../domain/money.ts';
import { getPayment, type PaymentRow } from '../orders/index.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { RefundResult } from '../../platform/payment-provider.port.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../../platform/payment-provider.port.ts';
import { applyCapture, applyInFlight, type ApplyOutcome } from '../payments/index.ts';
import { applyRefundOutcome } from '../payments/index.ts';
import { findRefundByProviderId } from '../payments/index.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';

export const usesMetaPayments = (p: Pick<PaymentRow, 'method'>) => p.method === 'whatsapp_gateway';

function configurationFor(n: WhatsAppNumberRow): string | undefined {
  return (n.payment_configurations.find((c) => c.type !== 'upi') ?? n.payment_configurations[0])?.name;
}

async function numberAndToken(ctx: AppContext, merchantId: string) {
  const n = await getNumberByMerchant(ctx.db, merchantId);
  const token = n ? tokenFor(ctx, n) : undefined;
  const config = n ? configurationFor(n) : undefined;
  if (!n || !token || !config) throw new ProviderRejectedError('WhatsApp payments need a number, an access token and a payment configuration');
  return { n, token, config };
}

/** Looks the bill up at Meta and applies what it shows. */
export async function lookupWhatsAppPayment(ctx: AppContext, merchantId: string, paymentId: string): Promise<ApplyOutcome[]> {
  const attempt = await getPayment(ctx.db, merchantId, paymentId);
  if (!attempt || !usesMetaPayments(attempt)) return [];
  const { n, token, config } = await numberAndToken(ctx, merchantId);
  const r = await graphFor(ctx, n).lookupPayment(n.phone_number_id, token, config, attempt.reference_id);
  if (!r.ok) {
    if (r.error.class === 'permanent' && r.error.httpStatus === 404) return [];
    throw new ProviderUnavailableError(`WhatsApp payment lookup failed: ${r.error.code} ${r.error.title}`);
  }
  const actor = { source: 'whatsapp' as const, id: 'payment-lookup' };
  return inTransaction(ctx, async (tx) => {
    const out: ApplyOutcome[] = [];
    for (const p of r.value.payments.filter((x) => x.reference_id === attempt.reference_id)) {
      const currency = p.currency ?? attempt.currency;
      const total = p.total_amount ? fromWhatsAppAmount({ value: Number(p.total_amount.value), offset: Number(p.total_amount.offset) }, currency) : undefined;
      for (const t of p.transactions ?? []) {
        const base = { merchantId, provider: attempt.provider, providerPaymentId: t.pg_transaction_id ?? t.id, referenceId: p.reference_id };
        // At most one transaction can succeed; only a success with the amount in hand counts.
        if (t.status === 'success' && p.status === 'captured' && total?.ok) {
          out.push(await applyCapture(ctx, tx, actor, { ...base, amount: total.value, currency, verifiedBy: 'lookup' }));
        } else if (t.status === 'pending' || t.status === 'failed') {
          out.push(await applyInFlight(ctx, tx, actor, { ...base, status: t.status, reason: t.error?.reason }));
        }
        // Refunds made through Meta report their outcome here.
        for (const rf of t.refunds ?? []) {
          const ours = rf.id ? await findRefundByProviderId(tx, merchantId, attempt.provider, rf.id) : undefined;
          const status = rf.status === 'success' || rf.status === 'completed' ? 'succeeded' : rf.status === 'failed' ? 'failed' : 'pending';
          if (ours) await applyRefundOutcome(ctx, tx, actor, merchantId, ours.id, { status, providerRefundId: rf.id });
        }
      }
    }
    return out;
  });
}

/** A refund through Meta's payments_refund API (our rfd_ id is not accepted there: the reference is the key). */
export async function refundWhatsAppPayment(ctx: AppContext, attempt: PaymentRow, amount: number): Promise<RefundResult> {
  const { n, token, config } = await numberAndToken(ctx, attempt.merchant_id);
  const a = toWhatsAppAmount(amount, attempt.currency);
  const r = await graphFor(ctx, n).refundPayment(n.phone_number_id, token, {
    referenceId: attempt.reference_id,
    paymentConfigId: config,
    amount: { ...a, currency: attempt.currency },
    speed: 'normal',
  });
  if (!r.ok) {
    if (r.error.class === 'permanent' || r.error.class === 'token')
      throw new ProviderRejectedError(`WhatsApp refund refused: ${r.error.code} ${r.error.title}`);
    throw new ProviderUnavailableError(`WhatsApp refund failed: ${r.error.code} ${r.error.title}`);
  }
  const status = r.value.status === 'completed' ? 'succeeded' : r.value.status === 'failed' ? 'failed' : 'pending';
  return { providerRefundId: r.value.id, status };
}
