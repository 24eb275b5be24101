// Checkout links: reusable payment pages to share (a fixed amount, an amount the payer types
// within a range, or catalog products). The list, a form to create one, and one link's page:
// its URL to copy, its QR code, activate / deactivate, and the orders its payers made.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, body } from '../api/client.ts';
import { LIVE_MS, idem, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { CheckoutLink, List, Order, Product } from '../api/types.ts';
import { formatDateTime, formatMoney, parseAmount } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field, Select, TextArea } from '../ui/field.tsx';
import { OrdersTable } from '../ui/orders-table.tsx';
import { Empty, ErrorNote, Loaded, Loading } from '../ui/states.tsx';

const t = {
  title: 'Checkout links',
  add: 'New checkout link',
  addTitle: 'New checkout link',
  none: 'No checkout links yet. A link is a payment page to share: in a chat, on a poster as a QR code, in a bio.',
  name: 'Name',
  amount: 'Amount',
  payments: 'Payments',
  state: 'State',
  created: 'Created',
  more: 'Load more',
  kind: 'The payer pays',
  fixed: 'A fixed amount',
  range: 'An amount they type, within a range',
  products: 'Catalog products',
  currency: 'Currency',
  min: 'Least',
  max: 'Most',
  pickProducts: 'Products (one of each)',
  description: 'Description (shown on the page)',
  maxPayments: 'Stop after this many payments (empty: no limit)',
  expiresAt: 'Stop taking payments after (empty: never)',
  expiresHint: "In this device's time zone",
  save: 'Create',
  close: 'Close',
  badAmount: 'Enter an amount such as 249.00',
  badRange: 'The least must be less than the most',
  noProducts: 'Choose at least one product',
  back: 'Checkout links',
  url: 'Link to share',
  copy: 'Copy link',
  copied: 'Copied',
  qr: 'QR code of the link',
  activate: 'Activate',
  deactivate: 'Deactivate',
  expires: 'Expires',
  never: 'never',
  limit: 'Payments taken',
  noLimit: 'no limit',
  ordersTitle: 'Orders made on this link',
  noOrders: 'No one has paid on this link yet.',
  states: {
    active: 'active',
    inactive: 'inactive',
    expired: 'expired',
    exhausted: 'all payments taken',
  } as Record<string, string>,
};

/** What a link asks for, in words: "₹249.00", "₹100.00 – ₹5,000.00", "2 products". */
export function linkAmount(l: CheckoutLink, locale: string): string {
  if (l.amount !== null) return formatMoney(l.amount, l.currency, locale);
  if (l.amount_range) return `${formatMoney(l.amount_range.min, l.currency, locale)} – ${formatMoney(l.amount_range.max, l.currency, locale)}`;
  return l.retailer_ids.length === 1 ? `1 product (${l.retailer_ids[0]})` : `${l.retailer_ids.length} products`;
}

