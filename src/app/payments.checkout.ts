// The hosted checkout's hand-over: the provider's checkout object is created only
// when the customer proceeds (a GET of /pay/{token} changes nothing: WhatsApp's link
// preview opens every link), with our payment id as the idempotency key, so a double
// click or a retry never makes two.
import { domainError } from '../domain/errors.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { getMerchant } from '../store/merchants.repository.ts';
import { getOrder, type OrderRow } from '../store/orders.repository.ts';
import { getPaymentByToken, lockAttemptWithoutObject, updatePayment, type PaymentRow } from '../store/payments.repository.ts';
import type { AppContext } from './context.ts';
import { inTransaction } from './context.ts';
import { recordEvent } from './events.ts';
import { schedulePoll } from './payments.lookup.ts';
import { accountFor } from './provider-accounts.ts';

export type CheckoutState = 'open' | 'processing' | 'paid' | 'expired' | 'canceled' | 'refunded' | 'review';

export interface CheckoutView {
  attempt: PaymentRow;
  order: OrderRow;
  merchantName: string;
  state: CheckoutState;
}

/** A minimum of time left for the customer to pay: a page with less says it has expired. */
export const MIN_TIME_LEFT_MS = 60_000;

export function checkoutState(order: OrderRow, attempt: PaymentRow, now: Date): CheckoutState {
  if (['paid', 'partially_refunded'].includes(order.payment_status)) return 'paid';
  if (order.payment_status === 'refunded') return 'refunded';
  if (order.payment_status === 'manual_review') return 'review';
  if (attempt.status === 'captured') return 'paid';
  if (order.payment_status === 'expired' || attempt.status === 'expired' || attempt.expires_at.getTime() - now.getTime() < MIN_TIME_LEFT_MS) return 'expired';
  if (order.status === 'canceled' || attempt.status === 'canceled') return 'canceled';
  if (attempt.status === 'pending') return 'processing';
  return 'open';
}

export async function viewCheckout(ctx: AppContext, token: string): Promise<CheckoutView | undefined> {
  const attempt = await getPaymentByToken(ctx.db, token);
  if (!attempt) return undefined;
  const order = (await getOrder(ctx.db, attempt.merchant_id, attempt.order_id))!;
  const merchant = (await getMerchant(ctx.db, attempt.merchant_id))!;
  return { attempt, order, merchantName: merchant.name, state: checkoutState(order, attempt, ctx.clock.now()) };
}

export async function proceedToCheckout(ctx: AppContext, token: string): Promise<Result<{ url: string }>> {
  const view = await viewCheckout(ctx, token);
  if (!view) return err(domainError('not_found', 'No such payment page'));
  const { attempt, order } = view;
  if (view.state !== 'open' && view.state !== 'processing') return err(domainError('conflict', `This bill is ${view.state}`, { state: view.state }));
  if (attempt.checkout_url) return ok({ url: attempt.checkout_url });
  const acc = await accountFor(ctx, attempt.merchant_id, attempt.provider);
  if (!acc.ok) return acc;
  const object = await acc.value.adapter.createCheckout(acc.value.account.credentials, {
    paymentId: attempt.id,
    referenceId: attempt.reference_id,
    amount: attempt.amount,
    currency: attempt.currency,
    description: `${view.merchantName}: order ${order.id}`,
    customer: { wa_id: order.customer_wa_id, name: order.customer_name },
    expiresAt: attempt.expires_at,
    returnUrl: `${ctx.publicUrl}/pay/${token}`,
    merchantId: attempt.merchant_id,
  });
  await inTransaction(ctx, async (tx) => {
    // Two proceeds racing get the same object (same idempotency key); the first write wins.
    if (!(await lockAttemptWithoutObject(tx, attempt.id))) return;
    const now = ctx.clock.now();
    await updatePayment(tx, attempt.merchant_id, attempt.id, { provider_object_id: object.providerObjectId, checkout_url: object.url, upi_intent: object.upiIntent?.url ?? null }, now);
    await recordEvent(ctx, tx, { source: 'api', id: 'checkout' }, {
      merchantId: attempt.merchant_id,
      orderId: order.id,
      type: 'payment.checkout_created',
      data: { payment_id: attempt.id, provider: attempt.provider, provider_object_id: object.providerObjectId },
    });
    await schedulePoll(ctx, tx, attempt.merchant_id, attempt.id, 0, now);
  });
  return ok({ url: object.url });
}
