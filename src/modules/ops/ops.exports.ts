// CSV exports of orders, payments and refunds for accountants and CRMs (docs/api.md
// "Exports"). One merchant, created_at in [from, to) (UTC), streamed page by page with
// keyset pagination so memory stays bounded whatever the row count. Money is written
// twice: integer minor units (the API's form) and a decimal string with the currency's
// exponent. Free-text cells are neutralized against formula injection (domain/csv.ts).
import { csvHeader, csvRow, type CsvColumn } from '../../domain/csv.ts';
import { domainError } from '../../domain/errors.ts';
import { formatMinor } from '../../domain/money.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { exportOrdersPage, exportPaymentsPage, exportRefundsPage, type Cursored, type ExportCursor, type ExportPage } from './exports.repository.ts';
import type { OrderRow } from '../orders/index.ts';

export const EXPORT_KINDS = ['orders', 'payments', 'refunds'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** One export covers at most this long: a year of a busy shop is still a file a spreadsheet opens; split longer ranges. */
export const MAX_EXPORT_DAYS = 366;
export const EXPORT_PAGE_SIZE = 500;

export interface ExportRange {
  from: Date;
  to: Date;
}

// A date (midnight UTC) or a date-time with an explicit offset: a time without one would
// depend on the server's zone.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date parsing rolls 2026-02-30 over into March; a day that does not exist is a mistake to report. */
function realDay(v: string): boolean {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  const c = new Date(Date.UTC(y, m - 1, d));
  return c.getUTCFullYear() === y && c.getUTCMonth() === m - 1 && c.getUTCDate() === d;
}

function parseInstant(v: string | undefined, name: 'from' | 'to'): Result<Date> {
  if (v === undefined || v === '')
    return err(
      domainError('validation_error', `${name} is required: an ISO 8601 date or date-time in UTC, e.g. 2026-03-01 or 2026-03-01T00:00:00Z`, { path: name }),
    );
  const d = new Date(/T/.test(v) ? v : `${v}T00:00:00Z`);
  if (!ISO.test(v) || Number.isNaN(d.getTime()) || !realDay(v))
    return err(
      domainError(
        'validation_error',
        `${name}: ${JSON.stringify(v.slice(0, 64))} is not an ISO 8601 date or date-time with an offset (e.g. 2026-03-01 or 2026-03-01T00:00:00Z)`,
        { path: name },
      ),
    );
  return ok(d);
}

/** Validates ?from=&to= (from inclusive, to exclusive). */
export function parseExportRange(q: { from?: string | undefined; to?: string | undefined }): Result<ExportRange> {
  const from = parseInstant(q.from, 'from');
  if (!from.ok) return from;
  const to = parseInstant(q.to, 'to');
  if (!to.ok) return to;
  if (to.value.getTime() <= from.value.getTime())
    return err(domainError('validation_error', 'to must be after from (from is inclusive, to exclusive)', { path: 'to' }));
  if (to.value.getTime() - from.value.getTime() > MAX_EXPORT_DAYS * 86_400_000) {
    return err(domainError('validation_error', `the range may cover at most ${MAX_EXPORT_DAYS} days; export longer periods in parts`, { path: 'to' }));
  }
  return ok({ from: from.value, to: to.value });
}

const compact = (d: Date) =>
  d
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/[:]/g, '')
    .replace(/T000000Z$/, '');
export const exportFilename = (kind: ExportKind, r: ExportRange) => `${kind}_${compact(r.from)}_${compact(r.to)}.csv`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** An amount column pair: `<name>` in minor units and `<name>_decimal`. */
function money<T extends { currency: string }>(name: string, get: (r: T) => number): CsvColumn<T>[] {
  return [
    { name, kind: 'number', get: (r) => Number(get(r)) },
    { name: `${name}_decimal`, kind: 'number', get: (r) => formatMinor(Number(get(r)), r.currency) },
  ];
}

const ORDER_COLUMNS: CsvColumn<OrderRow>[] = [
  { name: 'order_id', kind: 'fixed', get: (o) => o.id },
  { name: 'created_at', kind: 'fixed', get: (o) => iso(o.created_at) },
  { name: 'updated_at', kind: 'fixed', get: (o) => iso(o.updated_at) },
  { name: 'status', kind: 'fixed', get: (o) => o.status },
  { name: 'payment_status', kind: 'fixed', get: (o) => o.payment_status },
  { name: 'currency', kind: 'fixed', get: (o) => o.currency },
  ...money<OrderRow>('subtotal', (o) => o.subtotal),
  ...money<OrderRow>('tax', (o) => o.tax),
  { name: 'tax_description', kind: 'text', get: (o) => o.tax_description },
  ...money<OrderRow>('shipping', (o) => o.shipping),
  { name: 'shipping_description', kind: 'text', get: (o) => o.shipping_description },
  ...money<OrderRow>('discount', (o) => o.discount),
  { name: 'discount_description', kind: 'text', get: (o) => o.discount_description },
  ...money<OrderRow>('total', (o) => o.total),
  ...money<OrderRow>('amount_paid', (o) => o.amount_paid),
  ...money<OrderRow>('amount_refunded', (o) => o.amount_refunded),
  { name: 'customer_wa_id', kind: 'text', get: (o) => o.customer_wa_id },
  { name: 'customer_name', kind: 'text', get: (o) => o.customer_name },
  { name: 'item_count', kind: 'number', get: (o) => o.items.reduce((n, i) => n + i.quantity, 0) },
  {
    name: 'items',
    kind: 'text',
    get: (o) => json(o.items.map((i) => ({ retailer_id: i.retailer_id, name: i.name, quantity: i.quantity, amount: i.amount, line_total: i.line_total }))),
  },
  { name: 'goods_type', kind: 'fixed', get: (o) => o.goods_type },
  { name: 'shipping_address', kind: 'text', get: (o) => json(o.shipping_address) },
  { name: 'cancel_reason', kind: 'text', get: (o) => o.cancel_reason },
  { name: 'metadata', kind: 'text', get: (o) => json(o.metadata) },
];

