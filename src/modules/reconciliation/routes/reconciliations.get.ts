// Reading reconciliation runs: the list (newest first), one run with its totals, and a
// run's items, optionally of one category (?category=missing_here).
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import { CATEGORIES } from '../../../domain/reconciliation/report.ts';
import { getRun, listItems, listRuns } from '../reconciliation.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { itemListSchema, presentItem, presentRun, runListSchema, runSchema, seqOf } from '../reconciliation.present.ts';

const itemsQuery = listQuery.extend({
  category: z.enum(CATEGORIES).optional(),
  starting_after: z
    .string()
    .max(64)
    .regex(/^[a-z]+_[0-9a-z]+:\d+$/, { message: 'must be an item id such as rec_…:12' })
    .optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/reconciliations',
    { schema: { summary: 'Reconciliation runs, newest first', querystring: listQuery, response: { 200: runListSchema } } },
    async (req, reply) => {
      const rows = await listRuns(ctx.db, req.merchantId, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, presentRun));
    },
  );
  app.get(
    '/v1/reconciliations/:id',
    {
      schema: {
        summary: 'A reconciliation run with its totals per category and currency, and its import progress while it is importing',
        params: idParam('rec'),
        response: { 200: runSchema },
      },
    },
    async (req, reply) => {
      const run = await getRun(ctx.db, req.merchantId, req.params.id);
      if (!run) return sendError(req, reply, domainError('not_found', `No reconciliation run ${req.params.id}`));
      return reply.send(presentRun(run));
    },
  );
  app.get(
    '/v1/reconciliations/:id/items',
    {
      schema: {
        summary: "A run's items in report order; ?category= filters",
        params: idParam('rec'),
        querystring: itemsQuery,
        response: { 200: itemListSchema },
      },
    },
    async (req, reply) => {
      const run = await getRun(ctx.db, req.merchantId, req.params.id);
      if (!run) return sendError(req, reply, domainError('not_found', `No reconciliation run ${req.params.id}`));
      const q = req.query;
      const rows = await listItems(ctx.db, req.merchantId, run.id, { category: q.category }, { limit: q.limit, afterSeq: seqOf(q.starting_after) });
      return reply.send(page(rows, q.limit, presentItem));
    },
  );
}
