// WhatsApp Pay (whatsapp_gateway): the customer pays inside WhatsApp through the gateway
// linked in WhatsApp Manager (Razorpay, PayU, … behind Meta). For us Meta is the provider
// to ask: a payment counts once Meta's lookup by reference shows a successful transaction
// whose amount, currency and reference match, and refunds go through Meta's refund API.
// There is no checkout object (the bill is an order_details message in the chat) and no
// webhook of its own (Meta's payment status webhook arrives with the WhatsApp ones and only
// triggers a lookup). Meta's refund API takes no idempotency key, so a refund is asked for
// once and then followed through lookups (`idempotentRefunds: false`).
import { fromWhatsAppAmount, toWhatsAppAmount } from '../../../domain/money.ts';
import {
  type LookedUpPayment,
  type LookedUpRefund,
  type PaymentProviderAdapter,
  type ProviderCredentials,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/payment-provider.port.ts';
import { createGraphClient, DEFAULT_GRAPH_VERSION } from '../../whatsapp/graph.client.ts';
import type { PaymentLookup } from '../../whatsapp/graph.responses.ts';

export const WHATSAPP_PAY = 'whatsapp_pay';

/** What a lookup or refund needs, read from the merchant's WhatsApp number when the call is made. */
export interface WhatsAppPayCredentials extends ProviderCredentials {
  graph_url: string;
  graph_version: string;
  phone_number_id: string;
  access_token: string;
  payment_configuration: string;
}

function graph(c: ProviderCredentials) {
  return createGraphClient({ baseUrl: c['graph_url'], version: c['graph_version'] ?? DEFAULT_GRAPH_VERSION });
}

const refundStatus = (s: string | undefined): LookedUpRefund['status'] =>
  s === 'success' || s === 'completed' ? 'succeeded' : s === 'failed' ? 'failed' : 'pending';

/** Meta's lookup in our words: the bill's transactions (at most one can succeed) and the refunds made through Meta. */
export function mapWhatsAppLookup(r: PaymentLookup, referenceId: string, fallbackCurrency: string | undefined) {
  const payments: LookedUpPayment[] = [];
  const refunds: LookedUpRefund[] = [];
  let captured = false;
  for (const p of r.payments.filter((x) => x.reference_id === referenceId)) {
    const currency = p.currency || fallbackCurrency;
    const total =
      p.total_amount && currency ? fromWhatsAppAmount({ value: Number(p.total_amount.value), offset: Number(p.total_amount.offset) }, currency) : undefined;
    for (const t of p.transactions ?? []) {
      const base = { providerPaymentId: t.pg_transaction_id || t.id, referenceId: p.reference_id, currency: currency ?? undefined };
      // Only a success with the amount in hand counts.
      if (t.status === 'success' && p.status === 'captured' && total?.ok) {
        payments.push({ ...base, status: 'captured', amount: total.value });
        captured = true;
      } else if (t.status === 'pending' || t.status === 'failed') {
        payments.push({ ...base, status: t.status, reason: t.error?.reason ?? undefined });
      }
      for (const rf of t.refunds ?? []) if (rf.id) refunds.push({ providerRefundId: rf.id, status: refundStatus(rf.status ?? undefined) });
    }
  }
  return { objectStatus: captured ? ('paid' as const) : ('open' as const), payments, refunds };
}

export function createWhatsAppPayAdapter(): PaymentProviderAdapter {
  return {
    name: WHATSAPP_PAY,
    lookupByReference: true,
    idempotentRefunds: false,
    verifyWebhook: () => ({
      ok: false,
      error: { kind: 'malformed', reason: 'WhatsApp payment statuses arrive with the WhatsApp webhooks (/webhooks/whatsapp), not here' },
    }),
    async createCheckout() {
      throw new ProviderRejectedError('WhatsApp Pay bills are order_details messages in the chat: there is no checkout object to create');
    },
    async lookup(creds, _providerObjectId, referenceId, hints) {
      const r = await graph(creds).lookupPayment(creds['phone_number_id']!, creds['access_token']!, creds['payment_configuration']!, referenceId);
      if (!r.ok) {
        // Meta answers 404 until the customer starts paying.
        if (r.error.class === 'permanent' && r.error.httpStatus === 404) return { objectStatus: 'open', payments: [] };
        throw new ProviderUnavailableError(`WhatsApp payment lookup failed: ${r.error.code} ${r.error.title}`);
      }
      return mapWhatsAppLookup(r.value, referenceId, hints?.currency);
    },
    async refund(creds, req) {
      if (!req.referenceId) throw new ProviderRejectedError('a WhatsApp Pay refund names the bill by its reference_id');
      const a = toWhatsAppAmount(req.amount, req.currency);
      const r = await graph(creds).refundPayment(creds['phone_number_id']!, creds['access_token']!, {
        referenceId: req.referenceId,
        paymentConfigId: creds['payment_configuration']!,
        amount: { ...a, currency: req.currency },
        speed: 'normal',
      });
      if (!r.ok) {
        if (r.error.class === 'permanent' || r.error.class === 'token')
          throw new ProviderRejectedError(`WhatsApp refund refused: ${r.error.code} ${r.error.title}`);
        throw new ProviderUnavailableError(`WhatsApp refund failed: ${r.error.code} ${r.error.title}`);
      }
      return { providerRefundId: r.value.id, status: refundStatus(r.value.status) };
    },
    // Nothing to close: the bubble's pay button ends at the bill's expiration.
    async cancel() {
      return { objectStatus: 'open' };
    },
  };
}
