// GET /sandbox/customers/{wa_id}/messages?phone_number_id=: the chat as the customer's
// phone shows it, oldest first. direction is the customer's view ('out' = written by the
// customer); bills carry their current order and payment state so a phone can show
// the order bubble and its pay button.
import { isObj, type Obj } from './wa.check.ts';
import { checkWaId, numberFor } from './wa.customer.ts';
import { okv, type Checked } from './wa.errors.ts';
import { windowExpiresAt } from './wa.limits.ts';
import { listOrdersByReference, listTransactions } from './wa-payments.repository.ts';
import { getCustomer, listConversation } from './wa.repository.ts';
import { renderTemplate, templateButtons } from './wa.templates.ts';
import { unixSeconds, type WaMessage, type WaOrder, type WaTransaction } from './wa.types.ts';
import type { SandboxContext, SandboxNumber } from '../host.ts';

const MAX = 200;

/** A one-line text of the message, as a chat list would show it. */
export function previewOf(number: Pick<SandboxNumber, 'templates'>, m: WaMessage): string {
  const v: Obj = isObj(m.body[m.type]) ? m.body[m.type] : {};
  switch (m.type) {
    case 'text':
      return String(v['body'] ?? '');
    case 'template':
      return renderTemplate(number, v);
    case 'interactive': {
      const t = String(v['type'] ?? '');
      const reply = isObj(v[t]) ? (v[t] as Obj) : {};
      return String(v['body']?.['text'] ?? reply['title'] ?? reply['body'] ?? '');
    }
    case 'order': {
      const items: Obj[] = Array.isArray(v['product_items']) ? v['product_items'] : [];
      return `Cart: ${items.reduce((s, i) => s + Number(i['quantity'] ?? 0), 0)} item(s)`;
    }
    case 'button':
      return String(v['text'] ?? '');
    case 'reaction':
      return String(v['emoji'] ?? '');
    case 'location':
      return String(v['name'] ?? `${v['latitude']}, ${v['longitude']}`);
    default:
      return String(v['caption'] ?? `[${m.type}]`);
  }
}

function orderView(o: WaOrder, txs: WaTransaction[], m: WaMessage, now: Date): Obj {
  const mine = txs.filter((t) => t.reference_id === o.reference_id);
  const last = mine.at(-1);
  const paid = mine.find((t) => t.status === 'success');
  const paymentStatus = paid ? 'captured' : last?.status === 'pending' ? 'pending' : last?.status === 'failed' ? 'failed' : 'unpaid';
  const expired = o.expires_at !== null && o.expires_at.getTime() <= now.getTime();
  return {
    reference_id: o.reference_id,
    status: o.status,
    payment_mode: o.payment_mode,
    payment_status: paymentStatus,
    currency: o.currency,
    total_amount: { value: o.total_value, offset: o.total_offset },
    expires_at: o.expires_at ? unixSeconds(o.expires_at) : null,
    // The pay button: a WhatsApp Pay bill, still open, nothing paid or in flight.
    payable: m.wamid === o.wamid && o.payment_mode === 'payment_gateway' && o.status !== 'canceled' && !expired && !paid && last?.status !== 'pending',
  };
}

function present(number: SandboxNumber, m: WaMessage, orders: Map<string, WaOrder>, txs: WaTransaction[], now: Date): Obj {
  const outbound = m.direction === 'outbound';
  const ctxIn = m.body['context'];
  const quoted = outbound ? ctxIn?.['message_id'] : ctxIn?.['id'];
  const order = m.reference_id ? orders.get(m.reference_id) : undefined;
  return {
    id: m.wamid,
    direction: outbound ? 'in' : 'out',
    type: m.type,
    payload: m.body[m.type] ?? null,
    ...(typeof quoted === 'string' ? { context: { id: quoted } } : {}),
    preview: previewOf(number, m),
    // 'accepted' (not yet handed to the phone) reads as sent: the one grey tick.
    status: m.status === 'accepted' ? 'sent' : m.status,
    ...(m.error ? { error: m.error } : {}),
    timestamp: String(unixSeconds(m.created_at)),
    ...(order ? { order: orderView(order, txs, m, now) } : {}),
    ...(outbound && m.type === 'template' && templateButtons(number, m.body['template']).length > 0
      ? { buttons: templateButtons(number, m.body['template']) }
      : {}),
  };
}

export async function conversation(ctx: SandboxContext, wa: string, phoneNumberId: unknown): Promise<Checked<Obj>> {
  const badWa = checkWaId(wa);
  if (badWa) return { ok: false, error: badWa };
  const number = await numberFor(ctx, phoneNumberId, 'get');
  if (!number.ok) return number;
  const n = number.value;
  const rows = await listConversation(ctx.db, n.phone_number_id, wa, MAX + 1);
  const hasMore = rows.length > MAX;
  const messages = hasMore ? rows.slice(1) : rows;
  const refs = [...new Set(messages.flatMap((m) => (m.reference_id ? [m.reference_id] : [])))];
  const orders = new Map((await listOrdersByReference(ctx.db, n.phone_number_id, refs)).map((o) => [o.reference_id, o]));
  const txs = await listTransactions(ctx.db, n.phone_number_id, [...orders.keys()]);
  const customer = await getCustomer(ctx.db, n.phone_number_id, wa);
  const now = ctx.clock.now();
  const window = windowExpiresAt(customer);
  return okv({
    object: 'list',
    wa_id: wa,
    phone_number_id: n.phone_number_id,
    name: customer?.name ?? null,
    window_expires_at: window && window.getTime() > now.getTime() ? unixSeconds(window) : null,
    data: messages.map((m) => present(n, m, orders, txs, now)),
    has_more: hasMore,
  });
}
