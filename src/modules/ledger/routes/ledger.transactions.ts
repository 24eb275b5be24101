import { z } from 'zod';
import { listTransactions } from '../ledger.queries.ts';
import { LEDGER_KINDS } from '../../../domain/ledger/postings.ts';
import type { App } from '../../../platform/http/app.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentLedgerTransaction } from '../ledger.present.ts';
import { ledgerTransactionListSchema } from '../ledger.present.ts';

const query = listQuery.extend({
  order_id: z.string().max(64).optional(),
  kind: z.enum(LEDGER_KINDS as [string, ...string[]]).optional(),
  provider: z.string().max(40).optional(),
  provider_payment_id: z.string().max(200).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/ledger/transactions',
    { schema: { response: { 200: ledgerTransactionListSchema }, summary: 'Ledger transactions with their postings, newest first', querystring: query } },
    async (req, reply) => {
      const q = req.query;
      const page = await listTransactions(
        ctx.db,
        req.merchantId,
        { orderId: q.order_id, kind: q.kind, provider: q.provider, providerPaymentId: q.provider_payment_id },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      return reply.send({ object: 'list' as const, data: page.data.map(presentLedgerTransaction), has_more: page.hasMore });
    },
  );
}
