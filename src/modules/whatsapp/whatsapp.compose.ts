// What the customer receives, by bill type (the method × provider table of the API
// contract): payment links go out as a cta_url message with our /pay/{token} page,
// and their updates as text; WhatsApp-native bills go out as order_details, and
// their updates as order_status, Meta's bubble update. Outside the 24-hour window
// the configured template is the fallback.
import {
  ctaUrlMessage,
  orderDetailsMessage,
  orderStatusMessage,
  replyButtonsMessage,
  templateMessage,
  textMessage,
} from '../../adapters/whatsapp/message.builders.ts';
import type { BeneficiaryInput, PaymentGatewayType } from '../../adapters/whatsapp/order-details.parts.ts';
import { formatDateTime, formatMoney, type Presentation } from '../../domain/display.ts';
import type { Result } from '../../domain/result.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import type { OrderRow } from '../orders/index.ts';
import type { PaymentRow } from '../orders/index.ts';
import type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';

type Built = Result<Record<string, unknown>>;

/** The order's customer as a message address (the send job replaces it with the customer's current one). */
const orderAddress = (o: OrderRow) => addressOf({ wa_id: o.customer_wa_id, bsuid: o.customer_bsuid }) ?? { to: null };

/** How the business writes (locale, time zone), and its name: what every customer message is written in. */
export interface Voice extends Presentation {
  businessName: string;
}

const money = (o: OrderRow, n: number, v: Voice) => formatMoney(n, o.currency, v.locale);
// Customers see the bill's reference, never our internal ids (ord_…).
// A payment recorded by staff has a reference of its own the customer never saw: they know the bill it closed.
const ref = (p: PaymentRow) => (p.flags['recorded'] as { bill_reference?: string } | undefined)?.bill_reference ?? p.reference_id;
const itemsLine = (o: OrderRow) =>
  o.items
    .slice(0, 8)
    .map((i) => `${i.quantity} × ${i.name}`)
    .join(', ') + (o.items.length > 8 ? ` and ${o.items.length - 8} more` : '');

const GATEWAYS: readonly string[] = ['razorpay', 'payu', 'billdesk', 'zaakpay'];
/** The gateway WhatsApp Manager links; the sandbox provider stands in for Razorpay. */
const gatewayType = (provider: string): PaymentGatewayType => (GATEWAYS.includes(provider) ? (provider as PaymentGatewayType) : 'razorpay');

export const isWhatsAppNative = (method: string) => method === 'whatsapp_gateway' || method === 'whatsapp_upi';

interface TemplateRef {
  name: string;
  language: string;
}
const templateOf = (n: WhatsAppNumberRow, key: 'bill' | 'order_update' | 'cod') => (n.templates as Record<string, TemplateRef | undefined>)[key];

