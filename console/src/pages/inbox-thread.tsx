// One conversation: its messages both ways with delivery ticks, internal notes (set apart,
// never sent), who has it, close / reopen, and the composer. Inside WhatsApp's 24-hour
// window the composer sends free text; outside it only a template or an order's bill, and
// it says why. Opening a conversation with unread messages marks it read (WhatsApp's read
// receipt goes to the customer).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan, useMe, usePresentation } from '../api/hooks.ts';
import type { Conversation, ConversationNote, List, Message, User } from '../api/types.ts';
import { formatDateTime } from '../format.ts';
import { messageText } from '../ui/message-text.ts';
import { ErrorNote, Loading } from '../ui/states.tsx';
import { customerName } from './inbox.tsx';
import { Composer } from './inbox-composer.tsx';

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
  messages: 'Messages',
  noMessages: 'No messages yet.',
  note: 'Internal note · not sent',
  you: 'You',
  auto: 'Automatic',
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
      {m.media ? <MessageMedia media={m.media} /> : null}
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

const INLINE = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** What a customer sent as a file: the picture itself, or a download (served as an attachment, never rendered). */
function MessageMedia({ media }: { media: NonNullable<Message['media']> }) {
  if (media.status === 'pending') return <p className="bubble-media">Fetching the {media.kind} from WhatsApp…</p>;
  if (media.status !== 'stored' || !media.url) {
    const why = media.status === 'too_large' ? 'too large to keep' : 'could not be fetched';
    return (
      <p className="bubble-media">
        The {media.kind} {why}
        {media.note ? ` (${media.note})` : ''}
      </p>
    );
  }
  if ((media.kind === 'image' || media.kind === 'sticker') && media.mime_type && INLINE.has(media.mime_type)) {
    return <img className="bubble-image" src={media.url} alt={`${media.kind} the customer sent`} loading="lazy" />;
  }
  const kb = media.size ? ` · ${Math.max(1, Math.round(media.size / 1024))} KB` : '';
  return (
    <p className="bubble-media">
      <a href={media.url} download>
        Download the {media.kind}
        {kb}
      </a>
    </p>
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
