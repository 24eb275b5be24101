// GET /v1/messages?wa_id=: a conversation, both directions, newest first, each
// message with its wamid, type, delivery status and Meta's error if it failed.
import { listConversation, type MessageRow } from '../whatsapp.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { listQuery, waId } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export const presentMessage = (m: MessageRow) => ({
  id: m.id,
  object: 'message',
  customer_id: m.customer_id,
  conversation_id: m.conversation_id ?? null,
  wa_id: m.wa_id,
  direction: m.direction === 'in' ? 'inbound' : 'outbound',
  wamid: m.wamid,
  type: m.type,
  status: m.status,
  error: m.error,
  purpose: (m.payload['purpose'] as string | undefined) ?? null,
  sent_by: (m.payload['sent_by'] as string | undefined) ?? null,
  // After the retention period the content is gone: say so instead of showing a stub payload.
  content: m.redacted_at ? null : m.direction === 'in' ? m.payload : (m.payload['body'] ?? null),
  redacted: Boolean(m.redacted_at),
  order_id: m.order_id,
  payment_id: m.payment_id,
  created_at: m.created_at.toISOString(),
  updated_at: m.updated_at.toISOString(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/messages',
    { schema: { tags: ['messages'], summary: 'The WhatsApp conversation with one customer, newest first', querystring: listQuery.extend({ wa_id: waId }) } },
    async (req, reply) => {
      const rows = await listConversation(ctx.db, req.merchantId, req.query.wa_id, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, presentMessage));
    },
  );
}
