// Expiry without races: before an order expires, each open bill's checkout object
// is closed at its provider and looked up one last time, so a payment made in the
// last seconds is counted, and one still pending holds expiry back for a grace period.
// A provider that refuses the call (a 4xx, or a merchant whose WhatsApp payments are not
// configured) does not hold expiry back forever: the order expires, and a payment that
// lands later still takes the late-payment path (manual_review). Outages are retried.
import { adapterNameFor, getOrder } from '../orders/index.ts';
import { listPaymentsForOrder } from '../orders/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { expireOrder } from '../orders/index.ts';
import { LATE_GRACE_MS, lookupAttempt } from './payments.lookup.ts';
import { accountFor } from './payments.provider-accounts.ts';
import type { Result } from '../../domain/result.ts';
import { ProviderRejectedError } from '../../platform/payment-provider.port.ts';

export async function expireWithProvider(ctx: AppContext, merchantId: string, orderId: string): Promise<Result<{ expired: boolean; retryAt?: Date }>> {
  const order = await getOrder(ctx.db, merchantId, orderId);
  const now = ctx.clock.now();
  if (order && order.status === 'pending' && ['unpaid', 'failed', 'pending'].includes(order.payment_status) && order.expires_at.getTime() <= now.getTime()) {
    for (const a of await listPaymentsForOrder(ctx.db, merchantId, orderId)) {
      if (!['created', 'pending', 'failed'].includes(a.status)) continue;
      // Close the checkout object so no new payment starts on it (a bill without one, like
      // WhatsApp Pay's order_details, ends at its own expiration), then look up one last time.
      if (a.provider_object_id) {
        const acc = await accountFor(ctx, merchantId, adapterNameFor(a));
        if (!acc.ok) continue;
        await unlessRefused(ctx, a.id, () => acc.value.adapter.cancel(acc.value.account.credentials, a.provider_object_id!));
      }
      await unlessRefused(ctx, a.id, () => lookupAttempt(ctx, merchantId, a.id));
    }
  }
  return inTransaction(ctx, (tx) =>
    expireOrder(ctx, tx, merchantId, orderId, { graceUntil: order ? new Date(order.expires_at.getTime() + LATE_GRACE_MS) : undefined }),
  );
}

async function unlessRefused(ctx: AppContext, paymentId: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof ProviderRejectedError)) throw e;
    ctx.log.warn({ payment_id: paymentId, err: e.message }, 'provider refused the call at expiry: expiring without it');
  }
}
