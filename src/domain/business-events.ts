// Business events for CRMs and other receivers: what an entry of the event log looks
// like from outside. Pure: the caller passes the log row plus a snapshot of the order
// and payment it concerns, read after the event committed.
//
// Choice: thin events from the log + a snapshot. The log row gives the stable id,
// type, time, the order's sequence number and the event's own data (`details`, exact
// as of the event); the order snapshot gives the normalized fields (customer, amounts,
// metadata, provider ids). The snapshot is taken once, when the event fans out (within
// a second of the commit), and frozen in the delivery, so every retry and replay sends
// the same bytes. A snapshot is never older than its event: `amounts.as_of_seq` is the
// order's sequence number it reflects (>= `seq`), so a receiver that keeps the highest
// `seq` it has seen and drops lower ones always keeps state at least that new.

/** Log namespaces that are delivered to merchant endpoints. Other log entries (message.*, whatsapp.*) stay internal. */
/** booking.* (held, confirmed, expired, cancelled) ride on the deposit order's timeline, so they carry its snapshot. */
export const BUSINESS_NAMESPACES = ['order', 'payment', 'refund', 'dispute', 'booking'] as const;
/** Single types also delivered: the merchant is told an endpoint was disabled; a customer's message arrived (message.received, with `customer`). */
export const OPERATIONAL_TYPES = ['webhook_endpoint.disabled', 'message.received'] as const;
/** Sent only to the endpoint that asked for it (POST /v1/webhook-endpoints/{id}/test). */
export const TEST_EVENT_TYPE = 'webhook.test';

export interface LogEventInput {
  id: string;
  type: string;
  order_id: string | null;
  seq: number | null;
  source: string;
  data: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  created_at: Date | string;
}

export interface OrderSnapshot {
  id: string;
  status: string;
  payment_status: string;
  currency: string;
  total: number;
  amount_paid: number;
  amount_refunded: number;
  customer_id?: string | null;
  customer_bsuid?: string | null;
  customer_wa_id: string | null;
  customer_name: string | null;
  metadata: Record<string, string>;
  event_seq: number;
}

export interface PaymentSnapshot {
  id: string;
  reference_id: string;
  method: string;
  provider: string;
  status: string;
  provider_object_id: string | null;
  provider_payment_id: string | null;
}

/** The person an event is about: the customer's id, business-scoped user id, phone and name (any may be null but the id). */
export interface EventCustomer {
  id: string | null;
  bsuid: string | null;
  wa_id: string | null;
  name: string | null;
}

export interface BusinessEvent {
  id: string;
  type: string;
  timestamp: string;
  data: {
    order_id: string | null;
    seq: number | null;
    reference_id: string | null;
    customer: EventCustomer | null;
    status: string | null;
    payment_status: string | null;
    amounts: { total: number; amount_paid: number; amount_refunded: number; currency: string; as_of_seq: number } | null;
    payment: PaymentSnapshot | null;
    metadata: Record<string, string>;
    source: string;
    details: Record<string, unknown>;
    previous: Record<string, unknown> | null;
  };
}

const namespaceOf = (type: string) => type.split('.')[0] ?? '';

/** True for log types that become business events at all (including the test event). */
export function isBusinessEventType(type: string): boolean {
  return (
    (BUSINESS_NAMESPACES as readonly string[]).includes(namespaceOf(type)) ||
    (OPERATIONAL_TYPES as readonly string[]).includes(type) ||
    type === TEST_EVENT_TYPE
  );
}

/** True for types sent to every subscribed endpoint when they are recorded (the test event is not). */
export function fansOut(type: string): boolean {
  return isBusinessEventType(type) && type !== TEST_EVENT_TYPE;
}

const FILTER_ENTRY = /^(\*|[a-z_]+\.\*|[a-z_]+(\.[a-z_]+)+)$/;

/** An entry of an endpoint's `events` filter: `*`, `order.*` or an exact type of a delivered namespace. */
export function isValidFilterEntry(entry: string): boolean {
  if (!FILTER_ENTRY.test(entry)) return false;
  if (entry === '*') return true;
  if (!entry.endsWith('.*')) return fansOut(entry);
  const ns = entry.slice(0, -2);
  return (BUSINESS_NAMESPACES as readonly string[]).includes(ns) || OPERATIONAL_TYPES.some((t) => namespaceOf(t) === ns);
}

/** Whether an endpoint with this filter (null: everything) receives a type. */
export function matchesEventFilter(filter: readonly string[] | null, type: string): boolean {
  if (type === TEST_EVENT_TYPE) return true;
  if (!fansOut(type)) return false;
  if (filter === null) return true;
  return filter.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/** The payment an event is about: the one its data names, else the order's current bill. */
export function paymentIdFor(ev: LogEventInput, currentPaymentId: string | null): string | null {
  const named = ev.data['payment_id'];
  return typeof named === 'string' && named ? named : currentPaymentId;
}

/** An event without an order (message.received) names its customer in its own data. */
function customerOfData(data: Record<string, unknown>): EventCustomer | null {
  const c = data['customer'];
  if (typeof c !== 'object' || c === null) return null;
  const s = (k: string) => {
    const v = (c as Record<string, unknown>)[k];
    return typeof v === 'string' ? v : null;
  };
  return { id: s('id'), bsuid: s('bsuid'), wa_id: s('wa_id'), name: s('name') };
}

export function toBusinessEvent(
  ev: LogEventInput,
  snap: { order?: OrderSnapshot | null; payment?: PaymentSnapshot | null; currentReferenceId?: string | null; customer?: EventCustomer | null } = {},
): BusinessEvent | null {
  if (!isBusinessEventType(ev.type)) return null;
  const o = snap.order ?? null;
  const p = snap.payment ?? null;
  return {
    id: ev.id,
    type: ev.type,
    timestamp: new Date(ev.created_at).toISOString(),
    data: {
      order_id: ev.order_id,
      seq: ev.seq,
      reference_id: snap.currentReferenceId ?? p?.reference_id ?? null,
      customer: o
        ? { id: o.customer_id ?? null, bsuid: o.customer_bsuid ?? null, wa_id: o.customer_wa_id, name: o.customer_name }
        : (snap.customer ?? customerOfData(ev.data)),
      status: o?.status ?? null,
      payment_status: o?.payment_status ?? null,
      amounts: o ? { total: o.total, amount_paid: o.amount_paid, amount_refunded: o.amount_refunded, currency: o.currency, as_of_seq: o.event_seq } : null,
      payment: p
        ? {
            id: p.id,
            reference_id: p.reference_id,
            method: p.method,
            provider: p.provider,
            status: p.status,
            provider_object_id: p.provider_object_id,
            provider_payment_id: p.provider_payment_id,
          }
        : null,
      metadata: o?.metadata ?? {},
      source: ev.source,
      details: ev.data,
      previous: ev.previous,
    },
  };
}
