// Zod schemas for the Graph API responses the client reads. Loose objects: Meta adds fields,
// and a new field must never turn a successful send into an error.
import { z } from 'zod';

// Meta's examples show numbers in some places and numeric strings in others.
const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

export const sendMessageResponse = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export const successResponse = z.looseObject({ success: z.boolean() });

const amount = z.looseObject({ value: intLike, offset: intLike });

const refund = z.looseObject({
  id: z.string().optional(),
  amount: amount.optional(),
  speed_processed: z.string().optional(),
  status: z.string().optional(),
  created_timestamp: intLike.optional(),
  updated_timestamp: intLike.optional(),
});

const transaction = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  pg_transaction_id: z.string().optional(),
  status: z.string(),
  created_timestamp: intLike.optional(),
  updated_timestamp: intLike.optional(),
  amount: amount.optional(),
  currency: z.string().optional(),
  method: z.looseObject({ type: z.string().optional() }).optional(),
  error: z.looseObject({ code: z.string().optional(), reason: z.string().optional() }).optional(),
  refunds: z.array(refund).optional(),
});

// GET /{PHONE_NUMBER_ID}/payments/{CONFIG}/{REFERENCE_ID} (whatsapp.md §3.3; seed 003).
export const paymentLookupResponse = z.looseObject({
  payments: z.array(
    z.looseObject({
      reference_id: z.string(),
      status: z.string(),
      currency: z.string().optional(),
      total_amount: amount.optional(),
      transactions: z.array(transaction).optional(),
      receipt: z.string().optional(),
      notes: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type PaymentLookup = z.infer<typeof paymentLookupResponse>;
export type PaymentLookupTransaction = z.infer<typeof transaction>;

// POST /{PHONE_NUMBER_ID}/payments_refund.
export const refundResponse = z.looseObject({
  id: z.string(),
  status: z.string(),
  speed_processed: z.string().optional(),
});
export type RefundResponse = z.infer<typeof refundResponse>;
