// One conversation: its messages both ways with delivery ticks, internal notes (set apart,
// never sent), who has it, close / reopen, and the composer. Inside WhatsApp's 24-hour
// window the composer sends free text; outside it only a template or an order's bill, and
// it says why. Opening a conversation with unread messages marks it read (WhatsApp's read
// receipt goes to the customer).
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, body, errorMessage } from '../api/client.ts';
import { idem, useAction, useCan, useMe, usePresentation } from '../api/hooks.ts';
import type { Conversation, ConversationNote, List, Message, Order, User, WhatsAppSettings } from '../api/types.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { messageText } from '../ui/message-text.ts';
import { ErrorNote, Loading } from '../ui/states.tsx';
import { customerName } from './inbox.tsx';

const t = {
  back: '← Conversations',
  open: 'open',
  closed: 'closed',
  assignMe: 'Assign to me',
  unassign: 'Unassign',
  close: 'Close',
  reopen: 'Reopen',
  assignedYou: 'Assigned to you',
  assignedTo: (n: string) => `Assigned to ${n}`,
  teammate: 'a teammate',
  unassigned: 'Nobody has it yet',
  automationPaused: 'Automatic replies paused (a person replied)',
  windowOpen: (until: string, left: string) => `Reply window open until ${until} (${left} left)`,
  windowClosed: 'The 24-hour reply window is closed',
  windowWhy: 'More than 24 hours have passed since the customer last wrote, so WhatsApp accepts only an approved template or a bill until they write again.',
  optedOut: 'This customer opted out of messages. They can opt in again by sending START.',
  messages: 'Messages',
  noMessages: 'No messages yet.',
  note: 'Internal note · not sent',
  you: 'You',
  auto: 'Automatic',
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
  status: {
    queued: 'queued',
    sending: 'sending',
    sent: 'sent',
    delivered: 'delivered',
    read: 'read',
    failed: 'failed',
    received: 'received',
    skipped: 'not sent',
  } as Record<string, string>,
};

