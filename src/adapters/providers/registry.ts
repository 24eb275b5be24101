// The payment provider adapters this process offers. The sandbox provider exists
// only in sandbox mode; it reaches its double through our own public URL. Stripe is
// offered in both modes (STRIPE_API_URL may point it at a local double), and so is
// Razorpay (RAZORPAY_API_URL; https://api.razorpay.com when unset).
import type { AppContext } from '../../platform/context.ts';
import type { PaymentProviderAdapter } from '../../platform/payment-provider.port.ts';
import { createRazorpayAdapter } from './razorpay/razorpay.adapter.ts';
import { createSandboxAdapter } from './sandbox/sandbox.adapter.ts';
import { createStripeAdapter } from './stripe/stripe.adapter.ts';
import { createWhatsAppPayAdapter, WHATSAPP_PAY } from './whatsapp-pay/whatsapp-pay.adapter.ts';

export function paymentProviders(
  ctx: Pick<AppContext, 'mode' | 'publicUrl'>,
  opts: { stripeApiUrl?: string | undefined; razorpayApiUrl?: string | undefined } = {},
): Map<string, PaymentProviderAdapter> {
  const m = new Map<string, PaymentProviderAdapter>();
  if (ctx.mode === 'sandbox') m.set('sandbox', createSandboxAdapter({ baseUrl: () => ctx.publicUrl }));
  m.set('stripe', createStripeAdapter({ apiUrl: opts.stripeApiUrl }));
  m.set('razorpay', createRazorpayAdapter({ baseUrl: opts.razorpayApiUrl }));
  // Looks up and refunds whatsapp_gateway bills at Meta (credentials from the merchant's number).
  m.set(WHATSAPP_PAY, createWhatsAppPayAdapter());
  return m;
}
