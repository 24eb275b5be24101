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

// What we do not need is parsed leniently: Meta (and relays of its webhooks) send null for
// an absent refunds list, method, error, receipt or notes, and a lookup that failed to parse
// would be retried forever as if Meta were down.
const lenient = <T extends z.ZodType>(t: T) => t.nullish().catch(undefined);

const refund = z.looseObject({
  id: z.string().nullish(),
  amount: lenient(amount),
  speed_processed: lenient(z.string()),
  status: z.string().nullish(),
  created_timestamp: lenient(intLike),
  updated_timestamp: lenient(intLike),
});

const transaction = z.looseObject({
  id: z.string(),
  type: lenient(z.string()),
  pg_transaction_id: z.string().nullish(),
  status: z.string(),
  created_timestamp: lenient(intLike),
  updated_timestamp: lenient(intLike),
  amount: lenient(amount),
  currency: lenient(z.string()),
  method: lenient(z.looseObject({ type: z.string().nullish() })),
  error: lenient(z.looseObject({ code: z.string().nullish(), reason: z.string().nullish() })),
  refunds: z.array(refund).nullish(),
});

// GET /{PHONE_NUMBER_ID}/payments/{CONFIG}/{REFERENCE_ID} (whatsapp.md §3.3; seed 003).
export const paymentLookupResponse = z.looseObject({
  payments: z.array(
    z.looseObject({
      reference_id: z.string(),
      status: z.string(),
      currency: z.string().nullish(),
      total_amount: amount.nullish(),
      transactions: z.array(transaction).nullish(),
      receipt: lenient(z.string()),
      notes: lenient(z.record(z.string(), z.unknown())),
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

/**
 * A page of GET /{catalog_id}/products: Graph's list envelope with cursor paging
 * (`paging.next` only when there is a next page). Fields are what we ask for; each may be
 * missing on an item Meta could not fill.
 */
export const catalogProductsResponse = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      retailer_id: z.string().optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      price: z.string().optional(),
      currency: z.string().optional(),
      availability: z.string().optional(),
      image_url: z.string().optional(),
    }),
  ),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});
export type CatalogProductsPage = z.infer<typeof catalogProductsResponse>;
export type CatalogProductItem = CatalogProductsPage['data'][number];
/** A page of GET /{waba_id}/message_templates. */
export const templatesPage = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string().optional(),
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string().optional(),
      components: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
    }),
  ),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});
export type TemplatesPage = z.infer<typeof templatesPage>;

/** GET /{media_id}: where to download a media file for the next 5 minutes, and what it is (file_size may be a string). */
export const mediaInfoResponse = z.looseObject({
  url: z.string().min(1).max(4096),
  mime_type: z.string().max(255),
  sha256: z.string().max(256),
  file_size: intLike,
  id: z.string(),
});
export type MediaInfo = z.infer<typeof mediaInfoResponse>;
