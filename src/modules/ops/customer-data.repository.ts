// All SQL of a customer's export and erasure (GET /v1/customers/{id}/export, POST
// /v1/customers/{id}/erase). The export reads every table that holds something of the person,
// each row as JSON without secrets (pay and flow tokens). The erasure removes the personal
// part and keeps the rest under a pseudonym: orders, payments, refunds and the ledger keep
// their amounts, ids and times; messages keep their ids, wamids and statuses.
import type { Queryable } from '../../platform/store/db.ts';

type Json = Record<string, unknown>;

const rows = async (q: Queryable, sql: string, params: unknown[]): Promise<Json[]> => (await q.query<{ row: Json }>(sql, params)).map((r) => r.row);

/** Everything we hold on a customer, by table (the customer row itself is read by the caller). */
export async function customerData(q: Queryable, merchantId: string, customerId: string) {
  const p = [merchantId, customerId];
  return {
    identity_history: await rows(
      q,
      `select jsonb_build_object('field', field, 'old_value', old_value, 'new_value', new_value, 'reason', reason, 'at', created_at) as row
         from customer_identity_changes where merchant_id = $1 and customer_id = $2 order by created_at, id`,
      p,
    ),
    conversations: await rows(
      q,
      `select to_jsonb(c) - 'merchant_id' - 'last_message'
              || jsonb_build_object('notes', coalesce((select jsonb_agg(jsonb_build_object('id', n.id, 'author', n.author, 'body', n.body, 'created_at', n.created_at)
                                                      order by n.created_at) from conversation_notes n where n.conversation_id = c.id), '[]'::jsonb)) as row
         from conversations c where c.merchant_id = $1 and c.customer_id = $2`,
      p,
    ),
    messages: await rows(
      q,
      `select jsonb_build_object('id', id, 'direction', case direction when 'in' then 'inbound' else 'outbound' end, 'type', type, 'status', status,
                                 'content', payload, 'error', error, 'wamid', wamid, 'order_id', order_id, 'created_at', created_at, 'redacted_at', redacted_at) as row
         from whatsapp_messages where merchant_id = $1 and customer_id = $2 order by id`,
      p,
    ),
    orders: await rows(q, `select to_jsonb(o) - 'merchant_id' as row from orders o where o.merchant_id = $1 and o.customer_id = $2 order by o.id`, p),
    payments: await rows(
      q,
      `select to_jsonb(pa) - 'merchant_id' - 'pay_token' as row from payments pa
         where pa.merchant_id = $1 and pa.order_id in (select id from orders where merchant_id = $1 and customer_id = $2) order by pa.id`,
      p,
    ),
    refunds: await rows(
      q,
      `select to_jsonb(r) - 'merchant_id' as row from refunds r
         where r.merchant_id = $1 and r.order_id in (select id from orders where merchant_id = $1 and customer_id = $2) order by r.id`,
      p,
    ),
    bookings: await rows(q, `select to_jsonb(b) - 'merchant_id' as row from bookings b where b.merchant_id = $1 and b.customer_id = $2 order by b.id`, p),
    flow_sessions: await rows(
      q,
      `select to_jsonb(f) - 'merchant_id' - 'token' as row from flow_tokens f where f.merchant_id = $1 and f.customer_id = $2 order by f.created_at`,
      p,
    ),
    automatic_replies: await rows(
      q,
      `select jsonb_build_object('kind', kind, 'message_id', message_id, 'in_answer_to', inbound_wamid, 'created_at', created_at) as row
         from auto_replies where merchant_id = $1 and customer_id = $2 order by created_at`,
      p,
    ),
  };
}

export async function customerErasedAt(q: Queryable, merchantId: string, id: string): Promise<Date | null> {
  return (
    (await q.query<{ erased_at: Date | null }>('select erased_at from customers where merchant_id = $1 and id = $2', [merchantId, id]))[0]?.erased_at ?? null
  );
}

export async function lockCustomerForErasure(q: Queryable, merchantId: string, id: string) {
  return (
    await q.query<{ id: string; bsuid: string | null; wa_id: string | null; erased_at: Date | null }>(
      `select id, bsuid, wa_id, erased_at from customers where merchant_id = $1 and id = $2 for update`,
      [merchantId, id],
    )
  )[0];
}

/**
 * Removes the person's data everywhere; `ids` are their identifiers before (to find raw
 * webhook bodies and frozen deliveries that name them). Returns the rows changed per table.
 */
