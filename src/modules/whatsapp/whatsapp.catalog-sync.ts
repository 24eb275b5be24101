// Importing the merchant's Meta catalog (Commerce Manager) into our products, by
// retailer_id. POST /v1/catalog/sync makes a run and queues its job in the request's
// transaction; the job pages through GET /{catalog_id}/products (the number's catalog,
// through the number's Graph endpoint and token), one transaction per page: the products
// it creates, a report line per Meta product and the cursor of the next page, so a
// redelivered job resumes after the last committed page and a product is never made
// twice. Our price is the price of record: a product we already have is never changed;
// a different price (or currency) is a `conflict` line showing both. Meta's price strings
// are read exactly (domain/meta-price.ts) or the product is `skipped` with the reason.
// A scheduled import (GET|PATCH /v1/settings/catalog) is started by the hourly maintenance.
import type { CatalogProductItem } from '../../adapters/whatsapp/graph.responses.ts';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { parseMetaPrice } from '../../domain/meta-price.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { inTransaction, type Actor, type AppContext } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { JobRow } from '../../platform/jobs/jobs.repository.ts';
import type { Tx } from '../../platform/store/db.ts';
import { createProduct, getProductsByRetailerIds } from '../catalog/index.ts';
import * as repo from './catalog-syncs.repository.ts';
import { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';

export const CATALOG_IMPORT_JOB = 'catalog.import';
/** Products per Graph page. */
export const IMPORT_PAGE_SIZE = 100;
/** A run reads at most this many pages (a cursor that never ends is Meta's bug, not a loop of ours). */
const MAX_PAGES = 1000;
/** Availability values that make an imported product active (sellable). */
const SELLABLE = new Set(['in stock', 'available for order', 'preorder']);

export async function startCatalogImport(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  by: { trigger: 'request' | 'schedule'; actor: Actor | null },
): Promise<Result<repo.CatalogSyncRow>> {
  const number = await getNumberByMerchant(tx, merchantId);
  if (!number) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  if (!number.catalog_id) return err(domainError('conflict', 'No Meta catalog is linked: set catalog_id in PATCH /v1/settings/whatsapp'));
  const now = ctx.clock.now();
  const row = await repo.insertSync(tx, {
    id: newId('csy'),
    merchant_id: merchantId,
    trigger: by.trigger,
    catalog_id: number.catalog_id,
    requested_by: by.actor?.id ?? null,
    now,
  });
  if (!row) {
    const active = await repo.getActiveSync(tx, merchantId);
    return err(domainError('conflict', 'A catalog import is already queued or running', { sync_id: active?.id ?? null }));
  }
  await enqueueJob(tx, {
    kind: CATALOG_IMPORT_JOB,
    merchantId,
    payload: { sync_id: row.id },
    runAt: now,
    dedupeKey: `${CATALOG_IMPORT_JOB}:${row.id}`,
    maxAttempts: 8,
  });
  return ok(row);
}

type Line = Omit<repo.SyncItemRow, 'sync_id' | 'merchant_id' | 'seq'>;

async function importItem(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  it: CatalogProductItem,
  ours: Map<string, { id: string; price: number; currency: string }>,
): Promise<Line> {
  const base = {
    meta_product_id: it.id,
    meta_price: it.price ?? null,
    product_id: null,
    meta_amount: null,
    meta_currency: it.currency ?? null,
    our_price: null,
    our_currency: null,
  };
  const rid = it.retailer_id ?? '';
  const skip = (reason: string): Line => ({ ...base, retailer_id: rid, outcome: 'skipped', reason });
  if (rid === '' || rid.length > 100) return skip(rid === '' ? 'no retailer_id' : 'retailer_id over 100 characters');
  const price = parseMetaPrice(it.price, it.currency ?? null);
  if (!price.ok) return skip(price.error.message);
  const meta = { ...base, meta_amount: price.value.amount, meta_currency: price.value.currency };
  const mine = ours.get(rid);
  if (mine) {
    const same = mine.price === price.value.amount && mine.currency === price.value.currency;
    return {
      ...meta,
      retailer_id: rid,
      outcome: same ? 'unchanged' : 'conflict',
      product_id: mine.id,
      our_price: mine.price,
      our_currency: mine.currency,
      reason: same ? null : 'the prices differ: ours stays the price of record',
    };
  }
  const name = (it.name ?? '').trim();
  if (name === '' || name.length > 200) return skip(name === '' ? 'no name' : 'name over 200 characters');
  if ((it.description ?? '').length > 2000) return skip('description over 2000 characters');
  const created = await createProduct(ctx, tx, merchantId, {
    retailer_id: rid,
    name,
    price: price.value.amount,
    currency: price.value.currency,
    ...(it.description ? { description: it.description } : {}),
    ...(it.image_url ? { image_url: it.image_url } : {}),
    active: SELLABLE.has(it.availability ?? 'in stock'),
  });
  if (!created.ok) return skip(created.error.message);
  ours.set(rid, { id: created.value.id, price: created.value.price, currency: created.value.currency });
  return { ...meta, retailer_id: rid, outcome: 'created', product_id: created.value.id, reason: null };
}

/** The job: reads the pages from where the run stands, one transaction each, and finishes it. */
export async function runCatalogImport(ctx: AppContext, job: Pick<JobRow, 'merchant_id' | 'payload' | 'attempts' | 'max_attempts'>): Promise<void> {
  const merchantId = job.merchant_id;
  const syncId = job.payload['sync_id'];
  if (!merchantId || typeof syncId !== 'string') return;
  for (let guard = 0; guard < MAX_PAGES; guard++) {
    const run = await repo.getSync(ctx.db, merchantId, syncId);
    if (!run || run.status === 'succeeded' || run.status === 'failed') return;
    const number = await getNumberByMerchant(ctx.db, merchantId);
    const token = number ? tokenFor(ctx, number) : undefined;
    if (!number || !token || number.catalog_id !== run.catalog_id) {
      await inTransaction(ctx, (tx) =>
        repo.finishSync(
          tx,
          syncId,
          'failed',
          { code: 'no_catalog', title: 'The WhatsApp number, its token or its catalog changed or is missing' },
          ctx.clock.now(),
        ),
      );
      return;
    }
    if (guard === 0 && run.pages >= MAX_PAGES) break;
    const page = await graphFor(ctx, number).listCatalogProducts(run.catalog_id, token, { limit: IMPORT_PAGE_SIZE, after: run.next_cursor ?? undefined });
    if (!page.ok) {
      const e = page.error;
      const retry = (e.class === 'transient' || e.class === 'throttle') && job.attempts < job.max_attempts;
      if (retry) throw new Error(`Graph ${e.code}: ${e.message ?? e.title}`);
      await inTransaction(ctx, (tx) =>
        repo.finishSync(tx, syncId, 'failed', { code: e.code, title: e.title, ...(e.message ? { message: e.message } : {}) }, ctx.clock.now()),
      );
      return;
    }
    const items = page.value.data;
    const next = page.value.paging?.next !== undefined && items.length > 0 ? (page.value.paging?.cursors?.after ?? null) : null;
    const done = await inTransaction(ctx, async (tx) => {
      const locked = await repo.getSync(tx, merchantId, syncId, true);
      // Another delivery of this job committed this page meanwhile: read on from where it stands.
      if (!locked || locked.status === 'succeeded' || locked.status === 'failed' || locked.next_cursor !== run.next_cursor || locked.pages !== run.pages)
        return false;
      const rids = [...new Set(items.map((i) => i.retailer_id).filter((r): r is string => typeof r === 'string' && r !== ''))];
      const ours = new Map(
        (await getProductsByRetailerIds(tx, merchantId, rids)).map((p) => [p.retailer_id, { id: p.id, price: p.price, currency: p.currency }]),
      );
      const count = { seen: 0, created: 0, unchanged: 0, conflicts: 0, skipped: 0 };
      for (const [i, it] of items.entries()) {
        const line = await importItem(ctx, tx, merchantId, it, ours);
        const fresh = await repo.insertSyncItem(tx, { ...line, sync_id: syncId, merchant_id: merchantId, seq: locked.seen + i });
        if (!fresh) continue;
        count.seen++;
        if (line.outcome === 'conflict') count.conflicts++;
        else count[line.outcome]++;
      }
      const now = ctx.clock.now();
      await repo.advanceSync(tx, syncId, { ...count, nextCursor: next, now });
      if (next === null) await repo.finishSync(tx, syncId, 'succeeded', null, now);
      return next === null;
    });
    if (done) return;
  }
  await inTransaction(ctx, (tx) =>
    repo.finishSync(tx, syncId, 'failed', { code: 'too_many_pages', title: `Meta's catalog went on past ${MAX_PAGES} pages` }, ctx.clock.now()),
  );
}

/** The hourly maintenance: starts the imports that are due. */
export async function scheduleCatalogImports(ctx: AppContext): Promise<number> {
  let started = 0;
  for (const merchantId of await repo.listDueScheduledImports(ctx.db, ctx.clock.now(), 200)) {
    const r = await inTransaction(ctx, (tx) => startCatalogImport(ctx, tx, merchantId, { trigger: 'schedule', actor: null }));
    if (r.ok) started++;
  }
  return started;
}

export interface CatalogSyncSettingsInput {
  scheduled_import?: { enabled?: boolean | undefined; interval_hours?: number | undefined } | undefined;
}

export async function updateCatalogSyncSettings(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  input: CatalogSyncSettingsInput,
): Promise<Result<repo.SyncSettingsRow>> {
  const cur = await repo.getSyncSettings(tx, merchantId);
  const enabled = input.scheduled_import?.enabled ?? cur?.scheduled_import ?? false;
  if (enabled) {
    const number = await getNumberByMerchant(tx, merchantId);
    if (!number?.catalog_id) return err(domainError('conflict', 'No Meta catalog is linked: set catalog_id in PATCH /v1/settings/whatsapp first'));
  }
  return ok(
    await repo.putSyncSettings(
      tx,
      merchantId,
      { scheduled_import: enabled, interval_hours: input.scheduled_import?.interval_hours ?? cur?.interval_hours ?? 24 },
      ctx.clock.now(),
    ),
  );
}
