import { z } from 'zod';
import { balances } from '../ledger.queries.ts';
import { isAccount } from '../../../domain/ledger/chart.ts';
import type { App } from '../../../platform/http/app.ts';
import { currencyCode } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentBalance } from '../ledger.present.ts';
import { balanceListSchema } from '../ledger.present.ts';

const query = z.strictObject({
  currency: currencyCode.optional(),
  account: z
    .string()
    .max(100)
    .refine(isAccount, { message: 'must be a ledger account such as revenue or provider_clearing:razorpay (see docs/ledger.md)' })
    .optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/ledger/balances',
    { schema: { response: { 200: balanceListSchema }, summary: 'Balance of every ledger account (debit positive), per currency', querystring: query } },
    async (req, reply) => {
      const rows = await balances(ctx.db, req.merchantId, { currency: req.query.currency, account: req.query.account });
      return reply.send({ object: 'list' as const, data: rows.map(presentBalance), has_more: false });
    },
  );
}