export async function eraseCustomerData(
  q: Queryable,
  e: { merchantId: string; customerId: string; pseudonym: string; ids: string[]; now: Date },
): Promise<Record<string, number>> {
  const p = [e.merchantId, e.customerId];
  const count = async (sql: string, params: unknown[]) => (await q.query(`${sql} returning 1 as x`, params)).length;
  const out: Record<string, number> = {};
  out['customers'] = await count(
    `update customers set bsuid = null, wa_id = null, username = null, name = $3, profile_name = null, tags = '[]'::jsonb, last_inbound_at = null,
            erased_at = $4, updated_at = $4 where merchant_id = $1 and id = $2`,
    [...p, e.pseudonym, e.now],
  );
  out['identity_history'] = await count(
    `update customer_identity_changes set old_value = null, new_value = null where merchant_id = $1 and customer_id = $2`,
    p,
  );
  out['orders'] = await count(
    `update orders set customer_name = $3, customer_wa_id = null, customer_bsuid = null, shipping_address = null where merchant_id = $1 and customer_id = $2`,
    [...p, e.pseudonym],
  );
  out['bookings'] = await count(`update bookings set customer_name = $3, customer_wa_id = null, note = null where merchant_id = $1 and customer_id = $2`, [
    ...p,
    e.pseudonym,
  ]);
  out['flow_sessions'] = await count(
    `update flow_tokens set wa_id = null, state = '{}'::jsonb, redacted_at = coalesce(redacted_at, $3) where merchant_id = $1 and customer_id = $2`,
    [...p, e.now],
  );
  // Media sent to them (POST /v1/uploads), before their messages stop naming it; an upload
  // also sent to someone else (a brochure) is not theirs: it stays while others' messages name it.
  out['media_uploads'] = await count(
    `delete from media_uploads u where u.merchant_id = $1
        and u.id in (select m.payload->>'upload_id' from whatsapp_messages m where m.merchant_id = $1 and m.customer_id = $2 and m.payload ? 'upload_id')
        and not exists (select 1 from whatsapp_messages o where o.merchant_id = $1 and o.customer_id <> $2 and o.payload ? 'upload_id' and o.payload->>'upload_id' = u.id)`,
    p,
  );
  // The number typed on a checkout link's page, for their orders or naming them.
  out['checkout_link_payers'] = await count(
    `update checkout_link_payers set contact_wa_id = null
      where merchant_id = $1 and contact_wa_id is not null
        and (order_id in (select id from orders where merchant_id = $1 and customer_id = $2) or contact_wa_id = any($3::text[]))`,
    [...p, e.ids],
  );
  // Message bodies go; a message still waiting to be sent is not sent any more.
  out['messages'] = await count(
    `update whatsapp_messages set wa_id = null, payload = jsonb_build_object('purpose', payload->'purpose', 'redacted', true),
            redacted_at = coalesce(redacted_at, $3),
            status = case when status in ('queued', 'sending') then 'failed' else status end
      where merchant_id = $1 and customer_id = $2`,
    [...p, e.now],
  );
  out['conversations'] = await count(`update conversations set last_message = null, updated_at = $3 where merchant_id = $1 and customer_id = $2`, [
    ...p,
    e.now,
  ]);
  out['notes'] = await count(
    `update conversation_notes set body = '(erased)' where merchant_id = $1 and conversation_id in (select id from conversations where merchant_id = $1 and customer_id = $2)`,
    p,
  );
  // The event log keeps what happened; the person in it becomes the pseudonym, and message previews go.
  out['events'] = await count(
    `update events set data = (data - 'preview' - 'wa_id') || jsonb_build_object('customer', jsonb_build_object('id', $2::text, 'bsuid', null, 'wa_id', null, 'name', $3::text))
      where merchant_id = $1 and data->'customer'->>'id' = $2`,
    [...p, e.pseudonym],
  );
  // Frozen outgoing webhook bodies about them (a replay rebuilds from the event log).
  out['webhook_deliveries'] = await count(
    `update webhook_deliveries set payload = null where merchant_id = $2 and payload is not null and status <> 'pending' and strpos(payload, $1) > 0`,
    [e.customerId, e.merchantId],
  );
  // Raw WhatsApp webhook bodies and their items that name them (already processed ones).
  const ids = e.ids.filter((i) => i.length >= 6);
  let bodies = 0;
  for (const id of ids) {
    bodies += await count(
      `update whatsapp_inbox set body = '', purged_at = coalesce(purged_at, $2)
        where status <> 'received' and body <> '' and strpos(body, $1) > 0
          and id in (select inbox_id from whatsapp_items where merchant_id = $3 and strpos(item::text, $1) > 0)`,
      [id, e.now, e.merchantId],
    );
    bodies += await count(
      `update whatsapp_items set item = '{"redacted": true}'::jsonb, purged_at = coalesce(purged_at, $2)
        where status <> 'received' and merchant_id = $3 and strpos(item::text, $1) > 0`,
      [id, e.now, e.merchantId],
    );
  }
  out['webhook_bodies'] = bodies;
  return out;
}
