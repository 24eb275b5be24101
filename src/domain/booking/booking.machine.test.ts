import { describe, expect, it } from 'vitest';
import {
  BOOKING_EVENT_FROM,
  BOOKING_EVENTS,
  BOOKING_STATUSES,
  BOOKING_TRANSITIONS,
  LIVE_BOOKING_STATUSES,
  transitionBooking,
  type BookingEvent,
  type BookingStatus,
} from './booking.machine.ts';

// Written out by hand from docs/flows.md §7, independently of the tables.
const EXPECTED_TABLE: Record<BookingStatus, BookingStatus[]> = {
  held: ['confirmed', 'expired', 'cancelled'],
  confirmed: ['cancelled'],
  expired: [],
  cancelled: [],
};

type Outcome = BookingStatus | 'unchanged' | 'refused';
// Rows: the booking's status; columns: the event. Only a held booking follows its order.
const EXPECTED: Record<BookingStatus, Record<BookingEvent, Outcome>> = {
  held: { 'order.paid': 'confirmed', 'order.expired': 'expired', 'order.canceled': 'cancelled', merchant_cancel: 'cancelled' },
  confirmed: { 'order.paid': 'unchanged', 'order.expired': 'unchanged', 'order.canceled': 'unchanged', merchant_cancel: 'cancelled' },
  expired: { 'order.paid': 'unchanged', 'order.expired': 'unchanged', 'order.canceled': 'unchanged', merchant_cancel: 'refused' },
  cancelled: { 'order.paid': 'unchanged', 'order.expired': 'unchanged', 'order.canceled': 'unchanged', merchant_cancel: 'unchanged' },
};

const cases = BOOKING_STATUSES.flatMap((from) => BOOKING_EVENTS.map((event) => ({ from, event, want: EXPECTED[from][event] })));

describe('booking status machine', () => {
  it('the table is exactly the one in docs/flows.md §7', () => {
    expect(BOOKING_TRANSITIONS).toEqual(EXPECTED_TABLE);
    expect(LIVE_BOOKING_STATUSES).toEqual(['held', 'confirmed']);
  });

  it('covers every status × event', () => {
    expect(cases).toHaveLength(4 * 4);
  });

  it.each(cases)('$from on $event → $want', ({ from, event, want }) => {
    const r = transitionBooking(from, event);
    if (want === 'refused') {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('invalid_transition');
      expect(r.error.details).toEqual({ from, to: 'cancelled', allowed: [] });
      expect(r.error.message).toMatch(/slot is already free/);
    } else if (want === 'unchanged') {
      expect(r).toEqual({ ok: true, value: { kind: 'unchanged', status: from } });
    } else {
      expect(r).toEqual({ ok: true, value: { kind: 'changed', from, to: want, records: `booking.${want}` } });
      expect(BOOKING_TRANSITIONS[from]).toContain(want);
    }
  });

  it('every move an event makes is in the transition table (and the table has no move no event makes)', () => {
    const made = new Set<string>();
    for (const event of BOOKING_EVENTS) {
      for (const from of BOOKING_EVENT_FROM[event]) {
        const r = transitionBooking(from, event);
        expect(r.ok && r.value.kind === 'changed').toBe(true);
        if (r.ok && r.value.kind === 'changed') made.add(`${from}→${r.value.to}`);
      }
    }
    const table = BOOKING_STATUSES.flatMap((from) => BOOKING_TRANSITIONS[from].map((to) => `${from}→${to}`));
    expect([...made].sort()).toEqual(table.sort());
  });

  it('is monotonic: replaying any event sequence twice ends where replaying it once does', () => {
    const apply = (s: BookingStatus, e: BookingEvent): BookingStatus => {
      const r = transitionBooking(s, e);
      return r.ok && r.value.kind === 'changed' ? r.value.to : s;
    };
    for (const a of BOOKING_EVENTS) {
      for (const b of BOOKING_EVENTS) {
        const once = apply(apply('held', a), b);
        expect(apply(apply(apply(apply('held', a), a), b), b)).toBe(once);
        // Once a booking leaves held, no order event moves it again.
        if (once !== 'held') for (const e of BOOKING_EVENTS.filter((x) => x.startsWith('order.'))) expect(apply(once, e)).toBe(once);
      }
    }
  });
});
