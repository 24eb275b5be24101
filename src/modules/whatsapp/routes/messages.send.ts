// POST /v1/messages: text, a template or an order's bill to a customer, queued for the paced
// send queue in the request's transaction (Idempotency-Key makes a retry one message).
import { z } from 'zod';
import { sendMerchantMessage } from '../whatsapp.merchant-send.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { customerRef } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { messageSchema, presentMessage } from '../whatsapp.present.ts';

const mediaFields = {
  upload_id: z
    .string()
    .regex(/^upl_[0-9a-z]{26}$/, { message: 'must be an upload id (upl_…) from POST /v1/uploads' })
    .optional(),
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
    .optional(),
  caption: z.string().min(1).max(1024).optional(),
};
const oneSource = (m: { upload_id?: string | undefined; url?: string | undefined }) => (m.upload_id === undefined) !== (m.url === undefined);
const sourceMessage = { message: 'give upload_id or url (one of them)' };
const media = z.strictObject(mediaFields).refine(oneSource, sourceMessage);
const documentMedia = z.strictObject({ ...mediaFields, filename: z.string().min(1).max(240).optional() }).refine(oneSource, sourceMessage);

const body = z.discriminatedUnion('type', [
  z.strictObject({
    customer: customerRef,
    type: z.literal('text'),
    text: z.strictObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
  }),
  z.strictObject({
    customer: customerRef,
    type: z.literal('template'),
    template: z.strictObject({
      name: z.string().regex(/^[a-z0-9_]{1,512}$/, { message: 'must be a template name (lowercase letters, digits, _)' }),
      language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'must be a language code such as en_US' }),
      parameters: z.array(z.string().min(1).max(1024)).max(20).optional(),
    }),
  }),
  z.strictObject({
    customer: customerRef,
    type: z.literal('order_bill'),
    order_bill: z.strictObject({
      order_id: z.string().regex(/^ord_[0-9a-z]{26}$/, { message: 'must be an order id (ord_…)' }),
    }),
  }),
  z.strictObject({ customer: customerRef, type: z.literal('image'), image: media }),
  z.strictObject({ customer: customerRef, type: z.literal('document'), document: documentMedia }),
]);

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/messages',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Send a text, an image or document (upload_id or url), a template or an order bill to a customer. Outside the 24-hour window only template and order_bill (422 window_closed names the usable templates); opted out: 409',
        body,
        response: { 201: messageSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => sendMerchantMessage(ctx, tx, apiActor(req), req.merchantId, req.body),
        present: presentMessage,
      }),
  );
}
