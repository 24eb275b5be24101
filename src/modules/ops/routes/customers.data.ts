// A customer's data (owner only, and API keys): GET /v1/customers/{id}/export (everything we
// hold on the person, as JSON; recorded in the audit log) and POST /v1/customers/{id}/erase
// (personal data removed, orders and the ledger kept under a pseudonym; idempotent; audited).
import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { isoTime } from '../../../platform/http/page.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { customerSchema } from '../../customers/index.ts';
import { eraseCustomer, exportCustomer } from '../ops.customer-data.ts';

const rowsOf = (what: string) => z.array(z.record(z.string(), z.unknown())).describe(what);

const exportSchema = z
  .object({
    object: z.literal('customer_export'),
    exported_at: isoTime,
    customer: customerSchema.extend({ erased_at: isoTime.nullable() }),
    identity_history: rowsOf('How their phone and BSUID changed'),
    conversations: rowsOf('Their conversations, each with its internal notes'),
    messages: rowsOf('Every message both ways, with its content (null once redacted)'),
    orders: rowsOf('Their orders, as stored'),
    payments: rowsOf('The payment attempts of those orders (without pay-page tokens)'),
    refunds: rowsOf('Refunds of those orders'),
    bookings: rowsOf('Their bookings'),
    flow_sessions: rowsOf('WhatsApp Flows they opened, with what they entered (without the tokens)'),
    automatic_replies: rowsOf('Automatic replies sent to them'),
  })
  .meta({ id: 'CustomerExport', description: 'Everything held on one customer' });

const erasureSchema = z
  .object({
    id: z.string(),
    object: z.literal('customer_erasure'),
    erased_at: isoTime,
    name: z.string().describe('The pseudonym orders and the ledger now show'),
    already_erased: z.boolean().describe('true: an earlier call erased it; nothing more was changed'),
    changed: z.record(z.string(), z.number().int()).describe('Rows changed per kind of data by this call'),
  })
  .meta({ id: 'CustomerErasure' });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/customers/:id/export',
    {
      schema: {
        summary: 'Everything we hold on a customer, as JSON (owner; recorded in the audit log)',
        params: idParam('cus'),
        response: { 200: exportSchema },
      },
    },
    async (req, reply) => {
      const r = await exportCustomer(ctx, ctx.db, req.merchantId, req.params.id);
      if (!r.ok) return sendError(req, reply, r.error);
      return reply.header('content-disposition', `attachment; filename="customer-${req.params.id}.json"`).send(r.value);
    },
  );
  app.post(
    '/v1/customers/:id/erase',
    {
      schema: {
        summary: "Erase a customer's personal data (owner; idempotent): orders, payments and the ledger are kept under a pseudonym",
        params: idParam('cus'),
        response: { 200: erasureSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => eraseCustomer(ctx, tx, req.merchantId, req.params.id),
        present: (e) => ({
          id: e.id,
          object: 'customer_erasure' as const,
          erased_at: e.erased_at.toISOString(),
          name: e.pseudonym,
          already_erased: e.already,
          changed: e.changed,
        }),
      }),
  );
}
