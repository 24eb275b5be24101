// One order: items and totals, customer, payment attempts, one timeline, and what the
// signed-in role may do with it (GET /v1/me's permissions; the API decides anyway).
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, body, errorMessage } from '../api/client.ts';
import { LIVE_MS, useCan, usePresentation } from '../api/hooks.ts';
import type { List, Message, Order, OrderEvent, OrderLedger, Payment, Refund } from '../api/types.ts';
import { formatDateTime, formatMoney, humanize } from '../format.ts';
import { Badge } from '../ui/field.tsx';
import { ErrorNote, Loaded, Loading } from '../ui/states.tsx';
import { OrderActions } from './order-actions.tsx';
import { RecordedPayments } from './order-record-payment.tsx';
import { buildTimeline, moneyOf, Timeline } from './order-timeline.tsx';

const t = {
  back: 'Orders',
  items: 'Items',
  item: 'Item',
  qty: 'Qty',
  price: 'Price',
  lineTotal: 'Total',
  subtotal: 'Subtotal',
  tax: 'Tax',
  shipping: 'Shipping',
  discount: 'Discount',
  total: 'Total',
  paid: 'Paid',
  refunded: 'Refunded',
  customer: 'Customer',
  number: 'WhatsApp number',
  address: 'Shipping address',
  attempts: 'Payment attempts',
  expires: 'Pay before',
  review: 'This payment is in manual review',
  canceled: 'Canceled',
  created: 'Created',
  timeline: 'Timeline',
};

