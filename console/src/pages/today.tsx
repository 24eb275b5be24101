// Today: orders and revenue today and over 30 days (GET /v1/reports/daily), the latest
// orders, and what needs someone: payments in review, bills about to expire, paid orders
// not shipped, today's bookings, failed webhook deliveries. Polls: new orders appear.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, body } from '../api/client.ts';
import { LIVE_MS, useCan, usePresentation } from '../api/hooks.ts';
import type { Booking, DailyReport, List, Order, Revenue, WebhookDelivery } from '../api/types.ts';
import { addDays, dayIn, formatDateTime, formatMoney, formatTime, startOfDay } from '../format.ts';
import { OrdersTable } from '../ui/orders-table.tsx';
import { Loaded } from '../ui/states.tsx';

const t = {
  title: 'Today',
  ordersToday: 'Orders today',
  revenueToday: 'Revenue today',
  orders30: 'Orders, 30 days',
  revenue30: 'Revenue, 30 days',
  needsAction: 'Needs action',
  review: 'Payments in manual review',
  expiring: 'Unpaid bills expiring within 2 hours',
  unshipped: 'Paid, not shipped yet',
  bookings: 'Bookings today',
  deliveries: 'Failed webhook deliveries',
  nothing: 'Nothing here.',
  latest: 'Latest orders',
  noOrders: 'No orders yet. Orders created over the API or from WhatsApp appear here by themselves.',
  allOrders: 'All orders',
  perDay: 'Orders per day, last 30 days',
};

const revenueText = (r: Revenue[], locale: string) => (r.length ? r.map((x) => formatMoney(x.amount, x.currency, locale)).join(' + ') : '0');

