// POST /v1/messages: text, a template, an order's bill, a product, a product list or the catalog to a customer, queued for the paced
// send queue in the request's transaction (Idempotency-Key makes a retry one message).
import { z } from 'zod';
import { sendMerchantMessage } from '../whatsapp.merchant-send.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { customerRef } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { messageProducts, messageSchema, presentMessage } from '../whatsapp.present.ts';

const retailerId = z.string().min(1).max(100);
const bodyText = z.string().min(1).max(1024);
const footer = z.string().min(1).max(60).optional();
const productList = z
  .strictObject({
    header: z.string().min(1).max(60),
    body: bodyText.optional().describe('Meta requires one: the header is sent as the body when none is given'),
    footer,
    sections: z
      .array(z.strictObject({ title: z.string().min(1).max(24).optional(), retailer_ids: z.array(retailerId).min(1).max(30) }))
      .min(1)
      .max(10, { message: 'WhatsApp allows at most 10 sections' }),
  })
  .superRefine((v, c) => {
    const n = v.sections.reduce((a, s) => a + s.retailer_ids.length, 0);
    if (n > 30) c.addIssue({ code: 'custom', path: ['sections'], message: `WhatsApp allows at most 30 products in a product list (${n} given)` });
    if (v.sections.length > 1) {
      const i = v.sections.findIndex((s) => s.title === undefined);
      if (i >= 0) c.addIssue({ code: 'custom', path: ['sections', i, 'title'], message: 'every section needs a title when there is more than one' });
    }
  });

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
  z.strictObject({
    customer: customerRef,
    type: z.literal('product'),
    product: z.strictObject({ retailer_id: retailerId, body: bodyText.optional(), footer }),
  }),
  z.strictObject({ customer: customerRef, type: z.literal('product_list'), product_list: productList }),
  z.strictObject({
    customer: customerRef,
    type: z.literal('catalog'),
    catalog: z.strictObject({
      body: bodyText,
      footer,
      thumbnail_retailer_id: retailerId.optional().describe('The product whose image heads the message; default: the first active product by retailer_id'),
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
          "Send a text, an image or document (upload_id or url), a template, an order bill, a product, a product list (≤ 30 products in ≤ 10 sections) or the catalog to a customer. Outside the 24-hour window only template and order_bill (422 window_closed names the usable templates); opted out: 409; a product not in the catalog or past WhatsApp's limits: 400, before anything is queued",
        body,
        response: { 201: messageSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => sendMerchantMessage(ctx, tx, apiActor(req), req.merchantId, req.body),
        present: async (m, tx) => presentMessage(m, await messageProducts(tx, m.merchant_id, [m])),
      }),
  );
}
