// Live updates: one EventSource on GET /v1/stream for the whole console. An event carries a
// type and ids only; the console refetches what it names through the API (where the role
// rules apply). EventSource resumes by itself with Last-Event-ID after a dropped connection;
// when the server refused or ended the stream (a 401, a role change), a new one is opened a
// little later from the last position received.
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

// EventSource delivers named events only to listeners of that name: every type the stream sends.
const TYPES = [
  'message.received',
  'message.status',
  'conversation.updated',
  ...['created', 'paid', 'paid_late', 'canceled', 'expired', 'status_changed', 'bill_created', 'bill_sent', 'review_resolved', 'shipping_address_added'].map(
    (t) => `order.${t}`,
  ),
  ...['authorized', 'pending', 'captured', 'failed', 'canceled', 'checkout_created', 'manual_review', 'extra_captured'].map((t) => `payment.${t}`),
  ...['created', 'pending', 'succeeded', 'failed'].map((t) => `refund.${t}`),
  ...['held', 'confirmed', 'expired', 'cancelled'].map((t) => `booking.${t}`),
];

export interface LiveEvent {
  type: string;
  conversation_id?: string;
  message_id?: string;
  order_id?: string;
}

/** What to read again after an event: the queries that show what it names. */
export function refresh(qc: QueryClient, e: LiveEvent): void {
  const inv = (queryKey: unknown[]) => void qc.invalidateQueries({ queryKey });
  if (e.type === 'message.received' || e.type === 'conversation.updated' || e.type === 'message.status') {
    inv(['conversations']);
    if (e.conversation_id) {
      inv(['conversation', e.conversation_id]);
      inv(['conversation-messages', e.conversation_id]);
    }
    if (e.type === 'message.status' && e.message_id) inv(['order']); // an order's timeline shows its messages' ticks
    return;
  }
  if (e.type.startsWith('booking.')) inv(['bookings']);
  if (e.type.startsWith('order.') || e.type.startsWith('payment.') || e.type.startsWith('refund.') || e.type.startsWith('booking.')) {
    inv(['orders']);
    inv(['customer-orders']);
    if (e.order_id) inv(['order', e.order_id]);
    inv(['report']);
  }
}

/** Keeps one stream open while someone is signed in. */
export function useLiveUpdates(enabled: boolean): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let last = '';
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const onEvent = (ev: MessageEvent<string>) => {
      if (ev.lastEventId) last = ev.lastEventId;
      try {
        refresh(qc, JSON.parse(ev.data) as LiveEvent);
      } catch {
        /* not ours */
      }
    };
    const open = () => {
      source = new EventSource(`/v1/stream${last ? `?last_event_id=${encodeURIComponent(last)}` : ''}`, { withCredentials: true });
      for (const t of TYPES) source.addEventListener(t, onEvent as EventListener);
      source.onerror = () => {
        // CLOSED: refused or ended by the server (EventSource does not retry then): open again later.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          // Refused: a position too old to resume from (410 position_expired) or a session gone.
          // Start afresh, without Last-Event-ID, and read again what is shown.
          if (last) {
            last = '';
            void qc.invalidateQueries();
          }
          retry = setTimeout(open, 5000);
        }
      };
      source.onopen = () => {
        // Anything missed while no stream was open is read again once.
        if (last) void qc.invalidateQueries({ queryKey: ['conversations'] });
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [enabled, qc]);
}
