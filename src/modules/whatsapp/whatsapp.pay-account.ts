// The merchant's WhatsApp Pay "account": the number, its access token and the payment
// configuration named in WhatsApp Manager, read when a lookup or refund is made. The
// whatsapp_pay adapter (adapters/providers/whatsapp-pay) makes the calls; the composition
// root registers this as its account source.
import { DEFAULT_GRAPH_BASE_URL, DEFAULT_GRAPH_VERSION } from '../../adapters/whatsapp/graph.client.ts';
import type { AppContext } from '../../platform/context.ts';
import { ProviderRejectedError } from '../../platform/payment-provider.port.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import { isInertNumber } from './whatsapp.numbers.ts';
import { tokenFor } from './whatsapp.send.ts';

function configurationFor(n: WhatsAppNumberRow): string | undefined {
  return (n.payment_configurations.find((c) => c.type !== 'upi') ?? n.payment_configurations[0])?.name;
}

export async function whatsappPayCredentials(ctx: AppContext, merchantId: string) {
  const n = await getNumberByMerchant(ctx.db, merchantId);
  if (n && isInertNumber(ctx, n)) throw new ProviderRejectedError('This is a sandbox number: sandbox numbers make no WhatsApp Pay calls in live mode');
  const token = n ? tokenFor(ctx, n) : undefined;
  const config = n ? configurationFor(n) : undefined;
  if (!n || !token || !config) throw new ProviderRejectedError('WhatsApp payments need a number, an access token and a payment configuration');
  const version = ctx.graph?.version ?? DEFAULT_GRAPH_VERSION;
  return {
    // Sandbox numbers talk to our own Cloud API double.
    graph_url: n.sandbox ? `${ctx.publicUrl}/sandbox/graph` : (ctx.graph?.url ?? DEFAULT_GRAPH_BASE_URL),
    graph_version: version,
    phone_number_id: n.phone_number_id,
    access_token: token,
    payment_configuration: config,
  };
}
