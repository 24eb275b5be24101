// Catalog sync runs and the catalog settings as the API shows them, with their schemas.
import { z } from 'zod';
import { formatMoney } from '../../domain/display.ts';
import { isCurrency } from '../../domain/money.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { businessPresentation } from '../merchants/index.ts';
import { listSyncItems, type CatalogSyncRow, type SyncItemRow, type SyncSettingsRow } from './catalog-syncs.repository.ts';

/** At most this many conflict and skipped lines each are shown on a run. */
export const REPORT_LINES = 1000;

const money = z.object({ amount: z.number().int().describe('Minor units'), currency: z.string(), formatted: z.string() });

export const catalogSyncSchema = z
  .object({
    id: z.string().describe('csy_…'),
    object: z.literal('catalog_sync'),
    direction: z.literal('import'),
    trigger: z.enum(['request', 'schedule']).describe('request: POST /v1/catalog/sync; schedule: the scheduled import'),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    catalog_id: z.string().describe("Meta's catalog"),
    pages: z.number().int(),
    counts: z.object({
      seen: z.number().int().describe('Meta products read (a retailer_id Meta lists twice counts once)'),
      created: z.number().int().describe('New products made from Meta'),
      unchanged: z.number().int().describe('Products we already had, at the same price'),
      conflicts: z.number().int().describe('Products we already had at another price: ours kept'),
      skipped: z.number().int().describe('Meta products we could not read (no retailer_id, a price string we cannot read exactly, …)'),
    }),
    conflicts: z
      .array(
        z.object({
          retailer_id: z.string(),
          product_id: z.string().nullable(),
          meta_product_id: z.string().nullable(),
          meta_price: z.string().nullable().describe('As Meta wrote it'),
          ours: money.describe('The price of record, kept'),
          meta: money,
        }),
      )
      .describe(`Our price differs from Meta's: never overwritten (first ${REPORT_LINES})`),
    skipped: z
      .array(z.object({ retailer_id: z.string(), meta_product_id: z.string().nullable(), meta_price: z.string().nullable(), reason: z.string() }))
      .describe(`Meta products not imported, with why (first ${REPORT_LINES})`),
    error: z
      .object({ code: z.union([z.number(), z.string()]), title: z.string(), message: z.string().optional() })
      .nullable()
      .describe("Why the run failed (Meta's error)"),
    requested_by: z.string().nullable().describe('usr_… or key_…; null for a scheduled import'),
    created_at: isoTime,
    started_at: isoTime.nullable(),
    finished_at: isoTime.nullable(),
  })
  .meta({ id: 'CatalogSync', description: "An import of the merchant's Meta catalog into our products" });

export const catalogSyncListSchema = listOf(catalogSyncSchema.omit({ conflicts: true, skipped: true }));

function moneyOf(amount: number, currency: string, locale: string) {
  return { amount, currency, formatted: isCurrency(currency) ? formatMoney(amount, currency, locale) : `${currency} ${amount}` };
}

function summary(r: CatalogSyncRow) {
  return {
    id: r.id,
    object: 'catalog_sync' as const,
    direction: r.direction,
    trigger: r.trigger,
    status: r.status,
    catalog_id: r.catalog_id,
    pages: r.pages,
    counts: { seen: r.seen, created: r.created, unchanged: r.unchanged, conflicts: r.conflicts, skipped: r.skipped },
    error: r.error,
    requested_by: r.requested_by,
    created_at: iso(r.created_at)!,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
  };
}

export const presentCatalogSyncSummary = summary;

export async function presentCatalogSync(q: Queryable, r: CatalogSyncRow): Promise<z.infer<typeof catalogSyncSchema>> {
  const { locale } = await businessPresentation(q, r.merchant_id);
  // One after the other: a transaction's connection runs one statement at a time.
  const conflicts: SyncItemRow[] = await listSyncItems(q, r.merchant_id, r.id, ['conflict'], REPORT_LINES);
  const skipped: SyncItemRow[] = await listSyncItems(q, r.merchant_id, r.id, ['skipped'], REPORT_LINES);
  return {
    ...summary(r),
    conflicts: conflicts.map((c) => ({
      retailer_id: c.retailer_id,
      product_id: c.product_id,
      meta_product_id: c.meta_product_id,
      meta_price: c.meta_price,
      ours: moneyOf(c.our_price ?? 0, c.our_currency ?? '', locale),
      meta: moneyOf(c.meta_amount ?? 0, c.meta_currency ?? '', locale),
    })),
    skipped: skipped.map((s) => ({ retailer_id: s.retailer_id, meta_product_id: s.meta_product_id, meta_price: s.meta_price, reason: s.reason ?? '' })),
  };
}

export const catalogSettingsSchema = z
  .object({
    object: z.literal('catalog_settings'),
    scheduled_import: z.object({
      enabled: z.boolean().describe('Import the Meta catalog every interval_hours (the maintenance job starts it; at most one run at a time)'),
      interval_hours: z.number().int().min(1).max(168),
    }),
    updated_at: isoTime.nullable(),
  })
  .meta({ id: 'CatalogSettings', description: 'How the catalog is kept with WhatsApp' });

export function presentCatalogSettings(s: SyncSettingsRow | undefined): z.infer<typeof catalogSettingsSchema> {
  return {
    object: 'catalog_settings',
    scheduled_import: { enabled: s?.scheduled_import ?? false, interval_hours: s?.interval_hours ?? 24 },
    updated_at: s ? iso(s.updated_at)! : null,
  };
}
