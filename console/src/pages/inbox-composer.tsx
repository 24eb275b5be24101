// The thread's composer: a reply (free text inside WhatsApp's 24-hour window) or an internal
// note; outside the window only an approved template or an unpaid order's bill, and it says
// why. Inside the window: quick replies (typing "/" offers the saved answers whose shortcut
// starts with what follows), and tools to send a checkout link's URL, a catalog product, a
// product list or the whole catalog.
// In or out of the window: "Bill" (inbox-bill.tsx) makes a new order of catalog products and sends its bill.
// Every send carries an Idempotency-Key (one per intent: useAction).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { api, body, errorMessage } from '../api/client.ts';
import { idem, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { CheckoutLink, Conversation, List, Order, Product, QuickReply, Template } from '../api/types.ts';
import { formatMoney } from '../format.ts';
import { ErrorNote } from '../ui/states.tsx';
import { BillAction } from './inbox-bill.tsx';

const t = {
  windowClosed: 'The 24-hour reply window is closed',
  windowWhy: 'More than 24 hours have passed since the customer last wrote, so WhatsApp accepts only an approved template or a bill until they write again.',
  optedOut: 'This customer opted out of messages. They can opt in again by sending START.',
  reply: 'Reply',
  addNote: 'Internal note',
  mode: 'Write',
  message: 'Message',
  noteLabel: 'Note for your team (never sent to the customer)',
  send: 'Send',
  saveNote: 'Add note',
  template: 'Template',
  language: 'Language',
  sendTemplate: 'Send template',
  bill: 'Bill for an order',
  sendBill: 'Send bill',
  noBills: 'No unpaid order to bill.',
  quickReplies: 'Quick replies',
  noQuickReplies: 'No quick reply starts with that.',
  quickHint: 'Type / for quick replies',
  tools: 'Send',
  link: 'Checkout link',
  sendLink: 'Send link',
  product: 'Product',
  sendProduct: 'Send product',
  listProducts: 'Products for a list (up to 30)',
  listHeader: 'List title',
  listHeaderDefault: 'Picked for you',
  sendList: 'Send list',
  catalogBody: 'Browse our catalog and send us your cart.',
  sendCatalog: 'Send the catalog',
};

/** The "/shortcut" being typed at the end of the text, or null. */
export function typedShortcut(text: string): string | null {
  const m = /(?:^|\s)\/([a-z0-9_-]{0,32})$/i.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

type Payload =
  | { type: 'text'; body: string }
  | { type: 'template'; name: string; language: string }
  | { type: 'order_bill'; order_id: string }
  | { type: 'product'; retailer_id: string }
  | { type: 'product_list'; header: string; retailer_ids: string[] }
  | { type: 'catalog'; body: string };

export function Composer({ c, windowOpen }: { c: Conversation; windowOpen: boolean }) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const invalidate = [['conversation', c.id], ['conversations'], ['conversation-messages', c.id]];
  const send = useAction(
    (v: Payload, key) => {
      const common = { customer: c.customer.id };
      const payload =
        v.type === 'text'
          ? { ...common, type: 'text' as const, text: { body: v.body } }
          : v.type === 'template'
            ? { ...common, type: 'template' as const, template: { name: v.name, language: v.language } }
            : v.type === 'product'
              ? { ...common, type: 'product' as const, product: { retailer_id: v.retailer_id } }
              : v.type === 'product_list'
                ? { ...common, type: 'product_list' as const, product_list: { header: v.header, sections: [{ retailer_ids: v.retailer_ids }] } }
                : v.type === 'catalog'
                  ? { ...common, type: 'catalog' as const, catalog: { body: v.body } }
                  : { ...common, type: 'order_bill' as const, order_bill: { order_id: v.order_id } };
      return body(api.POST('/v1/messages', { body: payload, ...idem(key) }));
    },
    { invalidate, onSuccess: (_r, v) => (v.type === 'text' ? setText('') : undefined) },
  );
  const note = useAction(
    (v: string, key) => body(api.POST('/v1/conversations/{id}/notes', { params: { path: { id: c.id } }, body: { body: v }, ...idem(key) })),
    { invalidate, onSuccess: () => setText('') },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (mode === 'note') note.mutate(text);
    else send.mutate({ type: 'text', body: text });
  };
  const optedOut = !!c.customer.opted_out_at;
  const canText = mode === 'note' || (windowOpen && !optedOut);
  const area = useRef<HTMLTextAreaElement>(null);
  const shortcut = mode === 'reply' && canText ? typedShortcut(text) : null;
  const quick = useQuery({
    queryKey: ['quick-replies', shortcut ?? ''],
    queryFn: () => body<List<QuickReply>>(api.GET('/v1/quick-replies', { params: { query: { limit: 8, ...(shortcut ? { prefix: shortcut } : {}) } } })),
    enabled: shortcut !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const insert = (q: QuickReply) => {
    setText((prev) => prev.replace(/\/[a-z0-9_-]*$/i, q.text));
    send.renew();
    area.current?.focus();
  };
  return (
    <div className="composer" data-testid="composer">
      <fieldset className="segmented" aria-label={t.mode}>
        {(['reply', 'note'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {m === 'reply' ? t.reply : t.addNote}
          </label>
        ))}
      </fieldset>
      {mode === 'reply' && optedOut ? <p className="note warn">{t.optedOut}</p> : null}
      {mode === 'reply' && !windowOpen && !optedOut ? (
        <div className="note warn" data-testid="window-closed">
          <strong>{t.windowClosed}.</strong> {t.windowWhy}
        </div>
      ) : null}
      {canText ? (
        <form onSubmit={submit} className={mode === 'note' ? 'composer-form composer-note' : 'composer-form'}>
          <div className="field">
            <label htmlFor="composer-text">{mode === 'note' ? t.noteLabel : t.message}</label>
            <textarea
              ref={area}
              id="composer-text"
              aria-describedby={mode === 'reply' ? 'composer-hint' : undefined}
              value={text}
              maxLength={mode === 'note' ? 4000 : 4096}
              rows={3}
              onChange={(e) => {
                setText(e.target.value);
                send.renew();
                note.renew();
              }}
              onKeyDown={(e) => {
                const first = quick.data?.data[0];
                if (shortcut !== null && first && (e.key === 'Tab' || (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.shiftKey))) {
                  e.preventDefault();
                  insert(first);
                  return;
                }
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
              }}
            />
            {mode === 'reply' ? (
              <small id="composer-hint" className="muted">
                {t.quickHint}
              </small>
            ) : null}
          </div>
          {shortcut !== null ? (
            <div className="quick-replies" data-testid="quick-replies">
              <p className="muted">{t.quickReplies}</p>
              {quick.error ? <ErrorNote error={quick.error} /> : null}
              {quick.data && quick.data.data.length === 0 ? <p className="muted">{t.noQuickReplies}</p> : null}
              <ul className="plain">
                {quick.data?.data.map((q) => (
                  <li key={q.id}>
                    <button type="button" className="quick-reply" onClick={() => insert(q)} data-testid="quick-reply">
                      <strong>/{q.shortcut}</strong> <span>{q.text}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <button type="submit" className="primary" disabled={send.isPending || note.isPending || !text.trim()} data-testid="send">
            {mode === 'note' ? t.saveNote : t.send}
          </button>
        </form>
      ) : null}
      {mode === 'reply' && !optedOut ? (
        <div className="composer-bill">
          <BillAction c={c} />
        </div>
      ) : null}
      {mode === 'reply' && windowOpen && !optedOut ? <SellingTools send={send} /> : null}
      {mode === 'reply' && !windowOpen && !optedOut ? <OutsideWindow c={c} send={send} /> : null}
      <ErrorNote error={mode === 'note' ? note.error : send.error} />
    </div>
  );
}

type Send = { mutate: (v: Payload) => void; isPending: boolean };

/** Inside the window: a checkout link's URL (sent as text) or a catalog product (a product message). */
function SellingTools({ send }: { send: Send }) {
  const can = useCan();
  const p = usePresentation();
  const [link, setLink] = useState('');
  const [product, setProduct] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [header, setHeader] = useState(t.listHeaderDefault);
  const links = useQuery({
    queryKey: ['checkout-links', 'composer'],
    queryFn: () => body<List<CheckoutLink>>(api.GET('/v1/checkout-links', { params: { query: { limit: 100 } } })),
    enabled: can('catalog.read'),
    staleTime: 30_000,
  });
  const products = useQuery({
    queryKey: ['products', 'active-picklist'],
    queryFn: () => body<List<Product>>(api.GET('/v1/products', { params: { query: { limit: 100, active: 'true' } } })),
    enabled: can('catalog.read'),
    staleTime: 30_000,
  });
  if (!can('catalog.read')) return null;
  const active = (links.data?.data ?? []).filter((l) => l.state === 'active');
  const chosen = active.find((l) => l.id === link);
  return (
    <div className="selling-tools" data-testid="selling-tools">
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) send.mutate({ type: 'text', body: `${chosen.name}: ${chosen.url}` });
        }}
      >
        <div className="field">
          <label htmlFor="send-link">{t.link}</label>
          <select id="send-link" value={link} onChange={(e) => setLink(e.target.value)}>
            <option value="">—</option>
            {active.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={send.isPending || !chosen} data-testid="send-link">
          {t.sendLink}
        </button>
      </form>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (product) send.mutate({ type: 'product', retailer_id: product });
        }}
      >
        <div className="field">
          <label htmlFor="send-product">{t.product}</label>
          <select id="send-product" value={product} onChange={(e) => setProduct(e.target.value)}>
            <option value="">—</option>
            {(products.data?.data ?? []).map((pr) => (
              <option key={pr.id} value={pr.retailer_id}>
                {pr.name} · {formatMoney(pr.price, pr.currency, p.locale)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={send.isPending || !product} data-testid="send-product">
          {t.sendProduct}
        </button>
      </form>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (picked.length && header.trim()) send.mutate({ type: 'product_list', header: header.trim(), retailer_ids: picked });
        }}
      >
        <div className="field">
          <label htmlFor="send-list-products">{t.listProducts}</label>
          <select
            id="send-list-products"
            multiple
            size={4}
            value={picked}
            onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value).slice(0, 30))}
          >
            {(products.data?.data ?? []).map((pr) => (
              <option key={pr.id} value={pr.retailer_id}>
                {pr.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="send-list-header">{t.listHeader}</label>
          <input id="send-list-header" value={header} maxLength={60} onChange={(e) => setHeader(e.target.value)} />
        </div>
        <button type="submit" disabled={send.isPending || picked.length === 0 || !header.trim()} data-testid="send-list">
          {t.sendList}
        </button>
      </form>
      <button type="button" disabled={send.isPending} data-testid="send-catalog" onClick={() => send.mutate({ type: 'catalog', body: t.catalogBody })}>
        {t.sendCatalog}
      </button>
      <ErrorNote error={links.error ?? products.error} />
    </div>
  );
}

/** Outside the window: an approved template, or the bill of one of the customer's unpaid orders. */
function OutsideWindow({ c, send }: { c: Conversation; send: Send }) {
  const can = useCan();
  const p = usePresentation();
  // Only approved templates: the list is the server's stored copy, kept current by WhatsApp's status webhook.
  const approved = useQuery({
    queryKey: ['templates', 'approved'],
    queryFn: () => body<List<Template>>(api.GET('/v1/templates', { params: { query: { status: 'approved' } } })),
    staleTime: 60_000,
  });
  const orders = useQuery({
    queryKey: ['customer-orders', c.customer.id, 'unpaid'],
    queryFn: () =>
      body<List<Order>>(api.GET('/v1/orders', { params: { query: { customer: c.customer.id, status: 'pending', payment_status: 'unpaid', limit: 10 } } })),
    enabled: can('orders.read'),
  });
  const templates = (approved.data?.data ?? []).filter((v) => v.status === 'approved');
  const [tpl, setTpl] = useState({ name: '', language: 'en_US' });
  const [order, setOrder] = useState('');
  const unpaid = orders.data?.data ?? [];
  return (
    <div className="outside-window">
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (tpl.name) send.mutate({ type: 'template', ...tpl });
        }}
      >
        <div className="field">
          <label htmlFor="tpl-name">{t.template}</label>
          <input
            id="tpl-name"
            list="tpl-known"
            value={tpl.name}
            onChange={(e) => {
              const found = templates.find((x) => x.name === e.target.value);
              setTpl({ name: e.target.value, language: found?.language ?? tpl.language });
            }}
            pattern="[a-z0-9_]+"
            autoComplete="off"
          />
          <datalist id="tpl-known">
            {templates.map((x) => (
              <option key={`${x.name}:${x.language}`} value={x.name} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="tpl-lang">{t.language}</label>
          <input id="tpl-lang" value={tpl.language} onChange={(e) => setTpl({ ...tpl, language: e.target.value })} size={6} />
        </div>
        <button type="submit" disabled={send.isPending || !tpl.name}>
          {t.sendTemplate}
        </button>
      </form>
      {can('orders.read') ? (
        unpaid.length ? (
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              if (order) send.mutate({ type: 'order_bill', order_id: order });
            }}
          >
            <div className="field">
              <label htmlFor="bill-order">{t.bill}</label>
              <select id="bill-order" value={order} onChange={(e) => setOrder(e.target.value)}>
                <option value="">—</option>
                {unpaid.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.reference_id} · {formatMoney(o.total, o.currency, p.locale)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={send.isPending || !order}>
              {t.sendBill}
            </button>
          </form>
        ) : (
          <p className="muted">{orders.error ? errorMessage(orders.error) : t.noBills}</p>
        )
      ) : null}
    </div>
  );
}
