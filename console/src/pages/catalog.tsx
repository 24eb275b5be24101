// Catalog: the products (active and not), created and edited in a dialog, deactivated
// (hidden from customers, kept for past orders). Prices are typed as the currency writes them.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { List, Product } from '../api/types.ts';
import { formatMinor } from '../../../src/domain/money.ts';
import { formatMoney, parseAmount } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field, Select } from '../ui/field.tsx';
import { Empty, ErrorNote, Loading } from '../ui/states.tsx';

const t = {
  title: 'Catalog',
  add: 'Add a product',
  edit: 'Edit',
  editTitle: 'Edit product',
  addTitle: 'New product',
  deactivate: 'Deactivate',
  activate: 'Activate',
  name: 'Name',
  retailerId: 'Product code (retailer id)',
  description: 'Description',
  price: 'Price',
  currency: 'Currency',
  image: 'Image URL (https)',
  category: 'Category',
  goodsType: 'Goods type',
  physical: 'Physical goods (delivered: the customer gives an address)',
  digital: 'Digital goods or services',
  imageStatus: { pending: 'image being checked', ok: 'image ok', unreachable: 'image unreachable', not_an_image: 'not an image' } as Record<string, string>,
  active: 'Active (customers can order it)',
  save: 'Save',
  close: 'Close',
  show: 'Show',
  all: 'All',
  onlyActive: 'Active',
  onlyInactive: 'Inactive',
  none: 'No products yet.',
  badPrice: 'Enter a price such as 249.00',
  more: 'Load more',
  product: 'Product',
  status: 'Status',
  actions: 'Actions',
  noImage: 'No image',
};

interface Draft {
  id?: string;
  name: string;
  retailer_id: string;
  description: string;
  price: string;
  currency: string;
  image_url: string;
  category: string;
  goods_type: 'digital-goods' | 'physical-goods';
  active: boolean;
}

