// The customer beside the thread: who they are (name, number or business-scoped user id,
// username, tags — editable: PATCH /v1/customers/{id} —, opted out), their latest orders with
// each one's payment status, and their latest bookings (GET /v1/bookings?customer=).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, body } from '../api/client.ts';
import { useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { Booking, BookingService, Conversation, Customer, List, Order } from '../api/types.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { Badge } from '../ui/field.tsx';
import { ErrorNote, Loading } from '../ui/states.tsx';

const t = {
  title: 'Customer',
  name: 'Name',
  phone: 'Phone',
  bsuid: 'WhatsApp user id',
  username: 'Username',
  tags: 'Tags',
  noTags: 'none',
  since: 'Customer since',
  optedOut: 'Opted out of messages',
  orders: 'Orders',
  noOrders: 'No orders yet.',
  unknown: '—',
  addTag: 'Add a tag',
  add: 'Add',
  remove: (tag: string) => `Remove tag ${tag}`,
  payment: 'payment',
  bookings: 'Bookings',
  noBookings: 'No bookings.',
};

export function CustomerPanel({ conversationId }: { conversationId: string }) {
  const can = useCan();
  const p = usePresentation();
  // The conversation is already read by the thread (same key): its customer's id.
  const conv = useQuery({
    queryKey: ['conversation', conversationId],
    queryFn: () => body<Conversation>(api.GET('/v1/conversations/{id}', { params: { path: { id: conversationId } } })),
  });
  const customerId = conv.data?.customer.id;
  const customer = useQuery({
    queryKey: ['customer', customerId],
    queryFn: () => body<Customer>(api.GET('/v1/customers/{id}', { params: { path: { id: customerId! } } })),
    enabled: !!customerId && can('customers'),
  });
  const orders = useQuery({
    queryKey: ['customer-orders', customerId],
    queryFn: () => body<List<Order>>(api.GET('/v1/orders', { params: { query: { customer: customerId!, limit: 5 } } })),
    enabled: !!customerId && can('orders.read'),
  });
  const c = customer.data;
  const bookings = useQuery({
    queryKey: ['customer-bookings', customerId],
    queryFn: () => body<List<Booking>>(api.GET('/v1/bookings', { params: { query: { customer: customerId!, limit: 5 } } })),
    enabled: !!customerId && can('bookings.read'),
  });
  const services = useQuery({
    queryKey: ['booking-services'],
    queryFn: () => body<List<BookingService>>(api.GET('/v1/booking-services')),
    enabled: !!bookings.data?.data.length,
  });
  const serviceName = (id: string) => services.data?.data.find((x) => x.id === id)?.name ?? '';
  return (
    <aside className="customer-panel card" aria-labelledby="customer-title" data-testid="customer-panel">
      <h2 id="customer-title">{t.title}</h2>
      {customer.isPending && customerId ? <Loading /> : null}
      <ErrorNote error={customer.error} />
      {c ? (
        <dl className="facts">
          <dt>{t.name}</dt>
          <dd>{c.name || t.unknown}</dd>
          <dt>{t.phone}</dt>
          <dd>{c.wa_id ? `+${c.wa_id}` : t.unknown}</dd>
          {c.username ? (
            <>
              <dt>{t.username}</dt>
              <dd>@{c.username}</dd>
            </>
          ) : null}
          {c.bsuid ? (
            <>
              <dt>{t.bsuid}</dt>
              <dd className="small-id">{c.bsuid}</dd>
            </>
          ) : null}
          <dt>{t.tags}</dt>
          <dd>
            <Tags customer={c} />
          </dd>
          <dt>{t.since}</dt>
          <dd>{formatDateTime(c.created_at, p)}</dd>
          {c.opted_out_at ? (
            <>
              <dt>{t.optedOut}</dt>
              <dd>{formatDateTime(c.opted_out_at, p)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {can('orders.read') ? (
        <>
          <h3>{t.orders}</h3>
          <ErrorNote error={orders.error} />
          {orders.data && orders.data.data.length === 0 ? <p className="muted">{t.noOrders}</p> : null}
          <ul className="plain customer-orders">
            {(orders.data?.data ?? []).map((o) => (
              <li key={o.id}>
                <Link to={`/orders/${o.id}`}>{o.reference_id}</Link> {formatMoney(o.total, o.currency, p.locale)} <span className="sr-only">{t.payment}</span>{' '}
                <Badge value={o.payment_status} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {can('bookings.read') ? (
        <>
          <h3>{t.bookings}</h3>
          <ErrorNote error={bookings.error} />
          {bookings.data && bookings.data.data.length === 0 ? <p className="muted">{t.noBookings}</p> : null}
          <ul className="plain customer-bookings">
            {(bookings.data?.data ?? []).map((b) => (
              <li key={b.id}>
                {serviceName(b.service_id)} {formatDateTime(b.starts_at, p)} <Badge value={b.status} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}

/** The customer's tags: each removable, and one more added (up to 20, 40 characters each). */
function Tags({ customer: c }: { customer: Customer }) {
  const [tag, setTag] = useState('');
  const save = useAction((tags: string[]) => body<Customer>(api.PATCH('/v1/customers/{id}', { params: { path: { id: c.id } }, body: { tags } })), {
    invalidate: [['customer', c.id]],
    onSuccess: () => setTag(''),
  });
  const add = () => {
    const v = tag.trim();
    if (v && !c.tags.includes(v)) save.mutate([...c.tags, v]);
  };
  return (
    <div data-testid="customer-tags">
      {c.tags.length === 0 ? <span className="muted">{t.noTags}</span> : null}
      {c.tags.map((x) => (
        <span key={x} className="tag-chip">
          <Badge value={x} kind="tag" />
          <button type="button" className="link" aria-label={t.remove(x)} disabled={save.isPending} onClick={() => save.mutate(c.tags.filter((y) => y !== x))}>
            ×
          </button>{' '}
        </span>
      ))}
      <form
        className="tag-editor"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <div className="field">
          <label htmlFor="customer-tag">{t.addTag}</label>
          <input id="customer-tag" value={tag} maxLength={40} onChange={(e) => setTag(e.target.value)} disabled={c.tags.length >= 20} />
        </div>
        <button type="submit" disabled={!tag.trim() || save.isPending || c.tags.length >= 20}>
          {t.add}
        </button>
      </form>
      <ErrorNote error={save.error} />
    </div>
  );
}
