import { z } from 'zod';
import { addNote, assignConversation, closeConversation, reopenConversation } from '../conversations.actions.ts';
import { customersOf } from '../conversations.queries.ts';
import type { ConversationRow } from '../conversations.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { conversationSchema, noteSchema, presentConversation, presentNote } from '../conversations.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import type { Tx } from '../../../platform/store/db.ts';

const tags = ['conversations'];
const params = idParam('cnv');
const assignBody = z.strictObject({
  assignee: z
    .string()
    .regex(/^usr_[0-9a-z]{26}$/, { message: 'must be a user id (usr_…) or null' })
    .nullable(),
});
const noteBody = z.strictObject({ body: z.string().trim().min(1).max(4000) });

export function register(app: App, { ctx }: RouteDeps) {
  const present = async (c: ConversationRow, tx: Tx) => presentConversation(c, (await customersOf(tx, c.merchant_id, [c])).get(c.customer_id));

  app.post(
    '/v1/conversations/:id/assign',
    { schema: { tags, summary: 'Assign a conversation to a user (or to nobody)', params, body: assignBody, response: { 200: conversationSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => assignConversation(ctx, tx, req.merchantId, req.params.id, req.body.assignee),
        present,
      }),
  );
  app.post(
    '/v1/conversations/:id/close',
    { schema: { tags, summary: 'Close a conversation (automatic replies resume)', params, response: { 200: conversationSchema } } },
    (req, reply) => mutate(ctx, req, reply, req.merchantId, { status: 200, run: (tx) => closeConversation(ctx, tx, req.merchantId, req.params.id), present }),
  );
  app.post(
    '/v1/conversations/:id/reopen',
    { schema: { tags, summary: 'Reopen a closed conversation', params, response: { 200: conversationSchema } } },
    (req, reply) => mutate(ctx, req, reply, req.merchantId, { status: 200, run: (tx) => reopenConversation(ctx, tx, req.merchantId, req.params.id), present }),
  );
  app.post(
    '/v1/conversations/:id/notes',
    { schema: { tags, summary: 'Add an internal note (never sent to the customer)', params, body: noteBody, response: { 201: noteSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => addNote(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body.body),
        present: presentNote,
      }),
  );
}
