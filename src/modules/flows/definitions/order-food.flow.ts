// The order-food flow (Flow JSON: flows/order-food.flow.json). MENU (category) → ITEMS
// (dish and quantity) → CART (live total, remove lines) → ADDRESS → CONFIRM, whose
// data_exchange creates the order and sends the bill. Routing is linear; the back
// button (refresh_on_back) is how a customer returns to add more.
//
// Nothing the phone sends is taken as a fact: it sends ids and quantities, which are
// checked against the catalog; prices and totals are recomputed on every screen; the
// total the customer confirms is compared with a fresh one before the order is made.
import { z } from 'zod';
import { getOrderIdByFlowToken, setOrderFlowToken } from '../flows.repository.ts';
import { createOrder } from '../../orders/index.ts';
import { screen, type FlowCall, type FlowCompletion, type FlowDefinition, type FlowStep } from './flow.types.ts';
import { cartSummary, cartText, clip, countryFor, dishNames, loadMenu, MAX_OPTIONS, money, priceCart, type Menu } from './order-food.menu.ts';

/** Per line and per cart: a food order, not a wholesale one. */
export const MAX_LINE_QUANTITY = 50;
export const MAX_CART_LINES = 30;
const QUANTITY_CHOICES = 10;

const text = (max: number) => z.string().max(max);
const addressDraft = z.object({
  name: text(200),
  address_line1: text(200),
  address_line2: text(200),
  city: text(200),
  postal_code: text(200),
  country_code: text(200),
});
type AddressDraft = z.infer<typeof addressDraft>;

const stateSchema = z.object({
  category: z.string().nullable(),
  cart: z.array(z.object({ retailer_id: z.string(), quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) })).max(MAX_CART_LINES),
  address: addressDraft.nullable(),
  /** The total CONFIRM showed, in minor units: the order is made only at this price. */
  quoted_total: z.number().int().nullable(),
});
export type OrderFoodState = z.infer<typeof stateSchema>;

// The same rules as POST /v1/orders shipping_address, with messages a customer can act on.
const addressRules = z.object({
  name: z.string().min(1, 'enter your name').max(200),
  address_line1: z.string().min(1, 'enter the street address').max(100, 'at most 100 characters'),
  address_line2: z.string().max(100, 'at most 100 characters'),
  city: z.string().min(1, 'enter the city').max(100),
  postal_code: z.string().min(1, 'enter the postal code').max(20, 'at most 20 characters'),
  country_code: z.string().regex(/^[A-Z]{2}$/, 'use the two-letter country code, such as IN'),
});

const optionalString = z.string().max(200).optional().default('');
const inputs = {
  menu: z.object({ category: z.string().min(1).max(100) }),
  items: z.object({
    item: z.string().min(1).max(100),
    quantity: z.coerce.number().int('choose a quantity').min(1, 'choose a quantity').max(QUANTITY_CHOICES, 'choose a quantity'),
  }),
  cart: z.object({ remove: z.array(z.string().max(100)).max(MAX_OPTIONS).nullish() }),
  address: z.object({
    name: optionalString,
    address_line1: optionalString,
    address_line2: optionalString,
    city: optionalString,
    postal_code: optionalString,
    country_code: optionalString,
  }),
};

const goto = (screenId: string, state: OrderFoodState, error?: string): FlowStep<OrderFoodState> => ({ kind: 'goto', screen: screenId, state, error });

function draftOf(s: OrderFoodState, currency: string | null): AddressDraft {
  return s.address ?? { name: '', address_line1: '', address_line2: '', city: '', postal_code: '', country_code: countryFor(currency) };
}

function addressText(a: AddressDraft): string {
  return [a.name, a.address_line1, a.address_line2, `${a.city} ${a.postal_code}`.trim(), a.country_code].filter((x) => x.trim() !== '').join('\n');
}

/** Drops lines whose product is gone, so the stored cart matches what is shown. */
function keepAvailable(menu: Menu, s: OrderFoodState): { state: OrderFoodState; dropped: string[] } {
  const priced = priceCart(menu, s.cart);
  const kept = new Set(priced.lines.map((l) => l.retailer_id));
  return { state: { ...s, cart: s.cart.filter((l) => kept.has(l.retailer_id)) }, dropped: priced.unavailable };
}

