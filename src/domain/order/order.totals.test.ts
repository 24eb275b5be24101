import { describe, it, expect } from 'vitest';
import { MAX_MINOR } from '../money.ts';
import { MAX_ITEMS, MAX_QUANTITY, computeTotals, type TotalsInput } from './order.totals.ts';

const item = (amount: number, quantity = 1, sale_amount?: number | null) => ({ amount, quantity, sale_amount });
const many = (n: number) => Array.from({ length: n }, () => item(100));

describe('computeTotals: valid orders', () => {
  it.each<[string, TotalsInput, { subtotal: number; total: number; units: number[]; lineTotals: number[] }]>([
    ['single item', { items: [item(28500)] }, { subtotal: 28500, total: 28500, units: [28500], lineTotals: [28500] }],
    ['quantity multiplies', { items: [item(250, 4)] }, { subtotal: 1000, total: 1000, units: [250], lineTotals: [1000] }],
    ['sale price wins', { items: [item(1000, 3, 800)] }, { subtotal: 2400, total: 2400, units: [800], lineTotals: [2400] }],
    ['null sale price ignored', { items: [item(1000, 2, null)] }, { subtotal: 2000, total: 2000, units: [1000], lineTotals: [2000] }],
    [
      'several lines with tax, shipping and discount',
      { items: [item(500, 2), item(1000, 1, 900)], tax: 190, shipping: 50, discount: 140 },
      { subtotal: 1900, total: 2000, units: [500, 900], lineTotals: [1000, 900] },
    ],
    ['explicit zeros', { items: [item(1)], tax: 0, shipping: 0, discount: 0 }, { subtotal: 1, total: 1, units: [1], lineTotals: [1] }],
    ['discount leaves 1 minor unit', { items: [item(100)], discount: 99 }, { subtotal: 100, total: 1, units: [100], lineTotals: [100] }],
    ['max quantity', { items: [item(1, MAX_QUANTITY)] }, { subtotal: MAX_QUANTITY, total: MAX_QUANTITY, units: [1], lineTotals: [MAX_QUANTITY] }],
    [
      'max items',
      { items: many(MAX_ITEMS) },
      { subtotal: 100 * MAX_ITEMS, total: 100 * MAX_ITEMS, units: Array(MAX_ITEMS).fill(100), lineTotals: Array(MAX_ITEMS).fill(100) },
    ],
    [
      'total exactly MAX_MINOR',
      { items: [item(MAX_MINOR - 10)], tax: 5, shipping: 5 },
      { subtotal: MAX_MINOR - 10, total: MAX_MINOR, units: [MAX_MINOR - 10], lineTotals: [MAX_MINOR - 10] },
    ],
    [
      'gross at MAX_MINOR less a discount',
      { items: [item(MAX_MINOR)], discount: 1 },
      { subtotal: MAX_MINOR, total: MAX_MINOR - 1, units: [MAX_MINOR], lineTotals: [MAX_MINOR] },
    ],
  ])('%s', (_name, input, want) => {
    const r = computeTotals(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.subtotal).toBe(want.subtotal);
    expect(r.value.total).toBe(want.total);
    expect(r.value.lines.map((l) => l.unit_amount)).toEqual(want.units);
    expect(r.value.lines.map((l) => l.line_total)).toEqual(want.lineTotals);
    expect(r.value.tax).toBe(input.tax ?? 0);
    expect(r.value.shipping).toBe(input.shipping ?? 0);
    expect(r.value.discount).toBe(input.discount ?? 0);
  });
});

describe('computeTotals: refusals', () => {
  it.each<[string, TotalsInput, string]>([
    ['no items', { items: [] }, 'items'],
    ['too many items', { items: many(MAX_ITEMS + 1) }, 'items'],
    ['items not an array', { items: null as unknown as [] }, 'items'],
    ['item not an object', { items: [item(100), null as never] }, 'items.1'],
    ['zero amount', { items: [item(0)] }, 'items.0.amount'],
    ['negative amount', { items: [item(-100)] }, 'items.0.amount'],
    ['fractional amount', { items: [item(1.5)] }, 'items.0.amount'],
    ['amount above MAX_MINOR', { items: [item(MAX_MINOR + 1)] }, 'items.0.amount'],
    ['amount as string', { items: [{ amount: '100' as never, quantity: 1 }] }, 'items.0.amount'],
    ['zero sale amount', { items: [item(100, 1, 0)] }, 'items.0.sale_amount'],
    ['sale amount equal to amount', { items: [item(100), item(100, 1, 100)] }, 'items.1.sale_amount'],
    ['sale amount above amount', { items: [item(100, 1, 150)] }, 'items.0.sale_amount'],
    ['fractional sale amount', { items: [item(100, 1, 50.5)] }, 'items.0.sale_amount'],
    ['zero quantity', { items: [item(100), item(100, 0)] }, 'items.1.quantity'],
    ['negative quantity', { items: [item(100, -1)] }, 'items.0.quantity'],
    ['fractional quantity', { items: [item(100, 1.5)] }, 'items.0.quantity'],
    ['quantity above max', { items: [item(100, MAX_QUANTITY + 1)] }, 'items.0.quantity'],
    ['NaN quantity', { items: [item(100, Number.NaN)] }, 'items.0.quantity'],
    ['line overflow', { items: [item(MAX_MINOR, 2)] }, 'items.0.quantity'],
    ['subtotal overflow', { items: [item(MAX_MINOR), item(1)] }, 'items'],
    ['negative tax', { items: [item(100)], tax: -1 }, 'tax'],
    ['fractional tax', { items: [item(100)], tax: 0.5 }, 'tax'],
    ['null tax', { items: [item(100)], tax: null as never }, 'tax'],
    ['negative shipping', { items: [item(100)], shipping: -1 }, 'shipping'],
    ['negative discount', { items: [item(100)], discount: -1 }, 'discount'],
    ['tax overflow', { items: [item(MAX_MINOR)], tax: 1 }, 'tax'],
    ['shipping overflow', { items: [item(MAX_MINOR - 1)], tax: 1, shipping: 1 }, 'shipping'],
    ['discount equals gross (zero total)', { items: [item(100)], tax: 10, discount: 110 }, 'discount'],
    ['discount exceeds gross', { items: [item(100)], discount: 500 }, 'discount'],
  ])('%s → %s', (_name, input, path) => {
    const r = computeTotals(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_error');
    expect(r.error.details).toEqual({ path });
  });
});
