// What the sandbox PSP sends us, checked at the edge like any provider's payload: amounts
// are safe non-negative integers in minor units and currencies ISO codes, or the event is
// refused (400) before anything reaches the inbox or the ledger. Unknown fields are kept
// (loose objects): a new field never turns a good event into an error.
import { z } from 'zod';

const id = z.string().min(1).max(255);
const minor = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code');
const text = z.string().max(2000);

const payment = z.looseObject({
  id,
  status: z.string().optional(),
  checkout_id: id.optional(),
  reference_id: id.optional(),
  amount: minor,
  currency,
  fee: minor.nullish(),
  tax: minor.nullish(),
});
const checkout = z.looseObject({ id, reference_id: id.optional() });
const refund = z.looseObject({ id, payment_id: id, amount: minor, currency, idempotency_key: id.nullish(), reason: text.nullish() });
const dispute = z.looseObject({ id, payment_id: id, amount: minor, currency, reason: text.nullish() });

export const sandboxEventSchema = z.looseObject({
  id: id.optional(),
  type: z.string().min(1).max(100),
  created: z.number().int().nonnegative().optional(),
  data: z.looseObject({ payment: payment.optional(), checkout: checkout.optional(), refund: refund.optional(), dispute: dispute.optional() }).optional(),
});

export const sandboxCheckoutSchema = z.looseObject({
  id,
  url: z.string().min(1),
  status: z.enum(['open', 'paid', 'expired', 'canceled']),
  reference_id: id,
  upi_intent: z.string().nullish(),
  expires_at: z.union([z.number().int(), z.string()]),
  payments: z.array(payment.extend({ status: z.string() })),
});

/** The first problem of a failed parse, as `path: message`. */
export const firstIssue = (e: z.ZodError) => {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
};
