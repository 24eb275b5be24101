import { orderLedger } from '../ledger.queries.ts';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentBalance, presentLedgerTransaction } from '../ledger.present.ts';
import { orderLedgerSchema } from '../ledger.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/orders/:id/ledger',
    {
      schema: {
        response: { 200: orderLedgerSchema },
        summary: "An order's ledger transactions (oldest first), balances and projected amounts",
        params: idParam('ord'),
      },
    },
    async (req, reply) => {
      const l = await orderLedger(ctx.db, req.merchantId, req.params.id);
      if (!l) return sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
      return reply.send({
        object: 'order_ledger' as const,
        order_id: l.order.id,
        currency: l.order.currency,
        total: l.order.total,
        amount_paid: l.order.amount_paid,
        amount_refunded: l.order.amount_refunded,
        balances: l.balances.map(presentBalance),
        transactions: l.transactions.map(presentLedgerTransaction),
      });
    },
  );
}
