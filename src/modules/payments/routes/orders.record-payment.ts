import { z } from 'zod';
import { RECORDED_METHODS, recordPayment, voidRecordedPayment } from '../payments.record.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { currencyCode, idParam, positiveAmount } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { paymentSchema, presentPayment } from '../../orders/index.ts';

const body = z.strictObject({
  method: z.enum(RECORDED_METHODS).describe('How the money came: cash (on delivery, at the counter), a bank transfer to the merchant, or other'),
  amount: positiveAmount.describe("Exactly what is outstanding, in minor units of the order's currency"),
  currency: currencyCode.optional().describe("If given, it must be the order's currency"),
  note: z.string().max(500).optional(),
});

const voidParams = z.strictObject({
  id: idParam('ord').shape.id,
  payment_id: idParam('pay').shape.id,
});
const voidBody = z.strictObject({ reason: z.string().trim().min(1, { message: 'say why the recorded payment is voided' }).max(500) });

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/record-payment',
    {
      schema: {
        response: { 201: paymentSchema },
        summary: "Record money the merchant's staff took (cash on delivery, a bank transfer): the order is paid (Idempotency-Key required)",
        params: idParam('ord'),
        body,
      },
      config: { idempotencyKey: 'required' },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => recordPayment(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body),
        present: ({ payment }) => presentPayment(payment, ctx.publicUrl),
      }),
  );
  app.post(
    '/v1/orders/:id/record-payment/:payment_id/void',
    {
      schema: {
        response: { 200: paymentSchema },
        summary: 'Void a payment recorded by staff (the owner): it stops counting and the order is unpaid again',
        params: voidParams,
        body: voidBody,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => voidRecordedPayment(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.params.payment_id, req.body.reason),
        present: ({ payment }) => presentPayment(payment, ctx.publicUrl),
      }),
  );
}
