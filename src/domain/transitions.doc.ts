// Renders docs/state-machines.md from the tables the code enforces, so the docs cannot drift
// (transitions.doc.test.ts compares the committed file with this output).
// Regenerate with `npm run docs:transitions`.
import {
  CANCEL_BLOCKING_PAYMENT_STATUSES,
  ORDER_REVIEW_ACCEPT_EXIT,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  toWhatsAppOrderStatus,
  type OrderStatus,
} from './order/order.machine.ts';
import {
  ATTEMPT_STALE,
  ATTEMPT_STATUSES,
  ATTEMPT_TRANSITIONS,
  PAYMENT_STATUSES,
  PAYMENT_STATUS_RULES,
  PAYMENT_STATUS_TRANSITIONS,
  type AttemptStatus,
  type PaymentStatus,
} from './payment/payment.machine.ts';
import {
  BOOKING_EVENT_FROM,
  BOOKING_EVENT_REFUSED,
  BOOKING_EVENT_TARGET,
  BOOKING_EVENTS,
  BOOKING_STATUSES,
  BOOKING_TRANSITIONS,
  LIVE_BOOKING_STATUSES,
  type BookingStatus,
} from './booking/booking.machine.ts';

const code = (s: string): string => `\`${s}\``;
const list = (xs: readonly string[]): string => (xs.length === 0 ? '— (terminal)' : xs.map(code).join(', '));

function table<S extends string>(states: readonly S[], allowedTo: (s: S) => string, notes: (s: S) => string): string[] {
  return ['| from | allowed to | notes |', '|---|---|---|', ...states.map((s) => `| ${code(s)} | ${allowedTo(s)} | ${notes(s)} |`)];
}

const ORDER_NOTES: Record<OrderStatus, string> = {
  pending: 'Initial status (set by the bill); may move to any status.',
  processing: 'Equivalent to the shipping statuses: they move among themselves or to a terminal status.',
  partially_shipped: "Meta's tables also write `partially-shipped`.",
  shipped: 'Equivalent to `processing` and `partially_shipped`.',
  completed: 'Terminal.',
  canceled: 'Terminal, with one exit:',
};

function orderNotes(s: OrderStatus): string {
  const notes = [ORDER_NOTES[s]];
  const wa = toWhatsAppOrderStatus(s);
  if (wa !== s) notes.push(`WhatsApp: ${code(wa)}.`);
  if (ORDER_TRANSITIONS[s].includes('canceled')) {
    notes.push(`→ ${code('canceled')} refused while payment_status is ${CANCEL_BLOCKING_PAYMENT_STATUSES.map(code).join(', ')} (Meta error 2047).`);
  }
  if (s === ORDER_REVIEW_ACCEPT_EXIT.from) {
    notes.push(
      `→ ${code(ORDER_REVIEW_ACCEPT_EXIT.to)} only by accepting a late payment (\`review\` \`accept\`), recorded in the log; the customer is told by text.`,
    );
  }
  return notes.join(' ');
}

const ATTEMPT_NOTES: Record<AttemptStatus, string> = {
  created: 'Initial status.',
  pending: 'The customer started paying; the provider has not decided.',
  failed: 'May still be captured when the customer retries the same link.',
  expired: '→ `captured` is a late payment (the order goes to `manual_review`).',
  canceled: '→ `captured` is a late payment (the order goes to `manual_review`).',
  captured: 'Refunds are their own records. → `voided` only for a payment recorded by staff, by the owner (`record-payment/{id}/void`).',
  voided: 'Terminal: a recorded payment the owner voided; it no longer counts, and its ledger entry is reversed.',
};

function attemptNotes(s: AttemptStatus): string {
  const stale = ATTEMPT_STALE[s];
  return stale.length === 0 ? ATTEMPT_NOTES[s] : `${ATTEMPT_NOTES[s]} Stale, ignored: ${stale.map(code).join(', ')}.`;
}

const PAYMENT_NOTES: Record<PaymentStatus, string> = {
  unpaid: 'A new order: billed, nothing in flight.',
  pending: 'The customer started paying; the provider has not decided.',
  failed: 'The latest attempt failed; a retry on the same link may still be captured.',
  expired: 'A payment landing now is late and goes to review.',
  canceled: 'A payment landing now is late and goes to review.',
  manual_review: 'Resolved by `POST /v1/orders/{id}/review`: `accept` → `paid`, `refund` → `refunded`.',
  paid: 'The counted capture (or a payment recorded by staff). An extra capture and its refund do not change the status. → `unpaid` only when the owner voids the recorded payment that paid it.',
  partially_refunded: 'Another partial refund leaves it `partially_refunded` (unchanged).',
  refunded: 'Terminal.',
};

