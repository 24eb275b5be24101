// One timeline for an order: its event log, its WhatsApp messages (with their delivery
// status), payment attempts, refunds and ledger entries, merged by time. Disputes arrive
// as events of the log (payment.disputed, dispute.*), so they are in it too.
import { usePresentation } from '../api/hooks.ts';
import type { LedgerTransaction, Message, OrderEvent, Payment, Refund } from '../api/types.ts';
import { formatDateTime, formatMoney, humanize } from '../format.ts';
import { Badge } from '../ui/field.tsx';

const t = {
  title: 'Timeline',
  event: 'Event',
  message: 'WhatsApp',
  payment: 'Payment',
  refund: 'Refund',
  ledger: 'Ledger',
  bill: 'Bill',
  update: 'Order update',
  by: 'by',
  byKey: 'through the API',
  byUser: 'by a teammate',
  byCustomer: 'by the customer on WhatsApp',
  byProvider: 'by the payment provider (verified)',
  byJob: 'automatically',
  byCli: 'from the command line',
  inbound: 'from the customer',
  outbound: 'to the customer',
  attempt: 'Payment attempt',
  captured: 'Payment captured',
  none: 'Nothing has happened yet.',
};

interface Entry {
  at: string;
  key: string;
  kind: 'event' | 'message' | 'payment' | 'refund' | 'ledger';
  title: string;
  detail?: string | undefined;
  status?: string | undefined;
}

/** Who did it, in words: the source says more to a person than an internal id does. */
export const actorLabel = (e: Pick<OrderEvent, 'source' | 'actor'>): string => {
  const actor = e.actor ?? '';
  if (e.source === 'api') return actor.startsWith('usr_') ? t.byUser : t.byKey;
  if (e.source === 'whatsapp') return t.byCustomer;
  if (e.source === 'provider') return t.byProvider;
  if (e.source === 'cli') return t.byCli;
  return t.byJob;
};

const messageTitle = (m: Message) => {
  const purpose = m.purpose ?? '';
  const what =
    m.type === 'order_details' || purpose.startsWith('bill')
      ? t.bill
      : purpose.startsWith('update:')
        ? `${t.update}: ${humanize(purpose.slice(7))}`
        : humanize(purpose || m.type);
  return `${what} ${m.direction === 'inbound' ? t.inbound : t.outbound}`;
};

export function buildTimeline(
  x: { events: OrderEvent[]; messages: Message[]; payments: Payment[]; refunds: Refund[]; ledger: LedgerTransaction[] },
  money: (minor: number, currency: string) => string,
): Entry[] {
  const entries: Entry[] = [
    ...x.events.map((e): Entry => ({ at: e.created_at, key: e.id, kind: 'event', title: humanize(e.type), detail: actorLabel(e) })),
    ...x.messages.map(
      (m): Entry => ({
        at: m.created_at,
        key: m.id,
        kind: 'message',
        title: messageTitle(m),
        status: m.status,
        detail: m.error ? `${m.error.title} (${m.error.code})` : undefined,
      }),
    ),
    ...x.payments.flatMap((p): Entry[] => [
      {
        at: p.created_at,
        key: `${p.id}:c`,
        kind: 'payment',
        title: `${t.attempt} ${p.reference_id}`,
        detail: `${money(p.amount, p.currency)} · ${humanize(p.method)}`,
        status: p.status,
      },
      ...(p.captured_at
        ? [{ at: p.captured_at, key: `${p.id}:p`, kind: 'payment' as const, title: t.captured, detail: money(p.amount, p.currency), status: 'captured' }]
        : []),
    ]),
    ...x.refunds.map(
      (r): Entry => ({
        at: r.created_at,
        key: r.id,
        kind: 'refund',
        title: `${t.refund} ${money(r.amount, r.currency)}`,
        detail: r.failure_reason ?? r.reason ?? undefined,
        status: r.status,
      }),
    ),
    ...x.ledger.map(
      (l): Entry => ({
        // When we booked it (the provider's event_at has whole seconds only, and would sort before the payment).
        at: l.created_at,
        key: l.id,
        kind: 'ledger',
        title: `${t.ledger}: ${humanize(l.kind)}`,
        detail: l.postings.map((p) => `${p.side === 'debit' ? '+' : '−'}${money(Math.abs(p.amount), l.currency)} ${p.account}`).join(', '),
      }),
    ),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

const KIND_LABEL = { event: t.event, message: t.message, payment: t.payment, refund: t.refund, ledger: t.ledger };

export function Timeline({ entries }: { entries: Entry[] }) {
  const p = usePresentation();
  if (!entries.length) return <p className="state empty">{t.none}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.key} className={`tl-${e.kind}`} data-kind={e.kind}>
          <span className="tl-time">{formatDateTime(e.at, p)}</span>
          <span className="tl-kind">{KIND_LABEL[e.kind]}</span>
          <span className="tl-title">{e.title}</span>
          {e.status ? <Badge value={e.status} /> : null}
          {e.detail ? <span className="tl-detail">{e.detail}</span> : null}
        </li>
      ))}
    </ol>
  );
}

export const moneyOf = (locale: string) => (minor: number, currency: string) => formatMoney(minor, currency, locale);