export function useCheckoutLinks() {
  return useInfiniteQuery({
    queryKey: ['checkout-links'],
    queryFn: ({ pageParam }) =>
      body<List<CheckoutLink>>(api.GET('/v1/checkout-links', { params: { query: { limit: 50, ...(pageParam ? { starting_after: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
  });
}

export function CheckoutLinksPage() {
  const p = usePresentation();
  const can = useCan();
  const [adding, setAdding] = useState(false);
  const q = useCheckoutLinks();
  const links = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  return (
    <>
      <header className="page-head">
        <h1>{t.title}</h1>
        {can('catalog.write') ? (
          <button type="button" className="primary" onClick={() => setAdding(true)} data-testid="add-checkout-link">
            {t.add}
          </button>
        ) : null}
      </header>
      {q.isPending ? <Loading /> : null}
      <ErrorNote error={q.error} />
      {!q.isPending && !q.error && links.length === 0 ? <Empty>{t.none}</Empty> : null}
      {links.length ? (
        <table className="list" data-testid="checkout-links">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col" className="num">
                {t.amount}
              </th>
              <th scope="col">{t.state}</th>
              <th scope="col" className="num">
                {t.payments}
              </th>
              <th scope="col">{t.created}</th>
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr key={l.id}>
                <td data-label={t.name}>
                  <Link to={`/checkout-links/${l.id}`}>{l.name}</Link>
                </td>
                <td data-label={t.amount} className="num">
                  {linkAmount(l, p.locale)}
                </td>
                <td data-label={t.state}>
                  <Badge value={t.states[l.state] ?? l.state} kind={l.state} />
                </td>
                <td data-label={t.payments} className="num">
                  {l.max_payments !== null ? `${l.payments_captured} / ${l.max_payments}` : l.payments_captured}
                </td>
                <td data-label={t.created}>{formatDateTime(l.created_at, p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()}>
          {t.more}
        </button>
      ) : null}
      {adding ? <CreateDialog onClose={() => setAdding(false)} /> : null}
    </>
  );
}

interface Draft {
  name: string;
  currency: string;
  kind: 'fixed' | 'range' | 'products';
  amount: string;
  min: string;
  max: string;
  retailer_ids: string[];
  description: string;
  max_payments: string;
  expires_at: string;
}

function CreateDialog({ onClose }: { onClose: () => void }) {
  const p = usePresentation();
  const [d, setD] = useState<Draft>({
    name: '',
    currency: p.currency ?? 'INR',
    kind: 'fixed',
    amount: '',
    min: '',
    max: '',
    retailer_ids: [],
    description: '',
    max_payments: '',
    expires_at: '',
  });
  const products = useQuery({
    queryKey: ['products', 'active-picklist'],
    queryFn: () => body<List<Product>>(api.GET('/v1/products', { params: { query: { limit: 100, active: 'true' } } })),
    enabled: d.kind === 'products',
  });
  const amount = parseAmount(d.amount, d.currency);
  const min = parseAmount(d.min, d.currency);
  const max = parseAmount(d.max, d.currency);
  const problem =
    d.kind === 'fixed'
      ? amount === null || amount <= 0
        ? t.badAmount
        : null
      : d.kind === 'range'
        ? min === null || max === null
          ? t.badAmount
          : min >= max
            ? t.badRange
            : null
        : d.retailer_ids.length === 0
          ? t.noProducts
          : null;
  const save = useAction(
    (v: Draft, key) =>
      body<CheckoutLink>(
        api.POST('/v1/checkout-links', {
          body: {
            name: v.name,
            currency: v.currency.toUpperCase(),
            ...(v.kind === 'fixed' ? { amount: amount ?? 0 } : {}),
            ...(v.kind === 'range' ? { amount_range: { min: min ?? 0, max: max ?? 0 } } : {}),
            ...(v.kind === 'products' ? { retailer_ids: v.retailer_ids } : {}),
            ...(v.description ? { description: v.description } : {}),
            ...(v.max_payments ? { max_payments: Number(v.max_payments) } : {}),
            // datetime-local is the browser's local time; the API takes an ISO moment.
            ...(v.expires_at ? { expires_at: new Date(v.expires_at).toISOString() } : {}),
          },
          ...idem(key),
        }),
      ),
    { invalidate: [['checkout-links']], onSuccess: onClose },
  );
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => {
    setD({ ...d, [k]: e.target.value });
    save.renew();
  };
  const touched = d.kind === 'fixed' ? d.amount !== '' : d.kind === 'range' ? d.min !== '' && d.max !== '' : false;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) save.mutate(d);
  };
  return (
    <Dialog open title={t.addTitle} onClose={onClose} testId="checkout-link-dialog">
      <form onSubmit={submit}>
        <Field label={t.name} required maxLength={200} value={d.name} onChange={set('name')} />
        <Select label={t.kind} value={d.kind} onChange={set('kind')}>
          <option value="fixed">{t.fixed}</option>
          <option value="range">{t.range}</option>
          <option value="products">{t.products}</option>
        </Select>
        {d.kind !== 'products' ? <Field label={t.currency} required maxLength={3} value={d.currency} onChange={set('currency')} /> : null}
        {d.kind === 'fixed' ? (
          <Field label={t.amount} required inputMode="decimal" value={d.amount} onChange={set('amount')} aria-invalid={d.amount !== '' && !!problem} />
        ) : null}
        {d.kind === 'range' ? (
          <div className="row">
            <Field label={t.min} required inputMode="decimal" value={d.min} onChange={set('min')} />
            <Field label={t.max} required inputMode="decimal" value={d.max} onChange={set('max')} />
          </div>
        ) : null}
        {d.kind === 'products' ? (
          <fieldset className="choice">
            <legend>{t.pickProducts}</legend>
            {products.isPending ? <Loading /> : null}
            <ErrorNote error={products.error} />
            {products.data?.data.map((pr) => (
              <label key={pr.id} className="check">
                <input
                  type="checkbox"
                  checked={d.retailer_ids.includes(pr.retailer_id)}
                  onChange={(e) => {
                    setD({
                      ...d,
                      currency: pr.currency,
                      retailer_ids: e.target.checked ? [...d.retailer_ids, pr.retailer_id] : d.retailer_ids.filter((r) => r !== pr.retailer_id),
                    });
                    save.renew();
                  }}
                />
                {pr.name} · {formatMoney(pr.price, pr.currency, p.locale)}
              </label>
            ))}
          </fieldset>
        ) : null}
        {touched && problem ? <p className="note warn">{problem}</p> : null}
        <TextArea label={t.description} maxLength={1000} rows={2} value={d.description} onChange={set('description')} />
        <Field label={t.maxPayments} type="number" min={1} step={1} value={d.max_payments} onChange={set('max_payments')} />
        <Field label={t.expiresAt} type="datetime-local" value={d.expires_at} onChange={set('expires_at')} hint={t.expiresHint} />
        <ErrorNote error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending || !!problem || !d.name}>
            {t.save}
          </button>
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function CheckoutLinkPage() {
  const { id = '' } = useParams();
  const p = usePresentation();
  const can = useCan();
  const [copied, setCopied] = useState(false);
  const link = useQuery({
    queryKey: ['checkout-link', id],
    queryFn: () => body<CheckoutLink>(api.GET('/v1/checkout-links/{id}', { params: { path: { id } } })),
    refetchInterval: LIVE_MS,
  });
  const orders = useQuery({
    queryKey: ['orders', { checkout_link_id: id }],
    queryFn: () => body<List<Order>>(api.GET('/v1/orders', { params: { query: { checkout_link_id: id, limit: 50 } } })),
    refetchInterval: LIVE_MS,
    enabled: can('orders.read'),
  });
  const toggle = useAction(
    (active: boolean, key) => body<CheckoutLink>(api.PATCH('/v1/checkout-links/{id}', { params: { path: { id } }, body: { active }, ...idem(key) })),
    { invalidate: [['checkout-link', id], ['checkout-links']] },
  );
  return (
    <>
      <p>
        <Link to="/checkout-links">← {t.back}</Link>
      </p>
      <Loaded q={link}>
        {(l) => (
          <>
            <header className="page-head">
              <h1 data-testid="checkout-link-name">{l.name}</h1>
              <Badge value={t.states[l.state] ?? l.state} kind={l.state} />
              {can('catalog.write') ? (
                <button type="button" onClick={() => toggle.mutate(!l.active)} disabled={toggle.isPending} data-testid="toggle-link">
                  {l.active ? t.deactivate : t.activate}
                </button>
              ) : null}
            </header>
            <ErrorNote error={toggle.error} />
            <div className="two-col">
              <section className="card" aria-labelledby="link-h">
                <h2 id="link-h">{t.url}</h2>
                <p className="link-url">
                  <a href={l.url} target="_blank" rel="noreferrer" data-testid="link-url">
                    {l.url}
                  </a>
                </p>
                <div className="actions">
                  <button
                    type="button"
                    data-testid="copy-link"
                    onClick={() => {
                      void navigator.clipboard?.writeText(l.url).then(() => setCopied(true));
                    }}
                  >
                    {t.copy}
                  </button>
                  <span role="status" aria-live="polite" className="muted">
                    {copied ? t.copied : ''}
                  </span>
                </div>
                <img className="qr" src={l.qr_svg_url} alt={t.qr} width={200} height={200} data-testid="link-qr" />
              </section>
              <section className="card" aria-labelledby="details-h">
                <h2 id="details-h">{t.amount}</h2>
                <dl className="facts">
                  <dt>{t.amount}</dt>
                  <dd data-testid="link-amount">{linkAmount(l, p.locale)}</dd>
                  {l.description ? (
                    <>
                      <dt>{t.description.split(' (')[0]}</dt>
                      <dd>{l.description}</dd>
                    </>
                  ) : null}
                  <dt>{t.limit}</dt>
                  <dd>{l.max_payments !== null ? `${l.payments_captured} / ${l.max_payments}` : `${l.payments_captured} (${t.noLimit})`}</dd>
                  <dt>{t.expires}</dt>
                  <dd>{l.expires_at ? formatDateTime(l.expires_at, p) : t.never}</dd>
                  <dt>{t.created}</dt>
                  <dd>{formatDateTime(l.created_at, p)}</dd>
                </dl>
              </section>
            </div>
            {can('orders.read') ? (
              <section className="card" aria-labelledby="link-orders-h">
                <h2 id="link-orders-h">{t.ordersTitle}</h2>
                <Loaded q={orders} empty={t.noOrders} isEmpty={(d) => d.data.length === 0}>
                  {(d) => <OrdersTable orders={d.data} caption={t.ordersTitle} testId="link-orders" />}
                </Loaded>
              </section>
            ) : null}
          </>
        )}
      </Loaded>
    </>
  );
}
