// The method × provider table of the API contract: which providers can serve which
// bill, and where. Enforced when an order or bill is created.
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Mode } from '../../platform/context.ts';

export const PAYMENT_METHODS = ['payment_link', 'whatsapp_gateway', 'whatsapp_upi', 'cash_on_delivery'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The methods a provider serves (cash on delivery has none). */
export const PROVIDER_METHODS = ['payment_link', 'whatsapp_gateway', 'whatsapp_upi'] as const;
type ProviderMethod = (typeof PROVIDER_METHODS)[number];

/**
 * What a payment attempt's `method` may be: a bill's method, or `recorded` — money the
 * merchant's staff took (cash, a bank transfer) and recorded with
 * POST /v1/orders/{id}/record-payment. Neither cash on delivery nor a recorded payment has a
 * provider: their attempts name the pseudo-providers below, which no adapter answers to.
 */
export const ATTEMPT_METHODS = [...PAYMENT_METHODS, 'recorded'] as const;
export type AttemptMethod = (typeof ATTEMPT_METHODS)[number];
/** The provider of a cash-on-delivery bill: nobody is asked (no checkout object, no lookup). */
export const COD_PROVIDER = 'none';
/** The provider of a recorded payment; the ledger books its money on cash_on_hand (domain/ledger/chart.ts). */
export { RECORDED_PROVIDER } from '../../domain/ledger/chart.ts';

export const PROVIDERS = ['sandbox', 'razorpay', 'stripe', 'payu', 'billdesk', 'zaakpay'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const METHOD_TABLE: Record<ProviderMethod, { providers: readonly Provider[]; currencies?: readonly string[]; via?: string }> = {
  payment_link: { providers: ['sandbox', 'razorpay', 'stripe'] },
  // Paid inside WhatsApp through the merchant's gateway, but looked up and refunded at Meta
  // (the whatsapp_pay adapter), whichever gateway is behind it. In sandbox mode the Cloud
  // API double plays Meta's side.
  whatsapp_gateway: { providers: ['razorpay', 'payu', 'billdesk', 'zaakpay', 'sandbox'], currencies: ['INR'], via: 'whatsapp_pay' },
  // Only a provider that mints the UPI intent whose `tr` becomes the bill's reference_id: the
  // sandbox does; Razorpay's dynamic-VPA intent is not implemented, and a bill with our own
  // reference paid to a static VPA could never be matched (the order would expire paid).
  whatsapp_upi: { providers: ['sandbox'], currencies: ['INR'] },
};

const routesHint = (method: ProviderMethod) =>
  method === 'whatsapp_upi'
    ? ' (whatsapp_upi needs a provider that mints the UPI intent: for Razorpay use whatsapp_gateway, paid in WhatsApp, or payment_link)'
    : '';

export function checkPaymentRoute(mode: Mode, method: ProviderMethod, provider: string, currency: string): Result<Provider> {
  const row = METHOD_TABLE[method];
  if (!(row.providers as readonly string[]).includes(provider)) {
    return err(
      domainError('validation_error', `payment.provider ${provider} cannot serve ${method}; use one of ${row.providers.join(', ')}${routesHint(method)}`, {
        path: 'payment.provider',
      }),
    );
  }
  if (provider === 'sandbox' && mode === 'live') {
    return err(domainError('validation_error', 'the sandbox provider is not available in live mode', { path: 'payment.provider' }));
  }
  if (row.currencies && !row.currencies.includes(currency)) {
    return err(domainError('validation_error', `${method} takes only ${row.currencies.join(', ')}`, { path: 'currency' }));
  }
  return ok(provider as Provider);
}

/** The provider adapter that looks up, cancels and refunds an attempt: the method's `via`, else the attempt's provider. */
export function adapterNameFor(attempt: { method: string; provider: string }): string {
  return METHOD_TABLE[attempt.method as ProviderMethod]?.via ?? attempt.provider;
}
