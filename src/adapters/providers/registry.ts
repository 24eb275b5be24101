// The payment provider adapters this process offers. The sandbox provider exists
// only in sandbox mode; it reaches its double through our own public URL (the composition
// root hands it the double's account opener, the one thing that crosses in code). Stripe is
// offered in both modes (STRIPE_API_URL may point it at a local double), and so is
// Razorpay (RAZORPAY_API_URL; https://api.razorpay.com when unset).
import type { AppContext } from '../../platform/context.ts';
import type { PaymentProviderAdapter } from '../../platform/payment-provider.port.ts';
import { createRazorpayAdapter } from './razorpay/razorpay.adapter.ts';
import { createSandboxAdapter, type SandboxAccountOpener } from './sandbox/sandbox.adapter.ts';
import { createStripeAdapter } from './stripe/stripe.adapter.ts';
import { createWhatsAppPayAdapter, WHATSAPP_PAY } from './whatsapp-pay/whatsapp-pay.adapter.ts';

export function paymentProviders(
  ctx: Pick<AppContext, 'mode' | 'publicUrl'>,
  opts: { stripeApiUrl?: string | undefined; razorpayApiUrl?: string | undefined; sandboxAccounts?: SandboxAccountOpener | undefined } = {},
): Map<string, PaymentProviderAdapter> {
  const m = new Map<string, PaymentProviderAdapter>();
  if (ctx.mode === 'sandbox' && opts.sandboxAccounts)
    m.set('sandbox', createSandboxAdapter({ baseUrl: () => ctx.publicUrl, openAccount: opts.sandboxAccounts }));
  m.set('stripe', createStripeAdapter({ apiUrl: opts.stripeApiUrl }));
  m.set('razorpay', createRazorpayAdapter({ baseUrl: opts.razorpayApiUrl }));
  // Looks up and refunds whatsapp_gateway bills at Meta (credentials from the merchant's number).
  m.set(WHATSAPP_PAY, createWhatsAppPayAdapter());
  return m;
}
