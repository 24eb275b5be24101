// A payer on /c/{slug}: what the page shows (GET changes nothing), and the POST that makes
// one order for a guest customer with its payment attempt, expiring within the hour. The
// provider's checkout object is not made here: the payer is sent to /pay/{token}, whose Pay
// button makes it (payments.checkout.ts), exactly like any other payment link.
import { normalizeNumber, parseTypedAmount } from '../../domain/typed-input.ts';
import { formatMoney, type Presentation } from '../../domain/display.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { inTransaction } from '../../platform/context.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import { businessPresentation, getBusinessSettings } from '../merchants/index.ts';
import { createOrder } from '../orders/index.ts';
import { amountBounds } from './checkout-links.manage.ts';
import { linkState, type LinkState } from './checkout-links.present.ts';
import { getLinkBySlug, insertPayer, type CheckoutLinkRow } from './checkout-links.repository.ts';

/** How long a payer's bill stays open: the contract says within an hour. */
export const LINK_ORDER_SECONDS = 3600;

export interface LinkView {
  link: CheckoutLinkRow;
  state: LinkState;
  businessName: string;
  presentation: Presentation;
  /** Product links: what is bought (one of each), at catalog prices. */
  products: { name: string; price: number }[];
}

export async function viewLink(ctx: AppContext, slug: string): Promise<LinkView | undefined> {
  const link = await getLinkBySlug(ctx.db, slug);
  if (!link) return undefined;
  const business = await getBusinessSettings(ctx.db, link.merchant_id);
  const products = (await getProductsByRetailerIds(ctx.db, link.merchant_id, link.retailer_ids))
    .filter((p) => p.active)
    .sort((a, b) => link.retailer_ids.indexOf(a.retailer_id) - link.retailer_ids.indexOf(b.retailer_id))
    .map((p) => ({ name: p.name, price: p.price }));
  return {
    link,
    state: linkState(link, ctx.clock.now()),
    businessName: business.name,
    presentation: await businessPresentation(ctx.db, link.merchant_id),
    products,
  };
}

export interface PayerForm {
  name: string;
  wa_id: string;
  notify: boolean;
  amount: string;
}

export type FormErrors = Partial<Record<'name' | 'wa_id' | 'amount' | 'notify', string>>;

export type StartOutcome =
  | { kind: 'started'; payToken: string }
  | { kind: 'gone'; state: LinkState }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'unavailable'; message: string };

export async function startLinkPayment(ctx: AppContext, view: LinkView, form: PayerForm): Promise<StartOutcome> {
  const { link } = view;
  const errors: FormErrors = {};
  const name = form.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0) errors.name = 'Enter your name';
  else if (name.length > 100) errors.name = 'At most 100 characters';
  const waId = normalizeNumber(form.wa_id);
  if (waId === null) errors.wa_id = 'Enter a WhatsApp number in international form, e.g. +91 98765 43210';
  if (form.notify && !waId) errors.notify = 'Enter your WhatsApp number to get the receipt there';
  let amount = link.amount;
  if (link.amount_min !== null) {
    const parsed = parseTypedAmount(form.amount, link.currency);
    const { min, max } = amountBounds(link);
    if (!parsed.ok) errors.amount = parsed.error.message;
    else if (parsed.value < min || parsed.value > max)
      errors.amount = `Enter an amount from ${formatMoney(min, link.currency, view.presentation.locale)} to ${formatMoney(max, link.currency, view.presentation.locale)}`;
    else amount = parsed.value;
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };

  try {
    return await inTransaction(ctx, (tx) => makeOrder(ctx, tx, view.link.slug, { name, waId: waId || null, notify: form.notify && !!waId, amount }));
  } catch (e) {
    if (!(e instanceof NotStarted)) throw e;
    ctx.log.warn({ link: link.id, err: e.message }, 'checkout link could not make an order');
    return { kind: 'unavailable', message: 'This link cannot take payments right now. Please tell the shop.' };
  }
}

class NotStarted extends Error {}

async function makeOrder(
  ctx: AppContext,
  tx: Tx,
  slug: string,
  p: { name: string; waId: string | null; notify: boolean; amount: number | null },
): Promise<StartOutcome> {
  // The state again inside the transaction: a link changed or exhausted meanwhile refuses.
  const fresh = (await getLinkBySlug(tx, slug))!;
  const state = linkState(fresh, ctx.clock.now());
  if (state !== 'active') return { kind: 'gone', state };
  const products = await getProductsByRetailerIds(tx, fresh.merchant_id, fresh.retailer_ids);
  const items =
    fresh.retailer_ids.length > 0
      ? fresh.retailer_ids.map((retailer_id) => ({ retailer_id, quantity: 1 }))
      : [{ name: fresh.name.slice(0, 60), amount: p.amount ?? fresh.amount ?? 0, quantity: 1 }];
  const made = await createOrder(ctx, tx, { source: 'job', id: 'checkout_link' }, fresh.merchant_id, {
    customer: { guest: true, name: p.name },
    currency: fresh.currency,
    items,
    // Physical goods ship somewhere: the pay page asks for the address before the provider.
    goods_type: products.some((x) => x.goods_type === 'physical-goods') ? 'physical-goods' : 'digital-goods',
    payment: { method: 'payment_link' },
    expires_in: LINK_ORDER_SECONDS,
    send: false,
    source: 'checkout_link',
    checkout_link_id: fresh.id,
  });
  // Nothing stays of a refused order (not even its guest customer): the transaction rolls back.
  if (!made.ok) throw new NotStarted(made.error.message);
  await insertPayer(tx, {
    order_id: made.value.order.id,
    merchant_id: fresh.merchant_id,
    checkout_link_id: fresh.id,
    contact_wa_id: p.waId,
    notify: p.notify,
    created_at: ctx.clock.now(),
  });
  return { kind: 'started', payToken: made.value.payment.pay_token! };
}
