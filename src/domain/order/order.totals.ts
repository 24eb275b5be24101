// Order totals in minor units. Kept pure so the same arithmetic prices the cart, the
// WhatsApp order_details message and the stored order, and the three can never disagree.
import { domainError } from '../errors.ts';
import { addMinor, isMinorAmount, mulMinor } from '../money.ts';
import { err, ok, type Result } from '../result.ts';

export const MAX_QUANTITY = 10_000;
// WhatsApp order_details messages carry at most 100 items.
export const MAX_ITEMS = 100;

export interface LineInput {
  amount: number;
  sale_amount?: number | null;
  quantity: number;
}

export interface TotalsInput {
  items: LineInput[];
  tax?: number;
  shipping?: number;
  discount?: number;
}

export interface Totals {
  lines: { unit_amount: number; line_total: number }[];
  subtotal: number;
  tax: number;
  shipping: number;
  discount: number;
  total: number;
}

// `details.path` points at the offending input field so the HTTP layer can report it
// the same way it reports schema errors.
const invalid = (path: string, message: string) => err(domainError('validation_error', message, { path }));

function optionalAmount(input: TotalsInput, field: 'tax' | 'shipping' | 'discount'): Result<number> {
  const v = input[field];
  if (v === undefined) return ok(0);
  if (!isMinorAmount(v, { allowZero: true })) {
    return invalid(field, `${field} must be a non-negative integer amount in minor units`);
  }
  return ok(v);
}

function computeLine(item: LineInput, i: number): Result<{ unit_amount: number; line_total: number }> {
  const at = `items.${i}`;
  if (typeof item !== 'object' || item === null) return invalid(at, `${at} must be an object`);
  if (!isMinorAmount(item.amount)) {
    return invalid(`${at}.amount`, `${at}.amount must be a positive integer amount in minor units`);
  }
  let unit = item.amount;
  const sale = item.sale_amount;
  if (sale !== undefined && sale !== null) {
    if (!isMinorAmount(sale)) {
      return invalid(`${at}.sale_amount`, `${at}.sale_amount must be a positive integer amount in minor units`);
    }
    // WhatsApp rejects an order_details message whose sale price is not a reduction.
    if (sale >= item.amount) {
      return invalid(`${at}.sale_amount`, `${at}.sale_amount must be less than amount`);
    }
    unit = sale;
  }
  const q = item.quantity;
  if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
    return invalid(`${at}.quantity`, `${at}.quantity must be an integer from 1 to ${MAX_QUANTITY}`);
  }
  const lineTotal = mulMinor(unit, q);
  if (!lineTotal.ok) return invalid(`${at}.quantity`, `${at} total exceeds the maximum amount`);
  return ok({ unit_amount: unit, line_total: lineTotal.value });
}

export function computeTotals(input: TotalsInput): Result<Totals> {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.items)) {
    return invalid('items', 'items must be an array');
  }
  const { items } = input;
  if (items.length < 1) return invalid('items', 'an order needs at least 1 item');
  if (items.length > MAX_ITEMS) return invalid('items', `an order can have at most ${MAX_ITEMS} items`);

  const lines: Totals['lines'] = [];
  let subtotal = 0;
  for (const [i, item] of items.entries()) {
    const line = computeLine(item, i);
    if (!line.ok) return line;
    lines.push(line.value);
    const sum = addMinor(subtotal, line.value.line_total);
    if (!sum.ok) return invalid('items', 'subtotal exceeds the maximum amount');
    subtotal = sum.value;
  }

  const tax = optionalAmount(input, 'tax');
  if (!tax.ok) return tax;
  const shipping = optionalAmount(input, 'shipping');
  if (!shipping.ok) return shipping;
  const discount = optionalAmount(input, 'discount');
  if (!discount.ok) return discount;

  const withTax = addMinor(subtotal, tax.value);
  if (!withTax.ok) return invalid('tax', 'subtotal plus tax exceeds the maximum amount');
  const gross = addMinor(withTax.value, shipping.value);
  if (!gross.ok) return invalid('shipping', 'subtotal plus tax and shipping exceeds the maximum amount');
  // Every line is positive, so only the discount can bring the total to zero or below;
  // a zero-value order cannot be paid.
  if (discount.value >= gross.value) return invalid('discount', 'discount must be less than the order amount before discount');

  return ok({
    lines,
    subtotal,
    tax: tax.value,
    shipping: shipping.value,
    discount: discount.value,
    total: gross.value - discount.value,
  });
}
