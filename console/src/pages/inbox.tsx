// Inbox: the conversations, newest activity first (open, mine, unassigned, unread, closed),
// and the open thread beside them with the customer's panel. On a phone the list and the
// thread are two screens. Live: the console's stream (api/live.ts) refetches what changed.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, body } from '../api/client.ts';
import { usePresentation } from '../api/hooks.ts';
import type { Conversation, List } from '../api/types.ts';
import { formatDateTime } from '../format.ts';
import { Empty, ErrorNote, Loading } from '../ui/states.tsx';
import { CustomerPanel } from './inbox-customer.tsx';
import { Thread } from './inbox-thread.tsx';

const t = {
  title: 'Inbox',
  views: 'Show',
  more: 'Load more',
  unread: (n: number) => `${n} unread`,
  you: 'you',
  closed: 'closed',
  assigned: 'assigned',
  pick: 'Choose a conversation.',
  none: {
    open: 'No open conversations. A customer who writes to your WhatsApp number appears here.',
    mine: 'No open conversation is assigned to you.',
    unassigned: 'Every open conversation has someone.',
    unread: 'Nothing unread.',
    closed: 'No closed conversations.',
  },
};

export const VIEWS = [
  { key: 'open', label: 'Open', query: { status: 'open' } },
  { key: 'mine', label: 'Mine', query: { status: 'open', assigned_to: 'me' } },
  { key: 'unassigned', label: 'Unassigned', query: { status: 'open', assigned_to: 'none' } },
  { key: 'unread', label: 'Unread', query: { unread: 'true' } },
  { key: 'closed', label: 'Closed', query: { status: 'closed' } },
] as const;
type View = (typeof VIEWS)[number]['key'];

/** Who a customer is, in words: their name, else their number, else their username. */
export function customerName(c: Conversation['customer']): string {
  return c.name || (c.wa_id ? `+${c.wa_id}` : c.username ? `@${c.username}` : 'WhatsApp customer');
}

export function InboxPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const view = (VIEWS.find((v) => v.key === params.get('view'))?.key ?? 'open') as View;
  return (
    <div className={`inbox${id ? ' has-thread' : ''}`}>
      <section className="inbox-list" aria-labelledby="inbox-title">
        <h1 id="inbox-title">{t.title}</h1>
        <nav className="tabs inbox-views" aria-label={t.views}>
          {VIEWS.map((v) => (
            <Link key={v.key} to={`/inbox?view=${v.key}`} className={v.key === view ? 'active' : undefined} aria-current={v.key === view ? 'page' : undefined}>
              {v.label}
            </Link>
          ))}
        </nav>
        <ConversationList view={view} selected={id} />
      </section>
      {id ? (
        <>
          <Thread id={id} view={view} />
          <CustomerPanel conversationId={id} />
        </>
      ) : (
        <p className="state inbox-pick">{t.pick}</p>
      )}
    </div>
  );
}

function ConversationList({ view, selected }: { view: View; selected: string | undefined }) {
  const p = usePresentation();
  const query = VIEWS.find((v) => v.key === view)!.query;
  const q = useInfiniteQuery({
    queryKey: ['conversations', 'list', view],
    queryFn: ({ pageParam }) =>
      body<List<Conversation>>(
        api.GET('/v1/conversations', { params: { query: { ...query, limit: 30, ...(pageParam ? { starting_after: pageParam } : {}) } } }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
  });
  const list = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorNote error={q.error} />;
  if (list.length === 0) return <Empty>{t.none[view]}</Empty>;
  return (
    <>
      <ul className="conversations" data-testid="conversations">
        {list.map((c) => (
          <li key={c.id} className={c.id === selected ? 'selected' : undefined}>
            <Link to={`/inbox/${c.id}?view=${view}`} aria-current={c.id === selected ? 'true' : undefined} data-testid="conversation">
              <span className="cv-top">
                <strong className="cv-name">{customerName(c.customer)}</strong>
                <time className="cv-time" dateTime={c.last_activity_at}>
                  {formatDateTime(c.last_activity_at, p)}
                </time>
              </span>
              <span className="cv-bottom">
                <span className="cv-preview">
                  {c.last_message?.direction === 'out' ? '↩ ' : ''}
                  {c.last_message?.preview ?? ''}
                </span>
                {c.unread_count > 0 ? (
                  <span className="unread" role="status">
                    <span aria-hidden="true">{c.unread_count}</span>
                    <span className="sr-only">{t.unread(c.unread_count)}</span>
                  </span>
                ) : null}
              </span>
              {c.status === 'closed' || c.assigned_to ? (
                <span className="cv-tags">
                  {c.status === 'closed' ? <span className="badge">{t.closed}</span> : null}
                  {c.assigned_to ? <span className="badge">{t.assigned}</span> : null}
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {t.more}
        </button>
      ) : null}
    </>
  );
}