export function OrderPage() {
  const { id = '' } = useParams();
  const p = usePresentation();
  const can = useCan();
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => body<Order>(api.GET('/v1/orders/{id}', { params: { path: { id } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <>
      <p>
        <Link to="/orders">← {t.back}</Link>
      </p>
      <Loaded q={order}>
        {(o) => (
          <>
            <header className="page-head">
              <h1 data-testid="order-reference">{o.reference_id}</h1>
              <Badge value={o.status} />
              <Badge value={o.payment_status} />
            </header>
            {o.payment_status === 'manual_review' ? (
              <div className="note warn" role="status" data-testid="review-note">
                {t.review}
                {typeof o.review?.['reason'] === 'string' ? `: ${humanize(o.review['reason'])}` : ''}
              </div>
            ) : null}
            {o.cancel_reason ? (
              <p className="note">
                {t.canceled}: {o.cancel_reason}
              </p>
            ) : null}
            <OrderActions order={o} />
            <RecordedPayments order={o} />
            <div className="two-col">
              <section aria-labelledby="items-h" className="card">
                <h2 id="items-h">{t.items}</h2>
                <Items o={o} locale={p.locale} />
              </section>
              <section aria-labelledby="customer-h" className="card">
                <h2 id="customer-h">{t.customer}</h2>
                <dl className="facts">
                  <dt>{t.customer}</dt>
                  <dd data-testid="customer-name">{o.customer.name || '—'}</dd>
                  <dt>{t.number}</dt>
                  <dd>{o.customer.wa_id ? `+${o.customer.wa_id}` : '—'}</dd>
                  <dt>{t.created}</dt>
                  <dd>{formatDateTime(o.created_at, p)}</dd>
                  {o.expires_at && ['unpaid', 'pending'].includes(o.payment_status) ? (
                    <>
                      <dt>{t.expires}</dt>
                      <dd>{formatDateTime(o.expires_at, p)}</dd>
                    </>
                  ) : null}
                  {o.shipping_address ? (
                    <>
                      <dt>{t.address}</dt>
                      <dd>{Object.values(o.shipping_address).filter(Boolean).join(', ')}</dd>
                    </>
                  ) : null}
                </dl>
              </section>
            </div>
            <OrderHistory order={o} withLedger={can('money.read')} />
          </>
        )}
      </Loaded>
    </>
  );
}

function Items({ o, locale }: { o: Order; locale: string }) {
  const m = (n: number) => formatMoney(n, o.currency, locale);
  const rows: [string, number][] = [
    [t.subtotal, o.subtotal],
    ...(o.discount ? ([[o.discount_description || t.discount, -o.discount]] as [string, number][]) : []),
    ...(o.tax ? ([[o.tax_description || t.tax, o.tax]] as [string, number][]) : []),
    ...(o.shipping ? ([[o.shipping_description || t.shipping, o.shipping]] as [string, number][]) : []),
  ];
  return (
    <table className="items">
      <caption className="sr-only">{t.items}</caption>
      <thead>
        <tr>
          <th scope="col">{t.item}</th>
          <th scope="col" className="num">
            {t.qty}
          </th>
          <th scope="col" className="num">
            {t.price}
          </th>
          <th scope="col" className="num">
            {t.lineTotal}
          </th>
        </tr>
      </thead>
      <tbody>
        {o.items.map((it) => (
          <tr key={`${it.retailer_id ?? it.name}-${it.amount}-${it.quantity}`}>
            <td>{it.name}</td>
            <td className="num">{it.quantity}</td>
            <td className="num">{m(it.sale_amount ?? it.amount)}</td>
            <td className="num">{m(it.line_total)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        {rows.map(([label, v]) => (
          <tr key={label}>
            <th scope="row" colSpan={3}>
              {label}
            </th>
            <td className="num">{m(v)}</td>
          </tr>
        ))}
        <tr className="total">
          <th scope="row" colSpan={3}>
            {t.total}
          </th>
          <td className="num" data-testid="order-total">
            {m(o.total)}
          </td>
        </tr>
        <tr>
          <th scope="row" colSpan={3}>
            {t.paid}
          </th>
          <td className="num" data-testid="order-paid">
            {m(o.amount_paid)}
          </td>
        </tr>
        {o.amount_refunded ? (
          <tr>
            <th scope="row" colSpan={3}>
              {t.refunded}
            </th>
            <td className="num" data-testid="order-refunded">
              {m(o.amount_refunded)}
            </td>
          </tr>
        ) : null}
      </tfoot>
    </table>
  );
}

function OrderHistory({ order, withLedger }: { order: Order; withLedger: boolean }) {
  const p = usePresentation();
  const id = order.id;
  const live = { refetchInterval: LIVE_MS };
  const events = useQuery({
    queryKey: ['order', id, 'events'],
    queryFn: () => body<List<OrderEvent>>(api.GET('/v1/orders/{id}/events', { params: { path: { id } } })),
    ...live,
  });
  const payments = useQuery({
    queryKey: ['order', id, 'payments'],
    queryFn: () => body<List<Payment>>(api.GET('/v1/orders/{id}/payments', { params: { path: { id } } })),
    ...live,
  });
  const refunds = useQuery({
    queryKey: ['order', id, 'refunds'],
    queryFn: () => body<List<Refund>>(api.GET('/v1/orders/{id}/refunds', { params: { path: { id } } })),
    ...live,
  });
  const waId = order.customer.wa_id;
  const messages = useQuery({
    queryKey: ['order', id, 'messages'],
    enabled: !!waId,
    queryFn: () => body<List<Message>>(api.GET('/v1/messages', { params: { query: { wa_id: waId!, limit: 100 } } })),
    ...live,
  });
  const ledger = useQuery({
    queryKey: ['order', id, 'ledger'],
    enabled: withLedger,
    queryFn: () => body<OrderLedger>(api.GET('/v1/orders/{id}/ledger', { params: { path: { id } } })),
    ...live,
  });
  const all = [events, payments, refunds, ...(waId ? [messages] : []), ...(withLedger ? [ledger] : [])];
  const money = moneyOf(p.locale);
  return (
    <>
      <section aria-labelledby="attempts-h" className="card">
        <h2 id="attempts-h">{t.attempts}</h2>
        <Loaded q={payments}>
          {(l) => (
            <ul className="plain" data-testid="attempts">
              {l.data.map((pay) => (
                <li key={pay.id}>
                  {pay.reference_id} · {money(pay.amount, pay.currency)} · {humanize(pay.method)}
                  {pay.recorded
                    ? ` (${humanize(pay.recorded.method)}${pay.recorded.note ? `: ${pay.recorded.note}` : ''})`
                    : pay.provider && pay.provider !== 'none'
                      ? ` (${pay.provider})`
                      : ''}{' '}
                  · <Badge value={pay.status} />
                  {pay.expires_at && ['created', 'pending'].includes(pay.status) ? ` · ${t.expires} ${formatDateTime(pay.expires_at, p)}` : ''}
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
      <section aria-labelledby="timeline-h" className="card">
        <h2 id="timeline-h">{t.timeline}</h2>
        {all.some((q) => q.isPending && q.fetchStatus !== 'idle') ? <Loading /> : null}
        {all
          .filter((q) => q.error)
          .map((q) => (
            <ErrorNote key={errorMessage(q.error)} error={q.error} />
          ))}
        {events.data && payments.data && refunds.data ? (
          <Timeline
            entries={buildTimeline(
              {
                events: events.data.data,
                payments: payments.data.data,
                refunds: refunds.data.data,
                messages: (messages.data?.data ?? []).filter((m) => m.order_id === id),
                ledger: ledger.data?.transactions ?? [],
              },
              money,
            )}
          />
        ) : null}
      </section>
    </>
  );
}
