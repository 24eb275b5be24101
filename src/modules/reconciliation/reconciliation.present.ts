// Reconciliation runs and items as API objects (amounts in minor units, times ISO 8601 UTC),
// with the zod schemas their routes answer with (and /openapi.json shows).
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import { DEFAULT_SETTLEMENT_DAYS } from './reconciliation.run.ts';
import { CATEGORIES, type Totals } from '../../domain/reconciliation/report.ts';
import type { ItemRow, RunRow } from './reconciliation.repository.ts';

const categoryTotal = z.object({
  count: z.number().int(),
  amounts: z.record(z.string(), z.number().int()).describe('Per currency, minor units'),
});

export const runSchema = z
  .object({
    id: z.string().describe('rec_…'),
    object: z.literal('reconciliation'),
    version: z.number().int().describe('1 for an import; each rerun of it adds one'),
    rerun_of: z.string().nullable(),
    format: z.string().describe('razorpay, stripe or generic'),
    provider: z.string(),
    file_name: z.string().nullable(),
    file_sha256: z.string(),
    amount_unit: z.string().nullable(),
    mapping: z.unknown().describe('The column mapping of a generic report, else null'),
    apply_fees: z.boolean(),
    apply: z.boolean().describe('Whether its fees and payouts were booked into the ledger'),
    settlement_days: z.number().int(),
    period: z.object({ from: isoTime.nullable(), to: isoTime.nullable() }),
    status: z.enum(['clean', 'mismatches']),
    row_count: z.number().int(),
    totals: z.record(z.enum(CATEGORIES), categoryTotal).describe('Per category: how many items, and their amounts per currency'),
    created_at: isoTime,
  })
  .meta({ id: 'Reconciliation', description: 'A reconciliation run of a settlement report' });

export const runListSchema = listOf(runSchema);

/** Runs stored before a category existed have no total for it: zero, not absent. */
export const withAllCategories = (t: Totals): Totals => Object.fromEntries(CATEGORIES.map((c) => [c, t[c] ?? { count: 0, amounts: {} }])) as Totals;

export function presentRun(r: RunRow): z.infer<typeof runSchema> {
  const s = r.settings as { amount_unit?: string | null; mapping?: unknown; apply_fees?: boolean; apply?: boolean; settlement_days?: number };
  return {
    id: r.id,
    object: 'reconciliation',
    version: r.version,
    rerun_of: r.rerun_of,
    format: r.format,
    provider: r.provider,
    file_name: r.file_name,
    file_sha256: r.file_sha256,
    amount_unit: s.amount_unit ?? null,
    mapping: s.mapping ?? null,
    apply_fees: s.apply_fees ?? s.apply ?? false,
    apply: s.apply ?? false,
    settlement_days: s.settlement_days ?? DEFAULT_SETTLEMENT_DAYS,
    period: { from: iso(r.period_start), to: iso(r.period_end) },
    status: r.status,
    row_count: r.row_count,
    totals: withAllCategories(r.totals),
    created_at: iso(r.created_at)!,
  };
}

export const itemSchema = z
  .object({
    id: z.string().describe('<run id>:<seq>'),
    object: z.literal('reconciliation_item'),
    category: z.enum(CATEGORIES),
    kind: z.string(),
    line: z.number().int().nullable().describe("The report's line, when the item comes from one"),
    provider_payment_id: z.string().nullable(),
    provider_refund_id: z.string().nullable(),
    reference_id: z.string().nullable(),
    order_id: z.string().nullable(),
    payment_id: z.string().nullable(),
    refund_id: z.string().nullable(),
    currency: z.string(),
    expected_amount: z.number().int().nullable(),
    actual_amount: z.number().int().nullable(),
    expected_fee: z.number().int().nullable(),
    actual_fee: z.number().int().nullable(),
    amount: z.number().int(),
    note: z.string().nullable(),
  })
  .meta({ id: 'ReconciliationItem', description: 'One item of a run: a match or a difference' });

export const itemListSchema = listOf(itemSchema);

/** Item ids are `<run id>:<seq>`; `starting_after` takes one. */
export const itemId = (i: ItemRow) => `${i.run_id}:${i.seq}`;
export const seqOf = (id: string | undefined): number | undefined => {
  if (id === undefined) return undefined;
  const n = Number(id.slice(id.lastIndexOf(':') + 1));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

export function presentItem(i: ItemRow): z.infer<typeof itemSchema> {
  return {
    id: itemId(i),
    object: 'reconciliation_item',
    category: i.category,
    kind: i.kind,
    line: i.line,
    provider_payment_id: i.provider_payment_id,
    provider_refund_id: i.provider_refund_id,
    reference_id: i.reference_id,
    order_id: i.order_id,
    payment_id: i.payment_id,
    refund_id: i.refund_id,
    currency: i.currency,
    expected_amount: i.expected_amount,
    actual_amount: i.actual_amount,
    expected_fee: i.expected_fee,
    actual_fee: i.actual_fee,
    amount: i.amount,
    note: i.note,
  };
}