type PaymentExportRow = Awaited<ReturnType<typeof exportPaymentsPage>>[number];
const PAYMENT_COLUMNS: CsvColumn<PaymentExportRow>[] = [
  { name: 'payment_id', kind: 'fixed', get: (p) => p.id },
  { name: 'order_id', kind: 'fixed', get: (p) => p.order_id },
  { name: 'created_at', kind: 'fixed', get: (p) => iso(p.created_at) },
  { name: 'updated_at', kind: 'fixed', get: (p) => iso(p.updated_at) },
  { name: 'captured_at', kind: 'fixed', get: (p) => iso(p.captured_at) },
  { name: 'status', kind: 'fixed', get: (p) => p.status },
  { name: 'method', kind: 'fixed', get: (p) => p.method },
  { name: 'provider', kind: 'fixed', get: (p) => p.provider },
  { name: 'currency', kind: 'fixed', get: (p) => p.currency },
  ...money<PaymentExportRow>('amount', (p) => p.amount),
  { name: 'reference_id', kind: 'text', get: (p) => p.reference_id },
  { name: 'provider_payment_id', kind: 'text', get: (p) => p.provider_payment_id },
  { name: 'customer_wa_id', kind: 'text', get: (p) => p.customer_wa_id },
  { name: 'customer_name', kind: 'text', get: (p) => p.customer_name },
];

type RefundExportRow = Awaited<ReturnType<typeof exportRefundsPage>>[number];
const REFUND_COLUMNS: CsvColumn<RefundExportRow>[] = [
  { name: 'refund_id', kind: 'fixed', get: (r) => r.id },
  { name: 'order_id', kind: 'fixed', get: (r) => r.order_id },
  { name: 'payment_id', kind: 'fixed', get: (r) => r.payment_id },
  { name: 'created_at', kind: 'fixed', get: (r) => iso(r.created_at) },
  { name: 'updated_at', kind: 'fixed', get: (r) => iso(r.updated_at) },
  { name: 'status', kind: 'fixed', get: (r) => r.status },
  { name: 'kind', kind: 'fixed', get: (r) => r.kind },
  { name: 'currency', kind: 'fixed', get: (r) => r.currency },
  ...money<RefundExportRow>('amount', (r) => r.amount),
  { name: 'reason', kind: 'text', get: (r) => r.reason },
  { name: 'failure_reason', kind: 'text', get: (r) => r.failure_reason },
  { name: 'provider', kind: 'fixed', get: (r) => r.provider },
  { name: 'provider_refund_id', kind: 'text', get: (r) => r.provider_refund_id },
  { name: 'customer_wa_id', kind: 'text', get: (r) => r.customer_wa_id },
  { name: 'customer_name', kind: 'text', get: (r) => r.customer_name },
];

interface Source<T extends Cursored & { id: string }> {
  columns: CsvColumn<T>[];
  page: (q: Queryable, p: ExportPage) => Promise<T[]>;
}

const SOURCES: { [K in ExportKind]: Source<any> } = {
  orders: { columns: ORDER_COLUMNS, page: exportOrdersPage } satisfies Source<OrderRow & Cursored>,
  payments: { columns: PAYMENT_COLUMNS, page: exportPaymentsPage } satisfies Source<PaymentExportRow>,
  refunds: { columns: REFUND_COLUMNS, page: exportRefundsPage } satisfies Source<RefundExportRow>,
};

export const exportColumns = (kind: ExportKind): string[] => SOURCES[kind].columns.map((c) => c.name);

/**
 * The CSV as chunks: the header, then one chunk per page. Each page is its own short
 * query, so no transaction or connection is held while the consumer (a slow download)
 * reads; rows created during the export after the cursor appear, which is what a live
 * export means.
 */
export async function* exportCsv(q: Queryable, merchantId: string, kind: ExportKind, range: ExportRange, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  const src = SOURCES[kind];
  yield csvHeader(src.columns);
  let after: ExportCursor | undefined;
  for (;;) {
    const rows = await src.page(q, { merchantId, from: range.from, to: range.to, after, limit: pageSize });
    if (rows.length === 0) return;
    let chunk = '';
    for (const r of rows) chunk += csvRow(src.columns, r);
    yield chunk;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { ts: last.export_cursor, id: last.id };
  }
}