const BOOKING_NOTES: Record<BookingStatus, string> = {
  held: "Initial status: the deposit order's bill holds the slot.",
  confirmed: 'The deposit was paid. A paid deposit stays paid when the merchant cancels; refunding it is their call.',
  expired: "Terminal. A late payment goes to review and does not revive it: the slot may be someone else's.",
  cancelled: 'Terminal.',
};

function bookingNotes(s: BookingStatus): string {
  const notes = [BOOKING_NOTES[s]];
  notes.push(LIVE_BOOKING_STATUSES.includes(s) ? 'Takes its slot.' : 'The slot is free.');
  const moves = BOOKING_EVENTS.filter((e) => BOOKING_EVENT_FROM[e].includes(s)).map((e) => `${code(e)} → ${code(BOOKING_EVENT_TARGET[e].to)}`);
  if (moves.length > 0) notes.push(`Moved by ${moves.join(', ')}.`);
  const refused = BOOKING_EVENTS.filter((e) => BOOKING_EVENT_REFUSED[e]?.includes(s));
  if (refused.length > 0) notes.push(`${refused.map(code).join(', ')} is refused (409).`);
  return notes.join(' ');
}

export function renderTransitionsMarkdown(): string {
  const exit = ORDER_REVIEW_ACCEPT_EXIT;
  const lines = [
    '# State machines',
    '',
    '<!-- Generated by `npm run docs:transitions` from the code that enforces it',
    '     (src/domain/order/order.machine.ts, src/domain/payment/payment.machine.ts,',
    '     src/domain/booking/booking.machine.ts). Do not edit:',
    '     src/domain/transitions.doc.test.ts fails when this file and the code disagree. -->',
    '',
    'Generated by `npm run docs:transitions` from the code that enforces these transitions.',
    'Moving to the current status is always accepted and changes nothing (`unchanged`; re-posting an',
    "order's status is a 200 that sends nothing). Any other move not listed is refused with",
    '409 `invalid_transition`, whose `details` carry `from`, `to` and `allowed`.',
    '',
    '## Order `status`',
    '',
    "What WhatsApp's `order_status` shows (`POST /v1/orders/{id}/status`).",
    '',
    ...table(
      ORDER_STATUSES,
      (s) => (s === exit.from ? [...ORDER_TRANSITIONS[s].map(code), `${code(exit.to)} (review \`accept\` only)`].join(', ') : list(ORDER_TRANSITIONS[s])),
      orderNotes,
    ),
    '',
    '## Payment attempt `status`',
    '',
    'One bill or checkout of an order. Provider events arrive late, twice and out of order: an event',
    'whose status the attempt has already moved past is stale and ignored (`unchanged`); anything',
    'else not listed (back to `created`, `captured` → `canceled`/`expired`) is `invalid_transition`.',
    '',
    ...table(ATTEMPT_STATUSES, (s) => list(ATTEMPT_TRANSITIONS[s]), attemptNotes),
    '',
    '## Order `payment_status`',
    '',
    "Derived from the order's attempts, succeeded refunds and review; the first matching rule wins:",
    '',
    ...PAYMENT_STATUS_RULES.map((rule, i) => `${i + 1}. ${rule}`),
    '',
    ...table(
      PAYMENT_STATUSES,
      (s) => list(PAYMENT_STATUS_TRANSITIONS[s]),
      (s) => PAYMENT_NOTES[s],
    ),
    '',
    '## Booking `status`',
    '',
    'A booking follows its deposit order (`order.paid`, `order.expired`, `order.canceled`, in the',
    "order's transaction) or the merchant's cancel (`merchant_cancel`: `POST /v1/bookings/{id}/cancel`,",
    '`chatcart bookings cancel`). Only a held booking moves on an order event; any event that does not',
    'move the booking is stale or repeated and changes nothing (`unchanged`), except the refusals noted.',
    "Each move records `booking.<status>` in the deposit order's timeline.",
    '',
    ...table(BOOKING_STATUSES, (s) => list(BOOKING_TRANSITIONS[s]), bookingNotes),
    '',
  ];
  return lines.join('\n');
}
