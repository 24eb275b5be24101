// The merchant's WhatsApp Pay "account": the number, its access token and the payment
// configuration named in WhatsApp Manager, read when a lookup or refund is made. The
// whatsapp_pay adapter (adapters/providers/whatsapp-pay) makes the calls; the composition
// root registers this as its account source.
import type { AppContext } from '../../platform/context.ts';
import { ProviderRejectedError } from '../../platform/payment-provider.port.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import { isInertNumber } from './whatsapp.numbers.ts';
import { graphEndpoint, tokenFor } from './whatsapp.send.ts';

function configurationFor(n: WhatsAppNumberRow): string | undefined {
  return (n.payment_configurations.find((c) => c.type !== 'upi') ?? n.payment_configurations[0])?.name;
}

export async function whatsappPayCredentials(ctx: AppContext, merchantId: string) {
  const n = await getNumberByMerchant(ctx.db, merchantId);
  if (n && isInertNumber(ctx, n)) throw new ProviderRejectedError('This is a sandbox number: sandbox numbers make no WhatsApp Pay calls in live mode');
  const token = n ? tokenFor(ctx, n) : undefined;
  const config = n ? configurationFor(n) : undefined;
  if (!n || !token || !config) throw new ProviderRejectedError('WhatsApp payments need a number, an access token and a payment configuration');
  // The same endpoint as every other Graph call of this number (sandbox numbers: our Cloud API double).
  const graph = graphEndpoint(ctx, n);
  return {
    graph_url: graph.baseUrl,
    graph_version: graph.version,
    phone_number_id: n.phone_number_id,
    access_token: token,
    payment_configuration: config,
  };
}
