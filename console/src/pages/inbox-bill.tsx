// A bill from the chat: the "Bill" action of the composer opens a dialog where the agent picks
// active catalog products and quantities (catalog prices only: what every role may bill), sees
// the total in the business locale, and sends it: POST /v1/orders with send: true and an
// Idempotency-Key. The bill message then arrives in the thread through the console's stream.
// The bill carries no payment method: the server bills with the merchant's default payment
// (else a payment link), which every role gets, though only some can read it (the dialog
// names it when GET /v1/settings/whatsapp is readable).
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { Conversation, List, Product, WhatsAppSettings } from '../api/types.ts';
import { formatMoney } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { ErrorNote, Loading } from '../ui/states.tsx';

const t = {
  open: 'Bill',
  title: 'Bill the customer',
  explain: 'Choose catalog products and quantities. The bill is sent to the customer in this chat; they pay from WhatsApp.',
  quantity: (name: string) => `Quantity of ${name}`,
  total: 'Total',
  nothing: 'Choose at least one product.',
  noProducts: 'No active product in the catalog to bill.',
  send: 'Send bill',
  cancel: 'Cancel',
  method: 'Payment',
  methods: {
    payment_link: 'Payment link',
    whatsapp_gateway: 'Pay in WhatsApp',
    whatsapp_upi: 'UPI in WhatsApp',
    cash_on_delivery: 'Cash on delivery',
  } as Record<string, string>,
  shopDefault: "The shop's usual way to pay",
};

type Method = 'payment_link' | 'whatsapp_gateway' | 'whatsapp_upi' | 'cash_on_delivery';
const MAX_QTY = 99;

/** The "Bill" button of the composer and its dialog (only for roles that create orders). */
export function BillAction({ c, onSent }: { c: Conversation; onSent?: () => void }) {
  const can = useCan();
  const [open, setOpen] = useState(false);
  if (!can('orders.create') || !can('catalog.read') || c.customer.opted_out_at) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} data-testid="bill-open">
        {t.open}
      </button>
      {open ? (
        <BillDialog
          c={c}
          onClose={() => setOpen(false)}
          onSent={() => {
            setOpen(false);
            onSent?.();
          }}
        />
      ) : null}
    </>
  );
}

/** The bill's total in minor units (catalog prices × quantities). */
export function billTotal(products: readonly Pick<Product, 'retailer_id' | 'price'>[], qty: Readonly<Record<string, number>>): number {
  return products.reduce((sum, pr) => sum + pr.price * (qty[pr.retailer_id] ?? 0), 0);
}

function BillDialog({ c, onClose, onSent }: { c: Conversation; onClose: () => void; onSent: () => void }) {
  const can = useCan();
  const p = usePresentation();
  const products = useQuery({
    queryKey: ['products', 'active-picklist'],
    queryFn: () => body<List<Product>>(api.GET('/v1/products', { params: { query: { limit: 100, active: 'true' } } })),
    staleTime: 30_000,
  });
  const settings = useQuery({
    queryKey: ['settings', 'whatsapp'],
    queryFn: () => body<WhatsAppSettings>(api.GET('/v1/settings/whatsapp')),
    enabled: can('settings'),
    staleTime: 60_000,
  });
  const [qty, setQty] = useState<Record<string, number>>({});
  const all = products.data?.data ?? [];
  // One bill, one currency: the business currency, else the first product's.
  const currency = p.currency ?? all[0]?.currency ?? null;
  const list = all.filter((pr) => pr.currency === currency);
  const total = billTotal(list, qty);
  const items = list.filter((pr) => (qty[pr.retailer_id] ?? 0) > 0).map((pr) => ({ retailer_id: pr.retailer_id, quantity: qty[pr.retailer_id]! }));
  // Named only when the role can read it; the server applies it either way.
  const method = can('settings') ? (((settings.data?.default_payment?.method as Method | undefined) ?? 'payment_link') satisfies Method) : null;
  const send = useAction(
    (_v: null, key) =>
      body(
        api.POST('/v1/orders', {
          body: { customer: c.customer.id, currency: currency!, items, send: true },
          ...idem(key),
        }),
      ),
    {
      invalidate: [['conversation', c.id], ['conversations'], ['conversation-messages', c.id], ['customer-orders', c.customer.id], ['orders']],
      onSuccess: onSent,
    },
  );
  const setQuantity = (retailerId: string, n: number) => {
    setQty((q) => ({ ...q, [retailerId]: Math.max(0, Math.min(MAX_QTY, Number.isFinite(n) ? Math.trunc(n) : 0)) }));
    send.renew();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (items.length && currency) send.mutate(null);
  };
  return (
    <Dialog open title={t.title} onClose={onClose} testId="bill-dialog">
      <form onSubmit={submit}>
        <p>{t.explain}</p>
        {products.isPending ? <Loading /> : null}
        <ErrorNote error={products.error} />
        {products.data && list.length === 0 ? <p className="muted">{t.noProducts}</p> : null}
        {list.length ? (
          <table className="bill-items">
            <tbody>
              {list.map((pr) => (
                <tr key={pr.id}>
                  <th scope="row">{pr.name}</th>
                  <td className="num">{formatMoney(pr.price, pr.currency, p.locale)}</td>
                  <td>
                    <input
                      type="number"
                      min={0}
                      max={MAX_QTY}
                      step={1}
                      inputMode="numeric"
                      aria-label={t.quantity(pr.name)}
                      value={qty[pr.retailer_id] ?? 0}
                      onChange={(e) => setQuantity(pr.retailer_id, e.target.valueAsNumber)}
                      className="qty"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p className="bill-total" data-testid="bill-total">
          {t.total}: <strong>{currency ? formatMoney(total, currency, p.locale) : '—'}</strong>
        </p>
        <p className="muted">
          {t.method}: {method ? (t.methods[method] ?? method) : t.shopDefault}
        </p>
        {items.length === 0 && list.length ? <p className="muted">{t.nothing}</p> : null}
        <ErrorNote error={send.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!items.length || send.isPending} data-testid="bill-send">
            {t.send}
          </button>
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