export function TodayPage() {
  const p = usePresentation();
  const can = useCan();
  const now = new Date();
  const today = dayIn(now, p.timeZone);
  const report = useQuery({ queryKey: ['report', 'daily'], queryFn: () => body<DailyReport>(api.GET('/v1/reports/daily')), refetchInterval: LIVE_MS });
  const latest = useQuery({
    queryKey: ['orders', 'latest'],
    queryFn: () => body<List<Order>>(api.GET('/v1/orders', { params: { query: { limit: 10 } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <>
      <h1>{t.title}</h1>
      <Loaded q={report}>
        {(r) => {
          const day = r.data.find((d) => d.date === today) ?? r.data[r.data.length - 1];
          return (
            <>
              <section className="stats" aria-label={t.title}>
                <Stat label={t.ordersToday} value={String(day?.orders ?? 0)} testId="orders-today" />
                <Stat label={t.revenueToday} value={revenueText(day?.revenue ?? [], p.locale)} testId="revenue-today" />
                <Stat label={t.orders30} value={String(r.totals.orders)} testId="orders-30" />
                <Stat label={t.revenue30} value={revenueText(r.totals.revenue, p.locale)} testId="revenue-30" />
              </section>
              <Bars report={r} />
            </>
          );
        }}
      </Loaded>
      <h2>{t.needsAction}</h2>
      <div className="cards">
        <OrderCard title={t.review} testId="needs-review" query={{ payment_status: 'manual_review' }} />
        <OrderCard
          title={t.expiring}
          testId="needs-expiring"
          query={{ payment_status: 'unpaid,pending', expires_after: now.toISOString(), expires_before: new Date(now.getTime() + 2 * 3600_000).toISOString() }}
        />
        <OrderCard title={t.unshipped} testId="needs-shipping" query={{ payment_status: 'paid', status: 'pending,processing' }} />
        {can('bookings.read') ? <BookingsCard today={today} /> : null}
        {can('webhooks') ? <DeliveriesCard /> : null}
      </div>
      <h2>{t.latest}</h2>
      <Loaded q={latest} isEmpty={(l) => l.data.length === 0} empty={t.noOrders}>
        {(l) => <OrdersTable orders={l.data} caption={t.latest} testId="latest-orders" />}
      </Loaded>
      <p>
        <Link to="/orders">{t.allOrders}</Link>
      </p>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

function Bars({ report }: { report: DailyReport }) {
  const max = Math.max(1, ...report.data.map((d) => d.orders));
  return (
    <figure className="bars">
      <figcaption>{t.perDay}</figcaption>
      <ol>
        {report.data.map((d) => (
          <li key={d.date} title={`${d.date}: ${d.orders}`} aria-label={`${d.date}: ${d.orders}`}>
            {/* A bar's height is data: set through the DOM (CSSOM), which the CSP allows, not as markup. */}
            <span className={d.orders ? 'bar' : 'bar zero'} style={{ height: `${Math.round((100 * d.orders) / max)}%` }} />
          </li>
        ))}
      </ol>
    </figure>
  );
}

function OrderCard({ title, query, testId }: { title: string; query: Record<string, string>; testId: string }) {
  const p = usePresentation();
  const q = useQuery({
    queryKey: ['orders', 'needs', testId],
    queryFn: () => body<List<Order>>(api.GET('/v1/orders', { params: { query: { ...query, limit: 5 } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <section className="card" data-testid={testId} aria-labelledby={`${testId}-h`}>
      <h3 id={`${testId}-h`}>{title}</h3>
      <Loaded q={q} isEmpty={(l) => l.data.length === 0} empty={t.nothing}>
        {(l) => (
          <ul className="plain">
            {l.data.map((o) => (
              <li key={o.id}>
                <Link to={`/orders/${o.id}`}>{o.reference_id}</Link> · {o.customer.name || o.customer.wa_id} · {formatMoney(o.total, o.currency, p.locale)}
                {o.expires_at && testId === 'needs-expiring' ? ` · ${formatTime(o.expires_at, p)}` : ''}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function BookingsCard({ today }: { today: string }) {
  const p = usePresentation();
  const from = startOfDay(today, p.timeZone).toISOString();
  const to = startOfDay(addDays(today, 1), p.timeZone).toISOString();
  const q = useQuery({
    queryKey: ['bookings', 'today', from],
    queryFn: () => body<List<Booking>>(api.GET('/v1/bookings', { params: { query: { from, to, limit: 20 } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <section className="card" data-testid="needs-bookings" aria-labelledby="needs-bookings-h">
      <h3 id="needs-bookings-h">{t.bookings}</h3>
      <Loaded q={q} isEmpty={(l) => l.data.filter((b) => b.status !== 'cancelled' && b.status !== 'expired').length === 0} empty={t.nothing}>
        {(l) => (
          <ul className="plain">
            {l.data
              .filter((b) => b.status !== 'cancelled' && b.status !== 'expired')
              .map((b) => (
                <li key={b.id}>
                  {formatTime(b.starts_at, p)} · {b.customer.name || b.customer.wa_id} · {b.status}
                </li>
              ))}
          </ul>
        )}
      </Loaded>
      <Link to="/bookings">{t.bookings}</Link>
    </section>
  );
}

function DeliveriesCard() {
  const p = usePresentation();
  const q = useQuery({
    queryKey: ['webhook-deliveries', 'failed'],
    queryFn: () => body<List<WebhookDelivery>>(api.GET('/v1/webhook-deliveries', { params: { query: { status: 'failed', limit: 5 } } })),
    refetchInterval: LIVE_MS * 5,
  });
  return (
    <section className="card" data-testid="needs-deliveries" aria-labelledby="needs-deliveries-h">
      <h3 id="needs-deliveries-h">{t.deliveries}</h3>
      <Loaded q={q} isEmpty={(l) => l.data.length === 0} empty={t.nothing}>
        {(l) => (
          <ul className="plain">
            {l.data.map((d) => (
              <li key={d.id}>
                {d.event_type} → {d.endpoint?.url ?? d.endpoint_id} · {d.last_error ?? d.last_status_code ?? ''} · {formatDateTime(d.updated_at, p)}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <Link to="/settings/webhooks">{t.deliveries}</Link>
    </section>
  );
}
