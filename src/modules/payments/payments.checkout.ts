// The hosted checkout's hand-over: the provider's checkout object is created only
// when the customer proceeds (a GET of /pay/{token} changes nothing: WhatsApp's link
// preview opens every link), with our payment id as the idempotency key, so a double
// click or a retry never makes two.
import { isTimeZone } from '../../domain/business.ts';
import type { Presentation } from '../../domain/display.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { getMerchant } from '../merchants/index.ts';
import { addShippingAddress, awaitsAddress, getOrder, type OrderRow } from '../orders/index.ts';
import { checkShippingAddress } from '../../domain/address.ts';
import { getPayment, getPaymentByToken, lockAttemptWithoutObject, updatePayment, type PaymentRow } from '../orders/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { schedulePoll } from './payments.lookup.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../../platform/payment-provider.port.ts';
import { accountFor } from './payments.provider-accounts.ts';
import { getMerchantPolicies } from './payments.policies.ts';

export type CheckoutState = 'open' | 'processing' | 'paid' | 'expired' | 'canceled' | 'refunded' | 'review' | 'over_limit';

export interface CheckoutView {
  attempt: PaymentRow;
  order: OrderRow;
  merchantName: string;
  /** How the business writes money and times (its locale and time zone). */
  presentation: Presentation;
  state: CheckoutState;
  /** over_limit: whether the shop's policy gives the payment back (else it keeps it, flagged). */
  refundsExtra: boolean;
}

/** A minimum of time left for the customer to pay: a page with less says it has expired. */
export const MIN_TIME_LEFT_MS = 60_000;

export function checkoutState(order: OrderRow, attempt: PaymentRow, now: Date): CheckoutState {
  // Paid after a checkout link's last allowed payment: taken as an extra capture, the order closed.
  if (attempt.flags['over_limit'] && !['paid', 'partially_refunded'].includes(order.payment_status)) return 'over_limit';
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
  const state = checkoutState(order, attempt, ctx.clock.now());
  return {
    attempt,
    order,
    merchantName: merchant.name,
    presentation: { locale: merchant.locale, timeZone: isTimeZone(merchant.time_zone) ? merchant.time_zone : 'UTC' },
    state,
    refundsExtra: state === 'over_limit' ? (await getMerchantPolicies(ctx.db, attempt.merchant_id)).extra_capture === 'refund' : true,
  };
}

export async function proceedToCheckout(ctx: AppContext, token: string): Promise<Result<{ url: string }>> {
  const view = await viewCheckout(ctx, token);
  if (!view) return err(domainError('not_found', 'No such payment page'));
  const { attempt, order } = view;
  if (view.state !== 'open' && view.state !== 'processing') return err(domainError('conflict', `This bill is ${view.state}`, { state: view.state }));
  // Physical goods ship somewhere: the page asks for the address before the provider is involved.
  if (awaitsAddress(order)) return err(domainError('conflict', 'Enter the delivery address first', { state: 'address_required' }));
  // Not yet paid, and already over a limit (a checkout link paid as often as it allows while
  // this payer was on the page): no one is sent to pay what would only be refunded.
  for (const limit of ctx.captureLimits) {
    const reason = await limit(ctx, ctx.db, { merchantId: order.merchant_id, orderId: order.id }, { count: false });
    if (reason) return err(domainError('conflict', reason, { state: 'limit_reached' }));
  }
  if (attempt.checkout_url) return ok({ url: attempt.checkout_url });
  return ensureCheckoutObject(ctx, attempt, order, view.merchantName);
}

/**
 * The delivery address typed on the pay page of a physical-goods order (POST /pay/{token}/address):
 * checked field by field (errors come back per field for the form), stored with its event.
 */
