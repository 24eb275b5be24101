// Orders: search (reference, name, number), status and payment filters, a date range in the
// business's time zone; the filters live in the address so a view can be shared. Polls.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, body } from '../api/client.ts';
import { LIVE_MS, usePresentation } from '../api/hooks.ts';
import type { List, Order } from '../api/types.ts';
import { addDays, startOfDay } from '../format.ts';
import { Field, Select } from '../ui/field.tsx';
import { OrdersTable } from '../ui/orders-table.tsx';
import { Empty, ErrorNote, Loading } from '../ui/states.tsx';

const t = {
  title: 'Orders',
  search: 'Search',
  searchHint: 'Reference, customer name or number',
  status: 'Status',
  payment: 'Payment',
  from: 'From',
  to: 'To',
  any: 'Any',
  apply: 'Apply',
  clear: 'Clear',
  more: 'Load more',
  none: 'No orders match.',
  filters: 'Filters',
};

const STATUSES = ['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled'];
const PAYMENT = ['unpaid', 'pending', 'paid', 'failed', 'expired', 'canceled', 'manual_review', 'partially_refunded', 'refunded'];

export function OrdersPage() {
  const p = usePresentation();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState(() => Object.fromEntries(['q', 'status', 'payment_status', 'from', 'to'].map((k) => [k, params.get(k) ?? ''])));
  const filters = Object.fromEntries([...params.entries()].filter(([, v]) => v));
  const query: Record<string, string> = {};
  if (filters.q) query.q = filters.q;
  if (filters.status) query.status = filters.status;
  if (filters.payment_status) query.payment_status = filters.payment_status;
  if (filters.from) query.created_gte = startOfDay(filters.from, p.timeZone).toISOString();
  if (filters.to) query.created_lt = startOfDay(addDays(filters.to, 1), p.timeZone).toISOString();
  const q = useInfiniteQuery({
    queryKey: ['orders', 'list', query],
    queryFn: ({ pageParam }) =>
      body<List<Order>>(api.GET('/v1/orders', { params: { query: { ...query, limit: 25, ...(pageParam ? { starting_after: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
    refetchInterval: LIVE_MS,
  });
  const set = (k: string) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(Object.fromEntries(Object.entries(form).filter(([, v]) => v)));
  };
  const orders = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  return (
    <>
      <h1>{t.title}</h1>
      <form className="filters" onSubmit={submit} aria-label={t.filters}>
        <Field label={t.search} type="search" placeholder={t.searchHint} value={form.q} onChange={set('q')} name="q" />
        <Select label={t.status} value={form.status} onChange={set('status')}>
          <option value="">{t.any}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace(/_/g, ' ')}
            </option>
          ))}
        </Select>
        <Select label={t.payment} value={form.payment_status} onChange={set('payment_status')}>
          <option value="">{t.any}</option>
          {PAYMENT.map((s) => (
            <option key={s} value={s}>
              {s.replace(/_/g, ' ')}
            </option>
          ))}
        </Select>
        <Field label={t.from} type="date" value={form.from} onChange={set('from')} />
        <Field label={t.to} type="date" value={form.to} onChange={set('to')} />
        <div className="actions">
          <button type="submit" className="primary">
            {t.apply}
          </button>
          <button
            type="button"
            onClick={() => {
              setForm({ q: '', status: '', payment_status: '', from: '', to: '' });
              setParams({});
            }}
          >
            {t.clear}
          </button>
        </div>
      </form>
      {q.isPending ? <Loading /> : null}
      <ErrorNote error={q.error} />
      {!q.isPending && !q.error && orders.length === 0 ? <Empty>{t.none}</Empty> : null}
      {orders.length ? <OrdersTable orders={orders} caption={t.title} testId="orders" /> : null}
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {t.more}
        </button>
      ) : null}
    </>
  );
}