// Every refusal stays on CONFIRM (routing is forward-only): the screen is re-rendered
// with the corrected cart or total, and the customer confirms again or goes back.
async function placeOrder(call: FlowCall<OrderFoodState>): Promise<FlowStep<OrderFoodState>> {
  const { tx, state: s } = call;
  const menu = await loadMenu(tx, call.merchantId);
  const priced = priceCart(menu, s.cart);
  if (priced.unavailable.length || !priced.currency) {
    const next = keepAvailable(menu, s).state;
    const total = priced.currency ? ` Your new total is ${money(priced.total, priced.currency, priced.locale)}.` : ' Go back to add dishes.';
    const why = priced.unavailable.length
      ? `No longer available and removed: ${await dishNames(tx, call.merchantId, priced.unavailable)}.`
      : 'Your cart is empty.';
    return goto('CONFIRM', { ...next, quoted_total: priced.currency ? priced.total : null }, clip(why + total, 300));
  }
  const address = addressRules.safeParse(s.address);
  if (!address.success) return goto('CONFIRM', s, 'Please go back and check your address.');
  if (s.quoted_total !== priced.total) {
    // The price of record moved since CONFIRM was shown: show the new total, order nothing.
    return goto(
      'CONFIRM',
      { ...s, quoted_total: priced.total },
      `Prices have changed. Your new total is ${money(priced.total, priced.currency, priced.locale)}.`,
    );
  }
  const { address_line2, ...rest } = address.data;
  const r = await createOrder(call.ctx, tx, { source: 'whatsapp', id: call.waId ?? call.customerId }, call.merchantId, {
    customer: { id: call.customerId, name: address.data.name },
    currency: priced.currency,
    items: priced.lines.map((l) => ({ retailer_id: l.retailer_id, quantity: l.quantity })),
    goods_type: 'physical-goods',
    shipping_address: { ...rest, ...(address_line2 ? { address_line2 } : {}) },
    send: true,
    metadata: { source: 'whatsapp_flow', flow: 'order_food' },
  });
  if (!r.ok) return goto('CONFIRM', s, clip(`We could not place this order: ${r.error.message}`, 300));
  // The unique index on orders.flow_token: a second order for this token aborts the transaction.
  await setOrderFlowToken(tx, call.merchantId, r.value.order.id, call.token);
  return {
    kind: 'complete',
    state: s,
    params: { order_id: r.value.order.id, reference_id: r.value.payment.reference_id, total: money(r.value.order.total, r.value.order.currency, menu.locale) },
  };
}

// The nfm_reply webhook: normally the order exists already (CONFIRM's data_exchange made
// it). If not (the webhook came first, or that request failed after the customer saw
// SUCCESS), the same placeOrder runs on the stored cart, address and quoted total:
// response_json is never read for items or prices.
async function completeFromWebhook(call: FlowCall<OrderFoodState>): Promise<FlowCompletion> {
  const existing = await getOrderIdByFlowToken(call.tx, call.merchantId, call.token);
  if (existing) return { status: 'exists', ref: existing };
  const s = call.state;
  if (s.quoted_total === null || !s.address || s.cart.length === 0) return { status: 'refused', note: 'the flow never reached CONFIRM: nothing to order' };
  const step = await placeOrder(call);
  if (step.kind === 'complete') return { status: 'created', ref: String(step.params['order_id']) };
  const why = step.error ?? 'the order could not be placed';
  return { status: 'refused', note: why, reply: clip(`We could not place your order: ${why} Open the menu again to order.`, 1000) };
}