export async function addCheckoutAddress(ctx: AppContext, token: string, raw: Partial<Record<string, unknown>>): Promise<Result<OrderRow>> {
  const view = await viewCheckout(ctx, token);
  if (!view) return err(domainError('not_found', 'No such payment page'));
  if (view.state !== 'open') return err(domainError('conflict', `This bill is ${view.state}`, { state: view.state }));
  const checked = checkShippingAddress(raw);
  if (!checked.ok) return err(domainError('validation_error', 'Please check the delivery address', { fields: checked.error }));
  return inTransaction(ctx, (tx) =>
    addShippingAddress(ctx, tx, { source: 'job', id: 'pay_page' }, view.order.merchant_id, view.order.id, checked.value, {
      via: 'pay_page',
      sendBill: false,
    }),
  );
}

/**
 * The provider's checkout object for an attempt, created once: our payment id is the
 * idempotency key, so racing or retried calls get the same object, and the first
 * stored one wins. For UPI bills it also carries the intent (its `tr` is our reference).
 */
export async function ensureCheckoutObject(
  ctx: AppContext,
  attempt: PaymentRow,
  order: OrderRow,
  merchantName: string,
  opts: { upi?: boolean } = {},
): Promise<Result<{ url: string; upiIntent: string | null }>> {
  if (attempt.provider_object_id && attempt.checkout_url) return ok({ url: attempt.checkout_url, upiIntent: attempt.upi_intent });
  const acc = await accountFor(ctx, attempt.merchant_id, attempt.provider);
  if (!acc.ok) return acc;
  let object: Awaited<ReturnType<typeof acc.value.adapter.createCheckout>>;
  try {
    object = await acc.value.adapter.createCheckout(acc.value.account.credentials, {
      paymentId: attempt.id,
      referenceId: attempt.reference_id,
      amount: attempt.amount,
      currency: attempt.currency,
      description: `${merchantName}: order ${order.id}`,
      customer: { wa_id: order.customer_wa_id, name: order.customer_name },
      expiresAt: attempt.expires_at,
      returnUrl: attempt.pay_token ? `${ctx.publicUrl}/pay/${attempt.pay_token}` : ctx.publicUrl,
      merchantId: attempt.merchant_id,
      ...(opts.upi ? { upi: true } : {}),
    });
  } catch (e) {
    // The customer sees a page, not a stack: a refusal is the shop's configuration, an outage is temporary.
    if (e instanceof ProviderRejectedError) {
      ctx.log.error({ err: e, payment: attempt.id }, 'provider refused to create the checkout');
      return err(domainError('unprocessable', 'The payment provider refused this payment. Please contact the shop.'));
    }
    if (e instanceof ProviderUnavailableError)
      return err(domainError('service_unavailable', 'The payment provider is not answering right now. Please try again in a minute.'));
    throw e;
  }
  return ok(
    await inTransaction(ctx, async (tx) => {
      // The order's row first, like every other writer of its attempts (else a deadlock with a
      // concurrent rebill or capture, which lock the order and then update the attempt).
      await getOrder(tx, attempt.merchant_id, attempt.order_id, { forUpdate: true });
      // Two calls racing get the same object (same idempotency key); the first write wins,
      // and the loser uses the stored one.
      if (!(await lockAttemptWithoutObject(tx, attempt.id))) {
        const stored = await getPayment(tx, attempt.merchant_id, attempt.id);
        return { url: stored?.checkout_url ?? object.url, upiIntent: stored?.upi_intent ?? null };
      }
      const now = ctx.clock.now();
      await updatePayment(
        tx,
        attempt.merchant_id,
        attempt.id,
        { provider_object_id: object.providerObjectId, checkout_url: object.url, upi_intent: object.upiIntent?.url ?? null },
        now,
      );
      await recordEvent(
        ctx,
        tx,
        { source: 'job', id: 'checkout' },
        {
          merchantId: attempt.merchant_id,
          orderId: order.id,
          type: 'payment.checkout_created',
          data: { payment_id: attempt.id, provider: attempt.provider, provider_object_id: object.providerObjectId },
        },
      );
      await schedulePoll(ctx, tx, attempt.merchant_id, attempt.id, 0, now);
      return { url: object.url, upiIntent: object.upiIntent?.url ?? null };
    }),
  );
}
