// GET /v1/orders: newest first, cursor-paginated, with the filters the console needs:
// statuses (one or a comma list), created range, expiry range (bills about to expire),
// customer, and a `q` search over reference ids, the customer's name and number.
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import { ORDER_STATUSES } from '../../../domain/order/order.machine.ts';
import { PAYMENT_STATUSES } from '../../../domain/payment/payment.machine.ts';
import { listOrders } from '../orders.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { bsuid, listQuery, waId } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRows } from '../orders.present.ts';
import { orderListSchema } from '../orders.present.ts';

/** One value or a comma-separated list of them (`status=processing,partially_shipped`); a pattern, so OpenAPI shows the values. */
const oneOrMore = <T extends readonly [string, ...string[]]>(values: T, what: string) => {
  const one = `(?:${values.join('|')})`;
  return z
    .string()
    .max(200)
    .regex(new RegExp(`^${one}(?:,${one})*$`), { message: `must be one of ${values.join(', ')}, or several of them separated by commas` })
    .describe(`One ${what} or several separated by commas (any of them): ${values.join(', ')}`)
    .transform((s) => [...new Set(s.split(','))] as T[number][]);
};

const time = (what: string) => z.iso.datetime({ offset: true, message: `must be an ISO 8601 time with an offset, e.g. 2026-04-01T00:00:00Z (${what})` });

const query = listQuery.extend({
  status: oneOrMore(ORDER_STATUSES, 'order status').optional(),
  payment_status: oneOrMore(PAYMENT_STATUSES, 'payment status').optional(),
  wa_id: waId.optional(),
  customer: z
    .string()
    .max(140)
    .optional()
    .describe('The customer: a customer id (cus_…), a business-scoped user id (BSUID) or a WhatsApp number (digits, as wa_id)'),
  checkout_link_id: z
    .string()
    .regex(/^chl_[0-9a-z]{26}$/, { message: 'must be a checkout link id (chl_…)' })
    .optional()
    .describe('Orders made on this checkout link: its payers'),
  created_gte: time('inclusive').optional(),
  created_lt: time('exclusive').optional(),
  created_from: time('inclusive; same as created_gte').optional(),
  created_to: time('exclusive; same as created_lt').optional(),
  expires_before: time('exclusive').optional().describe('Orders whose bill expires before this time (exclusive)'),
  expires_after: time('inclusive').optional().describe('Orders whose bill expires at or after this time'),
  q: z
    .string()
    .max(100)
    .optional()
    .describe("Case-insensitive text found in a reference id, the order id, the customer's name or number (spaces, + and - in a number are ignored)"),
});

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : new Date(a) > new Date(b) ? a : b);
const earlier = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : new Date(a) < new Date(b) ? a : b);
const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/orders',
    {
      schema: {
        response: { 200: orderListSchema },
        summary: 'List orders, newest first, with filters (status, payment status, customer, created and expiry ranges, text search)',
        querystring: query,
      },
    },
    async (req, reply) => {
      const q = req.query;
      let waIdFilter = q.wa_id;
      let customerId: string | undefined;
      let bsuidFilter: string | undefined;
      if (q.customer !== undefined && q.customer.startsWith('cus_')) {
        if (!/^cus_[0-9a-z]{26}$/.test(q.customer))
          return sendError(req, reply, domainError('validation_error', 'querystring.customer: not a customer id (cus_…)', { path: 'querystring.customer' }));
        customerId = q.customer;
      } else if (q.customer !== undefined && bsuid.safeParse(q.customer).success) bsuidFilter = q.customer;
      else if (q.customer !== undefined) {
        const parsed = waId.safeParse(q.customer);
        if (!parsed.success)
          return sendError(
            req,
            reply,
            domainError('validation_error', `querystring.customer: ${parsed.error.issues[0]!.message}`, { path: 'querystring.customer' }),
          );
        if (waIdFilter !== undefined && waIdFilter !== parsed.data)
          return sendError(
            req,
            reply,
            domainError('validation_error', 'querystring.customer: give customer or wa_id, not two different customers', { path: 'querystring.customer' }),
          );
        waIdFilter = parsed.data;
      }
      const text = q.q?.trim();
      const rows = await listOrders(
        ctx.db,
        req.merchantId,
        {
          status: q.status,
          payment_status: q.payment_status,
          wa_id: waIdFilter,
          customer_id: customerId,
          bsuid: bsuidFilter,
          checkout_link_id: q.checkout_link_id,
          // Both spellings may be given: every bound applies.
          created_gte: date(later(q.created_gte, q.created_from)),
          created_lt: date(earlier(q.created_lt, q.created_to)),
          expires_gte: date(q.expires_after),
          expires_lt: date(q.expires_before),
          q: text === '' ? undefined : text,
        },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      const data = await presentOrderRows(ctx, ctx.db, req.merchantId, rows.slice(0, q.limit));
      return reply.send({ object: 'list', data, has_more: rows.length > q.limit });
    },
  );
}
