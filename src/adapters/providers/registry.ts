// The payment provider adapters this process offers. The sandbox provider exists
// only in sandbox mode; it reaches its double through our own public URL.
import type { AppContext } from '../../app/context.ts';
import type { PaymentProviderAdapter } from '../../app/payment-provider.port.ts';
import { createSandboxAdapter } from './sandbox/sandbox.adapter.ts';

export function paymentProviders(ctx: Pick<AppContext, 'mode' | 'publicUrl'>): Map<string, PaymentProviderAdapter> {
  const m = new Map<string, PaymentProviderAdapter>();
  if (ctx.mode === 'sandbox') m.set('sandbox', createSandboxAdapter({ baseUrl: () => ctx.publicUrl }));
  return m;
}
