// Importing the merchant's Meta catalog: POST /v1/catalog/sync {direction: "import"} → 202
// and a run (its job pages through Meta's catalog), GET /v1/catalog/syncs and
// /v1/catalog/syncs/{id} with the report (conflicts: our price kept; skipped: why), and
// GET|PATCH /v1/settings/catalog for the scheduled import.
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { page } from '../../../platform/http/page.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import { getSync, getSyncSettings, listSyncs } from '../whatsapp.queries.ts';
import {
  catalogSettingsSchema,
  catalogSyncListSchema,
  catalogSyncSchema,
  presentCatalogSettings,
  presentCatalogSync,
  presentCatalogSyncSummary,
} from '../whatsapp.catalog-sync.present.ts';
import { startCatalogImport, updateCatalogSyncSettings } from '../whatsapp.catalog-sync.ts';

const tags = ['catalog'];

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/catalog/sync',
    {
      schema: {
        tags,
        summary:
          "Import the merchant's Meta catalog into our products by retailer_id (202: a run, done by a job). Our prices stay the prices of record: a different price is reported, never overwritten. 409 when a run is already queued or running, or no catalog is linked",
        body: z.strictObject({ direction: z.literal('import').describe('Import from Meta (export to Meta is not available yet)') }),
        response: { 202: catalogSyncSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 202,
        run: (tx) => startCatalogImport(ctx, tx, req.merchantId, { trigger: 'request', actor: apiActor(req) }),
        present: (r, tx) => presentCatalogSync(tx, r),
      }),
  );

  app.get(
    '/v1/catalog/syncs',
    {
      schema: {
        tags,
        summary: 'Catalog sync runs, newest first (counts only; the report is on each run)',
        querystring: listQuery,
        response: { 200: catalogSyncListSchema },
      },
    },
    async (req, reply) =>
      reply.send(
        page(
          await listSyncs(ctx.db, req.merchantId, { limit: req.query.limit, startingAfter: req.query.starting_after }),
          req.query.limit,
          presentCatalogSyncSummary,
        ),
      ),
  );

  app.get(
    '/v1/catalog/syncs/:id',
    {
      schema: {
        tags,
        summary: 'A catalog sync run with its report: counts, price conflicts (ours kept) and skipped products',
        params: idParam('csy'),
        response: { 200: catalogSyncSchema },
      },
    },
    async (req, reply) => {
      const r = await getSync(ctx.db, req.merchantId, req.params.id);
      if (!r) return sendError(req, reply, domainError('not_found', `No catalog sync ${req.params.id}`));
      return reply.send(await presentCatalogSync(ctx.db, r));
    },
  );

  app.get(
    '/v1/settings/catalog',
    { schema: { tags, summary: 'Catalog settings: the scheduled import of the Meta catalog', response: { 200: catalogSettingsSchema } } },
    async (req, reply) => reply.send(presentCatalogSettings(await getSyncSettings(ctx.db, req.merchantId))),
  );

  app.patch(
    '/v1/settings/catalog',
    {
      schema: {
        tags,
        summary: 'Turn the scheduled import of the Meta catalog on or off, and how often it runs (1 to 168 hours)',
        body: z.strictObject({
          scheduled_import: z.strictObject({ enabled: z.boolean().optional(), interval_hours: z.number().int().min(1).max(168).optional() }),
        }),
        response: { 200: catalogSettingsSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => updateCatalogSyncSettings(ctx, tx, req.merchantId, req.body),
        present: presentCatalogSettings,
      }),
  );
}