export function CatalogPage() {
  const p = usePresentation();
  const can = useCan();
  const [show, setShow] = useState<'' | 'true' | 'false'>('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const q = useInfiniteQuery({
    queryKey: ['products', show],
    queryFn: ({ pageParam }) =>
      body<List<Product>>(
        api.GET('/v1/products', { params: { query: { limit: 50, ...(show ? { active: show } : {}), ...(pageParam ? { starting_after: pageParam } : {}) } } }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
  });
  const toggle = useAction(
    (v: { id: string; active: boolean }, key) =>
      body(api.PATCH('/v1/products/{id}', { params: { path: { id: v.id } }, body: { active: v.active }, ...idem(key) })),
    { invalidate: [['products']] },
  );
  const products = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  const blank = (): Draft => ({
    name: '',
    retailer_id: '',
    description: '',
    price: '',
    currency: p.currency ?? 'INR',
    image_url: '',
    category: '',
    goods_type: 'physical-goods',
    active: true,
  });
  return (
    <>
      <header className="page-head">
        <h1>{t.title}</h1>
        {can('catalog.write') ? (
          <button type="button" className="primary" onClick={() => setDraft(blank())} data-testid="add-product">
            {t.add}
          </button>
        ) : null}
      </header>
      <form className="inline" onSubmit={(e) => e.preventDefault()}>
        <Select label={t.show} value={show} onChange={(e) => setShow(e.target.value as typeof show)}>
          <option value="">{t.all}</option>
          <option value="true">{t.onlyActive}</option>
          <option value="false">{t.onlyInactive}</option>
        </Select>
      </form>
      {q.isPending ? <Loading /> : null}
      <ErrorNote error={q.error ?? toggle.error} />
      {!q.isPending && !q.error && products.length === 0 ? <Empty>{t.none}</Empty> : null}
      {products.length ? (
        <table className="list" data-testid="products">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.product}</th>
              <th scope="col">{t.category}</th>
              <th scope="col" className="num">
                {t.price}
              </th>
              <th scope="col">{t.status}</th>
              {can('catalog.write') ? <th scope="col">{t.actions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {products.map((pr) => (
              <tr key={pr.id}>
                <td data-label={t.product}>
                  <span className="product">
                    {pr.image_url ? <img src={pr.image_url} alt="" width={40} height={40} loading="lazy" /> : null}
                    <span>
                      <strong>{pr.name}</strong>
                      <br />
                      <small className="muted">
                        {pr.retailer_id} · {pr.goods_type === 'physical-goods' ? t.physical.split(' (')[0] : t.digital}
                        {pr.image_status && pr.image_status !== 'ok' ? ` · ${t.imageStatus[pr.image_status] ?? pr.image_status}` : ''}
                      </small>
                    </span>
                  </span>
                </td>
                <td data-label={t.category}>{pr.category ?? '—'}</td>
                <td data-label={t.price} className="num">
                  {formatMoney(pr.price, pr.currency, p.locale)}
                </td>
                <td data-label={t.status}>
                  <Badge value={pr.active ? 'active' : 'inactive'} />
                </td>
                {can('catalog.write') ? (
                  <td data-label={t.actions}>
                    <span className="actions">
                      <button
                        type="button"
                        aria-label={`${t.edit} ${pr.name}`}
                        onClick={() =>
                          setDraft({
                            id: pr.id,
                            name: pr.name,
                            retailer_id: pr.retailer_id,
                            description: pr.description ?? '',
                            price: formatMinor(pr.price, pr.currency),
                            currency: pr.currency,
                            image_url: pr.image_url ?? '',
                            category: pr.category ?? '',
                            goods_type: pr.goods_type,
                            active: pr.active,
                          })
                        }
                      >
                        {t.edit}
                      </button>
                      <button
                        type="button"
                        aria-label={`${pr.active ? t.deactivate : t.activate} ${pr.name}`}
                        disabled={toggle.isPending}
                        onClick={() => toggle.mutate({ id: pr.id, active: !pr.active })}
                      >
                        {pr.active ? t.deactivate : t.activate}
                      </button>
                    </span>
                  </td>
                ) : null}
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
      {draft ? <ProductDialog draft={draft} onClose={() => setDraft(null)} /> : null}
    </>
  );
}

function ProductDialog({ draft, onClose }: { draft: Draft; onClose: () => void }) {
  const [d, setD] = useState(draft);
  const price = parseAmount(d.price, d.currency);
  const save = useAction(
    (v: Draft, key) => {
      const fields = {
        name: v.name,
        description: v.description || undefined,
        price: price ?? 0,
        image_url: v.image_url || undefined,
        category: v.category || null,
        goods_type: v.goods_type,
        active: v.active,
      };
      return v.id
        ? body(api.PATCH('/v1/products/{id}', { params: { path: { id: v.id } }, body: fields, ...idem(key) }))
        : body(api.POST('/v1/products', { body: { ...fields, retailer_id: v.retailer_id, currency: v.currency }, ...idem(key) }));
    },
    { invalidate: [['products']], onSuccess: onClose },
  );
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => {
    setD({ ...d, [k]: e.target.value });
    save.renew();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (price !== null) save.mutate(d);
  };
  return (
    <Dialog open title={d.id ? t.editTitle : t.addTitle} onClose={onClose} testId="product-dialog">
      <form onSubmit={submit}>
        <Field label={t.name} required maxLength={200} value={d.name} onChange={set('name')} />
        <Field label={t.retailerId} required maxLength={100} value={d.retailer_id} onChange={set('retailer_id')} disabled={!!d.id} />
        <Field label={t.description} maxLength={1000} value={d.description} onChange={set('description')} />
        <div className="row">
          <Field label={t.price} required inputMode="decimal" value={d.price} onChange={set('price')} aria-invalid={d.price !== '' && price === null} />
          <Field label={t.currency} required maxLength={3} value={d.currency} onChange={set('currency')} disabled={!!d.id} />
        </div>
        {d.price !== '' && price === null ? <p className="note warn">{t.badPrice}</p> : null}
        <Field label={t.image} type="url" value={d.image_url} onChange={set('image_url')} />
        <Field label={t.category} maxLength={100} value={d.category} onChange={set('category')} />
        <Select label={t.goodsType} value={d.goods_type} onChange={set('goods_type')}>
          <option value="physical-goods">{t.physical}</option>
          <option value="digital-goods">{t.digital}</option>
        </Select>
        <label className="check">
          <input type="checkbox" checked={d.active} onChange={(e) => setD({ ...d, active: e.target.checked })} />
          {t.active}
        </label>
        <ErrorNote error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending || price === null}>
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