export const orderFood: FlowDefinition<OrderFoodState> = {
  name: 'order_food',
  metaFlowName: 'chatcart_order_food',
  firstScreen: 'MENU',
  ttlSeconds: 24 * 3600,
  message: { cta: 'Order now', body: 'Browse our menu and order in a few taps.', header: 'Order food' },
  state: stateSchema,
  initialState: () => ({ category: null, cart: [], address: null, quoted_total: null }),
  onCompleted: completeFromWebhook,
  screens: {
    MENU: screen({
      async render({ tx, merchantId, state }) {
        const menu = await loadMenu(tx, merchantId);
        return {
          categories: menu.categories.map((c) => ({
            id: c.id,
            title: clip(c.title, 30),
            description: `${c.items.length} item${c.items.length === 1 ? '' : 's'}`,
          })),
          has_categories: menu.categories.length > 0,
          menu_note: menu.categories.length ? 'Choose what you would like to see.' : 'Nothing is on the menu right now.',
          cart_summary: cartSummary(priceCart(menu, state.cart)),
        };
      },
      input: inputs.menu,
      async submit({ tx, merchantId, state }, input) {
        const menu = await loadMenu(tx, merchantId);
        if (!menu.categories.some((c) => c.id === input.category)) return goto('MENU', state, 'That part of the menu is no longer available.');
        return goto('ITEMS', { ...state, category: input.category });
      },
    }),

    ITEMS: screen({
      back: 'MENU',
      async render({ tx, merchantId, state }) {
        const menu = await loadMenu(tx, merchantId);
        const cat = menu.categories.find((c) => c.id === state.category);
        return {
          category_title: clip(cat?.title ?? 'Menu', 80),
          items: (cat?.items ?? []).map((p) => ({
            id: p.retailer_id,
            title: clip(p.name, 30),
            description: clip(`${money(p.price, p.currency, menu.locale)}${p.description ? ` · ${p.description}` : ''}`, 300),
          })),
          quantities: Array.from({ length: QUANTITY_CHOICES }, (_, i) => ({ id: String(i + 1), title: String(i + 1) })),
          cart_summary: cartSummary(priceCart(menu, state.cart)),
        };
      },
      input: inputs.items,
      async submit({ tx, merchantId, state }, input) {
        const menu = await loadMenu(tx, merchantId);
        const p = menu.byRetailerId.get(input.item);
        if (!p) return goto('ITEMS', state, 'That dish is no longer available.');
        const priced = priceCart(menu, state.cart);
        if (priced.currency && priced.currency !== p.currency)
          return goto('ITEMS', state, `${clip(p.name, 60)} is priced in ${p.currency}; your cart is in ${priced.currency}.`);
        const existing = state.cart.find((l) => l.retailer_id === p.retailer_id);
        if (!existing && state.cart.length >= MAX_CART_LINES) return goto('ITEMS', state, `A cart holds at most ${MAX_CART_LINES} different dishes.`);
        const quantity = Math.min(MAX_LINE_QUANTITY, (existing?.quantity ?? 0) + input.quantity);
        const cart = existing ? state.cart.map((l) => (l === existing ? { ...l, quantity } : l)) : [...state.cart, { retailer_id: p.retailer_id, quantity }];
        const capped = (existing?.quantity ?? 0) + input.quantity > MAX_LINE_QUANTITY ? `At most ${MAX_LINE_QUANTITY} of one dish.` : undefined;
        return goto('CART', { ...state, cart }, capped);
      },
    }),

    CART: screen({
      back: 'ITEMS',
      async render({ tx, merchantId, state }) {
        const priced = priceCart(await loadMenu(tx, merchantId), state.cart);
        return {
          lines: priced.lines.map((l) => ({
            id: l.retailer_id,
            title: clip(`${l.quantity} × ${l.name}`, 30),
            description: money(l.total, priced.currency!, priced.locale),
          })),
          has_items: priced.lines.length > 0,
          cart_text: cartText(priced),
          total_text: priced.currency ? `Total: ${money(priced.total, priced.currency, priced.locale)}` : 'Go back to add dishes.',
        };
      },
      input: inputs.cart,
      async submit({ tx, merchantId, state }, input) {
        const menu = await loadMenu(tx, merchantId);
        const remove = new Set(input.remove ?? []);
        if (remove.size) {
          const cart = state.cart.filter((l) => !remove.has(l.retailer_id));
          return goto('CART', { ...state, cart }, `Removed ${state.cart.length - cart.length} dish${state.cart.length - cart.length === 1 ? '' : 'es'}.`);
        }
        const { state: next, dropped } = keepAvailable(menu, state);
        if (dropped.length) return goto('CART', next, clip(`No longer available: ${await dishNames(tx, merchantId, dropped)}.`, 300));
        if (next.cart.length === 0) return goto('CART', next, 'Your cart is empty. Go back to add dishes.');
        return goto('ADDRESS', next);
      },
    }),

    ADDRESS: screen({
      back: 'CART',
      async render({ tx, merchantId, state }) {
        const priced = priceCart(await loadMenu(tx, merchantId), state.cart);
        return { ...draftOf(state, priced.currency), total_text: priced.currency ? `Total: ${money(priced.total, priced.currency, priced.locale)}` : '' };
      },
      input: inputs.address,
      async submit({ tx, merchantId, state }, input) {
        const draft: AddressDraft = {
          name: input.name.trim(),
          address_line1: input.address_line1.trim(),
          address_line2: input.address_line2.trim(),
          city: input.city.trim(),
          postal_code: input.postal_code.trim(),
          country_code: input.country_code.trim().toUpperCase(),
        };
        const checked = addressRules.safeParse(draft);
        if (!checked.success) {
          const i = checked.error.issues[0]!;
          return goto('ADDRESS', { ...state, address: draft }, `Please ${i.message} (${String(i.path[0]).replace(/_/g, ' ')}).`);
        }
        const priced = priceCart(await loadMenu(tx, merchantId), state.cart);
        if (!priced.currency) return goto('ADDRESS', { ...state, address: draft }, 'Your cart is empty. Go back to add dishes.');
        return goto('CONFIRM', { ...state, address: draft, quoted_total: priced.total });
      },
    }),

    CONFIRM: screen({
      back: 'ADDRESS',
      async render({ tx, merchantId, state }) {
        const priced = priceCart(await loadMenu(tx, merchantId), state.cart);
        return {
          cart_text: cartText(priced),
          total_text: priced.currency ? `Total: ${money(state.quoted_total ?? priced.total, priced.currency, priced.locale)}` : '',
          address_text: addressText(draftOf(state, priced.currency)),
        };
      },
      submit: placeOrder,
    }),
  },
};