const TICKS: Record<string, string> = { queued: '🕓', sending: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!', skipped: '–' };

/** Re-renders every 30 s: the window's countdown. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(i);
  }, []);
  return now;
}

function left(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

export function Thread({ id, view }: { id: string; view: string }) {
  const p = usePresentation();
  const me = useMe().data;
  const can = useCan();
  const now = useNow();
  const conv = useQuery({ queryKey: ['conversation', id], queryFn: () => body<Conversation>(api.GET('/v1/conversations/{id}', { params: { path: { id } } })) });
  const msgs = useQuery({
    queryKey: ['conversation-messages', id],
    queryFn: () => body<List<Message>>(api.GET('/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: 100 } } })),
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => body<List<User>>(api.GET('/v1/users')),
    enabled: can('users.read'),
    staleTime: 60_000,
  });
  const invalidate = [['conversation', id], ['conversations'], ['conversation-messages', id]];
  const act = useAction(
    (what: 'assign' | 'unassign' | 'close' | 'reopen', key) => {
      const path = { params: { path: { id } }, ...idem(key) };
      if (what === 'assign') return body(api.POST('/v1/conversations/{id}/assign', { ...path, body: { assignee: me?.user?.id ?? null } }));
      if (what === 'unassign') return body(api.POST('/v1/conversations/{id}/assign', { ...path, body: { assignee: null } }));
      if (what === 'close') return body(api.POST('/v1/conversations/{id}/close', path));
      return body(api.POST('/v1/conversations/{id}/reopen', path));
    },
    { invalidate },
  );
  const read = useAction((_: undefined, key) => body(api.POST('/v1/conversations/{id}/read', { params: { path: { id } }, ...idem(key) })), {
    invalidate: [['conversations']],
  });
  // Mark read when opened, and again when a message arrives while it is open.
  const unread = conv.data?.unread_count ?? 0;
  const readPending = useRef(false);
  useEffect(() => {
    if (unread > 0 && !readPending.current) {
      readPending.current = true;
      read.mutate(undefined, { onSettled: () => (readPending.current = false) });
    }
  }, [unread, read]);

  // The newest message in view, as it arrives.
  const list = useRef<HTMLOListElement>(null);
  const count = (msgs.data?.data.length ?? 0) + (conv.data?.notes?.length ?? 0);
  useEffect(() => {
    if (count && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [count]);

  if (conv.isPending) return <Loading />;
  if (conv.error || !conv.data) return <ErrorNote error={conv.error} />;
  const c = conv.data;
  const expires = c.window_expires_at ? Date.parse(c.window_expires_at) : 0;
  const windowOpen = expires > now;
  const assignee = c.assigned_to
    ? c.assigned_to === me?.user?.id
      ? t.assignedYou
      : t.assignedTo(users.data?.data.find((u) => u.id === c.assigned_to)?.name || users.data?.data.find((u) => u.id === c.assigned_to)?.email || t.teammate)
    : t.unassigned;
  const entries = [
    ...(msgs.data?.data ?? []).map((m) => ({ at: m.created_at, key: m.id, m })),
    ...(c.notes ?? []).map((n) => ({ at: n.created_at, key: n.id, n })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  const author = (m: Message) => (m.sent_by ? (m.sent_by === me?.user?.id ? t.you : m.sent_by.startsWith('usr_') ? t.teammate : 'API') : t.auto);

  return (
    <section className="thread" aria-labelledby="thread-title" data-testid="thread">
      <Link to={`/inbox?view=${view}`} className="thread-back">
        {t.back}
      </Link>
      <header className="thread-head">
        <div>
          <h2 id="thread-title">{customerName(c.customer)}</h2>
          <p className="muted">
            <span className="badge">{c.status === 'open' ? t.open : t.closed}</span> {assignee}
            {c.automation === 'paused' ? ` · ${t.automationPaused}` : ''}
          </p>
        </div>
        <div className="actions">
          {c.assigned_to === me?.user?.id ? (
            <button type="button" onClick={() => act.mutate('unassign')} disabled={act.isPending}>
              {t.unassign}
            </button>
          ) : (
            <button type="button" onClick={() => act.mutate('assign')} disabled={act.isPending || !me?.user}>
              {t.assignMe}
            </button>
          )}
          {c.status === 'open' ? (
            <button type="button" onClick={() => act.mutate('close')} disabled={act.isPending} data-testid="close">
              {t.close}
            </button>
          ) : (
            <button type="button" onClick={() => act.mutate('reopen')} disabled={act.isPending}>
              {t.reopen}
            </button>
          )}
        </div>
      </header>
      <ErrorNote error={act.error} />
      <p className={`window ${windowOpen ? 'window-open' : 'window-closed'}`} data-testid="window">
        {windowOpen ? t.windowOpen(formatDateTime(new Date(expires), p), left(expires - now)) : t.windowClosed}
      </p>
      <h3 className="sr-only">{t.messages}</h3>
      {msgs.isPending ? <Loading /> : null}
      <ErrorNote error={msgs.error} />
      {!msgs.isPending && entries.length === 0 ? <p className="state">{t.noMessages}</p> : null}
      <ol className="bubbles" data-testid="messages" aria-live="polite" ref={list}>
        {entries.map((e) =>
          'm' in e && e.m ? (
            <MessageBubble key={e.key} m={e.m} author={author(e.m)} when={formatDateTime(e.at, p)} />
          ) : (
            <NoteBubble key={e.key} n={(e as { n: ConversationNote }).n} when={formatDateTime(e.at, p)} />
          ),
        )}
      </ol>
      <Composer c={c} windowOpen={windowOpen} />
    </section>
  );
}

function MessageBubble({ m, author, when }: { m: Message; author: string; when: string }) {
  const out = m.direction === 'outbound';
  const status = t.status[m.status] ?? m.status;
  return (
    <li
      className={`bubble ${out ? 'out' : 'in'}${m.status === 'failed' ? ' failed' : ''}`}
      data-testid={out ? 'message-out' : 'message-in'}
      data-status={m.status}
    >
      <p className="bubble-text">{messageText(m)}</p>
      <p className="bubble-meta">
        {out ? `${author} · ` : ''}
        <time>{when}</time>
        {out ? (
          <span className={`tick tick-${m.status}`} title={status}>
            <span aria-hidden="true"> {TICKS[m.status] ?? ''}</span>
            <span className="sr-only"> {status}</span>
          </span>
        ) : null}
      </p>
      {m.status === 'failed' && m.error ? (
        <p className="bubble-error">
          {status}: {m.error.title}
        </p>
      ) : null}
    </li>
  );
}

function NoteBubble({ n, when }: { n: ConversationNote; when: string }) {
  return (
    <li className="bubble note-bubble" data-testid="note">
      <p className="bubble-label">{t.note}</p>
      <p className="bubble-text">{n.body}</p>
      <p className="bubble-meta">
        <time>{when}</time>
      </p>
    </li>
  );
}

function Composer({ c, windowOpen }: { c: Conversation; windowOpen: boolean }) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const invalidate = [['conversation', c.id], ['conversations'], ['conversation-messages', c.id]];
  const send = useAction(
    (v: { type: 'text'; body: string } | { type: 'template'; name: string; language: string } | { type: 'order_bill'; order_id: string }, key) => {
      const common = { customer: c.customer.id };
      const payload =
        v.type === 'text'
          ? { ...common, type: 'text' as const, text: { body: v.body } }
          : v.type === 'template'
            ? { ...common, type: 'template' as const, template: { name: v.name, language: v.language } }
            : { ...common, type: 'order_bill' as const, order_bill: { order_id: v.order_id } };
      return body(api.POST('/v1/messages', { body: payload, ...idem(key) }));
    },
    { invalidate, onSuccess: () => setText('') },
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
              id="composer-text"
              value={text}
              maxLength={mode === 'note' ? 4000 : 4096}
              rows={3}
              onChange={(e) => {
                setText(e.target.value);
                send.renew();
                note.renew();
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
              }}
            />
          </div>
          <button type="submit" className="primary" disabled={send.isPending || note.isPending || !text.trim()} data-testid="send">
            {mode === 'note' ? t.saveNote : t.send}
          </button>
        </form>
      ) : null}
      {mode === 'reply' && !windowOpen && !optedOut ? <OutsideWindow c={c} send={send} /> : null}
      <ErrorNote error={mode === 'note' ? note.error : send.error} />
    </div>
  );
}

type Send = { mutate: (v: { type: 'template'; name: string; language: string } | { type: 'order_bill'; order_id: string }) => void; isPending: boolean };

/** Outside the window: an approved template, or the bill of one of the customer's unpaid orders. */
function OutsideWindow({ c, send }: { c: Conversation; send: Send }) {
  const can = useCan();
  const p = usePresentation();
  const settings = useQuery({
    queryKey: ['settings', 'whatsapp'],
    queryFn: () => body<WhatsAppSettings>(api.GET('/v1/settings/whatsapp')),
    enabled: can('settings'),
    staleTime: 60_000,
  });
  const orders = useQuery({
    queryKey: ['customer-orders', c.customer.id, 'unpaid'],
    queryFn: () =>
      body<List<Order>>(api.GET('/v1/orders', { params: { query: { customer: c.customer.id, status: 'pending', payment_status: 'unpaid', limit: 10 } } })),
    enabled: can('orders.read'),
  });
  const templates = Object.values(settings.data?.templates ?? {})
    .map((v) => v as { name?: string; language?: string })
    .filter((v): v is { name: string; language?: string } => typeof v?.name === 'string');
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
