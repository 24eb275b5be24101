// Quick replies (saved answers): GET|POST /v1/quick-replies, PATCH|DELETE /v1/quick-replies/{id}.
// Every role that works the inbox reads them; managing them is a setting (owner, admin).
import { z } from 'zod';
import { changeQuickReply, createQuickReply, normalizeShortcut, removeQuickReply } from '../conversations.quick-replies.ts';
import { listQuickReplies } from '../conversations.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentQuickReply, quickReplyDeletedSchema, quickReplyListSchema, quickReplySchema } from '../quick-replies.present.ts';

const tags = ['conversations'];
const shortcut = z.string().min(1).max(40).describe('1 to 32 letters, digits, - or _; a leading / is dropped; matched in lower case');
const text = z
  .string()
  .min(1)
  .max(4096)
  .refine((t) => t.trim().length > 0, { message: 'must not be blank' });
const createBody = z.strictObject({ shortcut, text });
const patchBody = z.strictObject({ shortcut: shortcut.optional(), text: text.optional() });
const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  starting_after: z.string().max(40).optional().describe('a shortcut: the page after it'),
  prefix: z.string().min(1).max(40).optional().describe('only shortcuts that start with this (as typed after /)'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/quick-replies',
    {
      schema: {
        tags,
        summary: 'List quick replies by shortcut (prefix filters as the composer types)',
        querystring: query,
        response: { 200: quickReplyListSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = await listQuickReplies(ctx.db, req.merchantId, {
        prefix: q.prefix === undefined ? undefined : normalizeShortcut(q.prefix),
        after: q.starting_after === undefined ? undefined : normalizeShortcut(q.starting_after),
        limit: q.limit,
      });
      return reply.send(page(rows, q.limit, presentQuickReply));
    },
  );
  app.post(
    '/v1/quick-replies',
    { schema: { tags, summary: 'Save a quick reply (409 when the shortcut is taken)', body: createBody, response: { 201: quickReplySchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createQuickReply(ctx, tx, apiActor(req), req.merchantId, req.body),
        present: presentQuickReply,
      }),
  );
  app.patch(
    '/v1/quick-replies/:id',
    { schema: { tags, summary: "Change a quick reply's shortcut or text", params: idParam('qrp'), body: patchBody, response: { 200: quickReplySchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => changeQuickReply(ctx, tx, req.merchantId, req.params.id, req.body),
        present: presentQuickReply,
      }),
  );
  app.delete(
    '/v1/quick-replies/:id',
    { schema: { tags, summary: 'Delete a quick reply', params: idParam('qrp'), response: { 200: quickReplyDeletedSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => removeQuickReply(tx, req.merchantId, req.params.id),
        present: ({ id }) => ({ id, object: 'quick_reply' as const, deleted: true as const }),
      }),
  );
}