export function composeBill(
  o: OrderRow,
  p: PaymentRow,
  n: WhatsAppNumberRow,
  payUrl: string | null,
  now: Date,
  v: Voice,
): { main: Built; fallback: Built | null } {
  const note = typeof o.metadata['bill_note'] === 'string' ? `\n${o.metadata['bill_note']}` : '';
  // A WhatsApp-native bill shows its expiry in the order bubble; a link says it in words.
  const until = isWhatsAppNative(p.method) ? '' : `\nPay before ${formatDateTime(p.expires_at, v)}.`;
  const body = `Order ${ref(p)}: ${itemsLine(o)}.\nTotal ${money(o, o.total, v)}.${until}${note}`.slice(0, 1024);
  if (p.method === 'cash_on_delivery') return composeCodBill(o, p, n, v, note);
  const tpl = templateOf(n, 'bill');
  if (!isWhatsAppNative(p.method)) {
    const main = ctaUrlMessage({ ...orderAddress(o), body, displayText: 'Pay now', url: payUrl ?? '', footer: `Reference #${p.reference_id}`.slice(0, 60) });
    const fallback = tpl
      ? templateMessage({
          ...orderAddress(o),
          name: tpl.name,
          languageCode: tpl.language,
          body: [
            { type: 'text', text: ref(p) },
            { type: 'currency', amount: o.total, currency: o.currency, fallback: money(o, o.total, v) },
          ],
          buttons: [{ subType: 'url', index: 0, text: payUrl?.split('/pay/')[1] ?? '' }],
        })
      : null;
    return { main, fallback };
  }
  const config = n.payment_configurations.find((c) => (p.method === 'whatsapp_upi' ? c.type === 'upi' : c.type !== 'upi')) ?? n.payment_configurations[0];
  const payment =
    p.method === 'whatsapp_upi'
      ? ({ mode: 'upi_intent', configurationName: config?.name ?? '' } as const)
      : ({
          mode: 'whatsapp_gateway',
          gateway: gatewayType(p.provider),
          configurationName: config?.name ?? '',
          ...(p.provider === 'razorpay' ? { razorpay: { receipt: p.reference_id, notes: { order_id: o.id } } } : {}),
        } as const);
  const details = {
    referenceId: p.reference_id,
    goodsType: o.goods_type as 'digital-goods' | 'physical-goods',
    currency: o.currency,
    payment,
    ...(n.catalog_id ? { catalogId: n.catalog_id } : {}),
    expiration: { timestamp: Math.floor(p.expires_at.getTime() / 1000), description: 'Pay before the bill expires' },
    items: o.items.map((i) => ({
      ...(i.retailer_id ? { retailerId: i.retailer_id } : {}),
      name: i.name.slice(0, 60),
      amount: i.amount,
      ...(i.sale_amount ? { saleAmount: i.sale_amount } : {}),
      quantity: i.quantity,
    })),
    tax: o.tax,
    ...(o.tax_description ? { taxDescription: o.tax_description.slice(0, 60) } : {}),
    ...(o.shipping ? { shipping: o.shipping } : {}),
    ...(o.discount ? { discount: o.discount } : {}),
    ...(o.goods_type === 'physical-goods' && o.shipping_address ? { beneficiaries: [beneficiary(o)] } : {}),
  };
  const main = orderDetailsMessage({ ...orderAddress(o), body, ...details }, { now });
  const fallback = tpl
    ? templateMessage(
        { ...orderAddress(o), name: tpl.name, languageCode: tpl.language, buttons: [{ subType: 'order_details', index: 0, order: details }] },
        { now },
      )
    : null;
  return { main, fallback };
}

/** What a cash-on-delivery bill's buttons answer: `cod:confirm:<reference>` / `cod:cancel:<reference>` (the bill's reference, never our ids). */
export const COD_ANSWERS = ['confirm', 'cancel'] as const;
export type CodAnswer = (typeof COD_ANSWERS)[number];
export const codButtonId = (answer: CodAnswer, referenceId: string) => `cod:${answer}:${referenceId}`;
export function parseCodButton(id: string | undefined): { answer: CodAnswer; referenceId: string } | undefined {
  const m = /^cod:(confirm|cancel):([A-Za-z0-9_.-]{1,35})$/.exec(id ?? '');
  return m ? { answer: m[1] as CodAnswer, referenceId: m[2]! } : undefined;
}

/**
 * A cash-on-delivery bill: the order and what to pay on delivery, with Confirm / Cancel reply
 * buttons inside the window; outside it the merchant's `cod` template, whose two quick-reply
 * buttons carry the same answers as payloads (their tap arrives as `type: "button"`).
 */
function composeCodBill(o: OrderRow, p: PaymentRow, n: WhatsAppNumberRow, v: Voice, note: string): { main: Built; fallback: Built | null } {
  const body = `Order ${ref(p)}: ${itemsLine(o)}.\nTotal ${money(o, o.total, v)}, to pay in cash on delivery.\nPlease confirm your order.${note}`.slice(
    0,
    1024,
  );
  const main = replyButtonsMessage({
    ...orderAddress(o),
    body,
    footer: `Reference #${p.reference_id}`.slice(0, 60),
    buttons: [
      { id: codButtonId('confirm', p.reference_id), title: 'Confirm order' },
      { id: codButtonId('cancel', p.reference_id), title: 'Cancel order' },
    ],
  });
  const tpl = templateOf(n, 'cod');
  const fallback = tpl
    ? templateMessage({
        ...orderAddress(o),
        name: tpl.name,
        languageCode: tpl.language,
        body: [
          { type: 'text', text: ref(p) },
          { type: 'currency', amount: o.total, currency: o.currency, fallback: money(o, o.total, v) },
        ],
        buttons: [
          { subType: 'quick_reply', index: 0, payload: codButtonId('confirm', p.reference_id) },
          { subType: 'quick_reply', index: 1, payload: codButtonId('cancel', p.reference_id) },
        ],
      })
    : null;
  return { main, fallback };
}

