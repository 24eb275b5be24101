// Reconciliation runs and items as API objects (amounts in minor units, times ISO 8601 UTC),
// with the zod schemas their routes answer with (and /openapi.json shows).
import { z } from 'zod';
import { listOf } from '../../platform/http/page.ts';
import { DEFAULT_SETTLEMENT_DAYS } from './reconciliation.settings.ts';
import { CATEGORIES, type Totals } from '../../domain/reconciliation/report.ts';
import type { ItemRow, RunRow } from './reconciliation.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Runs stored before a category existed have no total for it: zero, not absent. */
export const withAllCategories = (t: Totals): Totals => Object.fromEntries(CATEGORIES.map((c) => [c, t[c] ?? { count: 0, amounts: {} }])) as Totals;

export function presentRun(r: RunRow): z.infer<typeof runSchema> {
  const s = r.settings as { amount_unit?: string | null; mapping?: unknown; apply_fees?: boolean; apply?: boolean; settlement_days?: number };
  return {
    id: r.id,
    object: 'reconciliation' as const,
    version: r.version,
    rerun_of: r.rerun_of,
    format: r.format,
    provider: r.provider,
    file_name: r.file_name,
    file_sha256: r.file_sha256,
    amount_unit: s.amount_unit ?? null,
    mapping: (s.mapping ?? null) as Record<string, string> | null,
    apply_fees: s.apply_fees ?? s.apply ?? false,
    apply: s.apply ?? false,
    settlement_days: s.settlement_days ?? DEFAULT_SETTLEMENT_DAYS,
    period: { from: iso(r.period_start), to: iso(r.period_end) },
    status: r.status,
    row_count: r.row_count,
    totals: withAllCategories(r.totals),
    progress: {
      bytes_read: Number(r.bytes_read),
      bytes_total: Number(r.bytes_total),
      rows_read: r.row_count,
      items_imported: r.items_imported,
    },
    failure: r.status === 'failed' ? { message: r.failure_reason ?? 'the import failed', line: r.failure_line } : null,
    created_at: iso(r.created_at),
    completed_at: iso(r.completed_at),
  };
}

/** Item ids are `<run id>:<seq>`; `starting_after` takes one. */
export const itemId = (i: ItemRow) => `${i.run_id}:${i.seq}`;
export const seqOf = (id: string | undefined): number | undefined => {
  if (id === undefined) return undefined;
  const n = Number(id.slice(id.lastIndexOf(':') + 1));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

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

export function presentItem(i: ItemRow): z.infer<typeof itemSchema> {
  return {
    id: itemId(i),
    object: 'reconciliation_item' as const,
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

const total = z.object({ count: z.number().int(), amounts: z.record(z.string(), z.number().int()) });

/** A run as the API answers it (the routes' response schema, and so the OpenAPI document). */
export const runSchema = z
  .object({
    id: z.string(),
    object: z.literal('reconciliation'),
    version: z.number().int(),
    rerun_of: z.string().nullable(),
    format: z.string(),
    provider: z.string(),
    file_name: z.string().nullable(),
    file_sha256: z.string(),
    amount_unit: z.string().nullable(),
    mapping: z.record(z.string(), z.string()).nullable(),
    apply_fees: z.boolean(),
    apply: z.boolean(),
    settlement_days: z.number().int(),
    period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    status: z
      .enum(['importing', 'clean', 'mismatches', 'failed'])
      .describe('importing until the job has read the whole file; then clean, mismatches, or failed (see failure)'),
    row_count: z.number().int().describe('report rows read (so far, while importing)'),
    totals: z.record(z.enum(CATEGORIES), total).describe('count and amount per currency of each category (so far, while importing)'),
    progress: z
      .object({
        bytes_read: z.number().int(),
        bytes_total: z.number().int(),
        rows_read: z.number().int(),
        items_imported: z.number().int(),
      })
      .describe("the import's progress: bytes of the file read and items written so far"),
    failure: z
      .object({ message: z.string(), line: z.number().int().nullable() })
      .nullable()
      .describe('why a failed run failed (the message names the line; the header is line 1)'),
    created_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: 'Reconciliation', description: 'A reconciliation run of a settlement report' });

export const runListSchema = listOf(runSchema);
