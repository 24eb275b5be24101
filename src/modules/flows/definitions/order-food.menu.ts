// The order-food flow's view of the catalog: active products grouped by category, and a
// cart priced from them on every request. The cart in the token state holds only
// retailer ids and quantities; names, prices and totals always come from the products
// table at the moment they are shown or ordered.
import crypto from 'node:crypto';
import { formatMoney } from '../../../domain/display.ts';
import { computeTotals } from '../../../domain/order/order.totals.ts';
import type { Tx } from '../../../platform/store/db.ts';
import { listMenuProducts, type MenuProductRow } from '../flows.repository.ts';
import { getProductsByRetailerIds } from '../../catalog/index.ts';
import { businessPresentation } from '../../merchants/index.ts';

/** Products without a category are listed under this name. */
export const DEFAULT_CATEGORY = 'Menu';
/** Meta caps a dynamic Dropdown at 200 options; a bigger catalog shows its first 200 per category. */
export const MAX_OPTIONS = 200;
const MAX_PRODUCTS = 2000;

export interface MenuCategory {
  id: string;
  title: string;
  items: MenuProductRow[];
}

export interface Menu {
  categories: MenuCategory[];
  byRetailerId: Map<string, MenuProductRow>;
  /** The business's locale: how its prices are written. */
  locale: string;
}

export interface CartLine {
  retailer_id: string;
  quantity: number;
}

export interface PricedCart {
  currency: string | null;
  locale: string;
  lines: { retailer_id: string; name: string; quantity: number; unit: number; total: number }[];
  /** Retailer ids of lines whose product is gone, inactive or in another currency: left out of the price. */
  unavailable: string[];
  total: number;
}

/** A stable, option-safe id for a category name (names may hold any characters). */
export function categoryId(name: string): string {
  return `c_${crypto.createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

// One read of the catalog per request: a submit and the render after it share it. Keyed
// by the request's transaction, so a later request always reads afresh.
const perRequest = new WeakMap<Tx, Map<string, Promise<Menu>>>();

export function loadMenu(tx: Tx, merchantId: string): Promise<Menu> {
  let byMerchant = perRequest.get(tx);
  if (!byMerchant) perRequest.set(tx, (byMerchant = new Map()));
  let menu = byMerchant.get(merchantId);
  if (!menu) byMerchant.set(merchantId, (menu = readMenu(tx, merchantId)));
  return menu;
}

async function readMenu(tx: Tx, merchantId: string): Promise<Menu> {
  const rows = await listMenuProducts(tx, merchantId, MAX_PRODUCTS);
  const groups = new Map<string, MenuProductRow[]>();
  for (const p of rows) {
    const title = p.category?.trim() || DEFAULT_CATEGORY;
    const list = groups.get(title) ?? [];
    list.push(p);
    groups.set(title, list);
  }
  const categories = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, items]) => ({ id: categoryId(title), title, items: items.slice(0, MAX_OPTIONS) }));
  const { locale } = await businessPresentation(tx, merchantId);
  return { categories: categories.slice(0, MAX_OPTIONS), byRetailerId: new Map(rows.map((p) => [p.retailer_id, p])), locale };
}

export function money(minor: number, currency: string, locale: string): string {
  return formatMoney(minor, currency, locale);
}

/** Cuts text to Meta's per-field limits (titles 30, descriptions 300 characters). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Prices the cart from the catalog. Throws only if totals overflow, which the line caps rule out. */
export function priceCart(menu: Menu, cart: CartLine[]): PricedCart {
  const unavailable: string[] = [];
  const found: { p: MenuProductRow; quantity: number }[] = [];
  for (const l of cart) {
    const p = menu.byRetailerId.get(l.retailer_id);
    if (!p || (found[0] && found[0].p.currency !== p.currency)) unavailable.push(l.retailer_id);
    else found.push({ p, quantity: l.quantity });
  }
  if (found.length === 0) return { currency: null, locale: menu.locale, lines: [], unavailable, total: 0 };
  const totals = computeTotals({ items: found.map((f) => ({ amount: f.p.price, quantity: f.quantity })) });
  if (!totals.ok) throw new Error(`cart totals: ${totals.error.message}`);
  return {
    currency: found[0]!.p.currency,
    locale: menu.locale,
    lines: found.map((f, i) => ({
      retailer_id: f.p.retailer_id,
      name: f.p.name,
      quantity: f.quantity,
      unit: f.p.price,
      total: totals.value.lines[i]!.line_total,
    })),
    unavailable,
    total: totals.value.total,
  };
}

export function cartSummary(c: PricedCart): string {
  if (!c.currency) return 'Your cart is empty.';
  const n = c.lines.reduce((s, l) => s + l.quantity, 0);
  return `Cart: ${n} item${n === 1 ? '' : 's'}, ${money(c.total, c.currency, c.locale)}`;
}

export function cartText(c: PricedCart): string {
  if (!c.currency) return 'Your cart is empty.';
  return c.lines.map((l) => `${l.quantity} × ${l.name}: ${money(l.total, c.currency!, c.locale)}`).join('\n');
}

/** A likely country for the address form's first value, from the cart's currency. */
export function countryFor(currency: string | null): string {
  return ({ INR: 'IN', BRL: 'BR', SGD: 'SG', USD: 'US', GBP: 'GB', EUR: '' } as Record<string, string>)[currency ?? ''] ?? '';
}

/** Names for a customer-facing list of unavailable dishes (inactive products included; a deleted one shows its id). */
export async function dishNames(tx: Tx, merchantId: string, retailerIds: string[]): Promise<string> {
  const names = new Map((await getProductsByRetailerIds(tx, merchantId, retailerIds)).map((p) => [p.retailer_id, p.name]));
  return retailerIds.map((id) => names.get(id) ?? id).join(', ');
}