function beneficiary(o: OrderRow): BeneficiaryInput {
  const a = o.shipping_address as Record<string, string | undefined>;
  return {
    name: a['name'] ?? o.customer_name ?? 'Customer',
    addressLine1: a['address_line1'] ?? '',
    ...(a['address_line2'] ? { addressLine2: a['address_line2'] } : {}),
    city: a['city'] ?? '',
    state: a['state'] ?? '',
    country: 'India',
    postalCode: a['postal_code'] ?? '',
  };
}

const STATUS_TEXT: Record<string, string> = {
  processing: 'is being prepared',
  partially_shipped: 'is partly on its way',
  shipped: 'is on its way',
  completed: 'is complete. Thank you!',
  canceled: 'was canceled',
};

export interface OrderUpdate {
  update: string;
  status?: string | null;
  description?: string | null;
  amount?: number;
}

/** A paid booking deposit: the appointment it holds, in the business's time zone. */
function appointmentText(o: OrderRow, v: Voice): string | null {
  const startsAt = o.metadata['starts_at'];
  if (typeof o.metadata['booking_id'] !== 'string' || typeof startsAt !== 'string' || Number.isNaN(Date.parse(startsAt))) return null;
  const service =
    typeof o.metadata['service_name'] === 'string'
      ? o.metadata['service_name']
      : (o.items[0]?.name.replace(/^Deposit: /, '').split(',')[0] ?? 'your appointment');
  return `Your ${service} is confirmed for ${formatDateTime(new Date(startsAt), v)} at ${v.businessName}. See you then!`;
}

/** The update as text (payment links, refunds, and anything a bubble cannot show). */
export function updateText(o: OrderRow, p: PaymentRow, u: OrderUpdate, payUrl: string | null, v: Voice): string {
  const r = ref(p);
  switch (u.update) {
    case 'paid': {
      const appointment = appointmentText(o, v);
      return `Payment of ${money(o, o.amount_paid, v)} received for order ${r}. Thank you! ${appointment ?? 'We are preparing it.'}`;
    }
    case 'payment_failed':
      return `Your payment for order ${r} did not go through.${payUrl ? ` You can try again: ${payUrl}` : ''}`;
    case 'expired':
      return `The bill for order ${r} has expired. Reply here if you would like a new one.`;
    case 'canceled':
      return `Order ${r} was canceled.`;
    case 'refunded':
      return p.method === 'recorded'
        ? `We refunded ${money(o, u.amount ?? 0, v)} for order ${r}.`
        : `We refunded ${money(o, u.amount ?? 0, v)} for order ${r}. It can take a few days to reach your account.`;
    case 'cod_confirmed':
      return `Thank you! Order ${r} is confirmed: please keep ${money(o, o.total, v)} ready to pay on delivery.`;
    case 'late_payment_accepted':
      return `We received your payment for order ${r} after its bill expired, and accepted it: your order ${STATUS_TEXT['processing']}.`;
    default:
      return `Order ${r} ${STATUS_TEXT[u.status ?? ''] ?? `is now ${u.status}`}.${u.description ? ` ${u.description}` : ''}`;
  }
}

export function composeUpdate(
  o: OrderRow,
  p: PaymentRow,
  n: WhatsAppNumberRow,
  u: OrderUpdate,
  payUrl: string | null,
  v: Voice,
): { main: Built; fallback: Built | null } | null {
  const text = updateText(o, p, u, payUrl, v).slice(0, 1024);
  const tpl = templateOf(n, 'order_update');
  const fallback = tpl
    ? templateMessage({
        ...orderAddress(o),
        name: tpl.name,
        languageCode: tpl.language,
        body: [
          { type: 'text', text: ref(p) },
          { type: 'text', text: text.slice(0, 900) },
        ],
      })
    : null;
  // The order bubble of a WhatsApp-native bill shows order_status; everything else is text.
  if (isWhatsAppNative(p.method) && ['paid', 'status', 'expired', 'canceled'].includes(u.update)) {
    const status = u.update === 'paid' ? 'processing' : u.update === 'status' ? u.status : 'canceled';
    // Meta refuses canceled while a payment is pending or captured (2047): say it in text instead.
    const blocked = status === 'canceled' && ['pending', 'paid', 'partially_refunded', 'manual_review'].includes(o.payment_status);
    if (status && !blocked) {
      const main = orderStatusMessage({
        ...orderAddress(o),
        referenceId: p.reference_id,
        status: status as never,
        ...(u.description ? { description: u.description.slice(0, 120) } : {}),
        body: text,
      });
      return { main, fallback };
    }
  }
  return { main: textMessage({ ...orderAddress(o), body: text }), fallback };
}
