// The book-an-appointment flow (Flow JSON: flows/book-appointment.flow.json).
// SERVICE → DATE (DatePicker: the next days_ahead dates, full ones unavailable) →
// DETAILS (name, optional note) → SLOT (live free times; submitting holds the slot,
// creates the deposit order and sends its bill, then completes).
//
// The time is chosen on the last screen on purpose: availability is read and the slot
// held in consecutive requests, and the routing stays forward-only (as order-food's).
// A customer who loses the race for a time gets SLOT again, with "That time was just
// taken" and the times still free; nothing was written for them.
//
// Nothing from the phone is a fact: service, date and slot are ids checked against the
// server's state on every submit; deposits, names of services and times come from us.
import { z } from 'zod';
import { describeDate, isLocalDate, localTime } from '../../../domain/booking/availability.ts';
import { getBookingByFlowToken, getBookingService, listBookingServices, type BookingServiceRow } from '../../bookings/index.ts';
import type { Tx } from '../../../platform/store/db.ts';
import { createBookingFromToken, offeredDates, openSlots } from '../../bookings/index.ts';
import { getBookingSettings } from '../../bookings/index.ts';
import { businessPresentation } from '../../merchants/index.ts';
import { screen, type FlowCall, type FlowCompletion, type FlowDefinition, type FlowStep } from './flow.types.ts';
import { clip, MAX_OPTIONS, money } from './order-food.menu.ts';

const stateSchema = z.object({
  service_id: z.string().nullable(),
  date: z.string().nullable(),
  name: z.string().max(200),
  note: z.string().max(500),
});
export type BookAppointmentState = z.infer<typeof stateSchema>;

const inputs = {
  service: z.object({ service: z.string().min(1).max(64) }),
  date: z.object({ date: z.string().max(40) }),
  details: z.object({ name: z.string().max(200).optional().default(''), note: z.string().max(500).nullish() }),
  slot: z.object({ slot: z.string().min(1, 'choose a time').max(64) }),
};

const goto = (screenId: string, state: BookAppointmentState, error?: string): FlowStep<BookAppointmentState> => ({
  kind: 'goto',
  screen: screenId,
  state,
  error,
});

async function activeServices(tx: Tx, merchantId: string): Promise<BookingServiceRow[]> {
  return (await listBookingServices(tx, merchantId, { limit: MAX_OPTIONS, active: true })).slice(0, MAX_OPTIONS).sort((a, b) => a.name.localeCompare(b.name));
}

async function serviceOf(tx: Tx, merchantId: string, s: BookAppointmentState): Promise<BookingServiceRow | undefined> {
  if (!s.service_id) return undefined;
  const svc = await getBookingService(tx, merchantId, s.service_id);
  return svc?.active ? svc : undefined;
}

const dayText = (date: string | null, zone: string) => (date ? `${describeDate(date)} (${zone})` : '');

// The nfm_reply webhook: normally SLOT's data_exchange made the booking before the
// customer saw SUCCESS, and this finds it. If not, the same createBookingFromToken runs on
// the stored service, date and name; the response's starts_at is only a slot id, checked
// against live availability like the phone's own submit.
async function completeFromWebhook(call: FlowCall<BookAppointmentState>, response: Record<string, unknown>): Promise<FlowCompletion> {
  const existing = await getBookingByFlowToken(call.tx, call.merchantId, call.token);
  if (existing) return { status: 'exists', ref: existing.id };
  const s = call.state;
  const slotId = typeof response['starts_at'] === 'string' ? response['starts_at'] : null;
  if (!s.service_id || !s.date || !s.name || !slotId) return { status: 'refused', note: 'the flow never reached SLOT: nothing to book' };
  const r = await createBookingFromToken(call.ctx, call.tx, {
    merchantId: call.merchantId,
    customerId: call.customerId,
    waId: call.waId,
    token: call.token,
    serviceId: s.service_id,
    date: s.date,
    slotId,
    customerName: s.name,
    note: s.note || null,
  });
  if (r.ok && (r.value.kind === 'created' || r.value.kind === 'existing'))
    return { status: r.value.kind === 'created' ? 'created' : 'exists', ref: r.value.booking.id };
  const why = !r.ok ? r.error.message : r.value.kind === 'unavailable' ? r.value.message : 'that time was just taken';
  return { status: 'refused', note: why, reply: clip(`We could not hold your appointment: ${why} Open the booking again to choose another time.`, 1000) };
}

// A data source is never an empty array (WhatsApp refuses one): when there is nothing to
// choose, one disabled option, under a Dropdown that is hidden and a Footer that is disabled.
const NOTHING_TO_CHOOSE = { id: 'none', title: 'Nothing to choose', enabled: false };

export const bookAppointment: FlowDefinition<BookAppointmentState> = {
  name: 'book_appointment',
  metaFlowName: 'chatcart_book_appointment',
  firstScreen: 'SERVICE',
  ttlSeconds: 24 * 3600,
  message: { cta: 'Book now', body: 'Pick a time that suits you and hold it with a small deposit.', header: 'Book an appointment' },
  state: stateSchema,
  initialState: () => ({ service_id: null, date: null, name: '', note: '' }),
  onCompleted: completeFromWebhook,
  screens: {
    SERVICE: screen({
      async render({ tx, merchantId }) {
        const services = await activeServices(tx, merchantId);
        const { locale } = await businessPresentation(tx, merchantId);
        return {
          services: services.length
            ? services.map((v) => ({
                id: v.id,
                title: clip(v.name, 30),
                description: clip(`${v.duration_minutes} min · deposit ${money(v.deposit, v.currency, locale)}`, 300),
              }))
            : [NOTHING_TO_CHOOSE],
          has_services: services.length > 0,
          intro: services.length ? 'What would you like to book?' : 'Nothing can be booked right now.',
        };
      },
      input: inputs.service,
      async submit({ tx, merchantId, state }, input) {
        const svc = await serviceOf(tx, merchantId, { ...state, service_id: input.service });
        if (!svc) return goto('SERVICE', state, 'That service is no longer offered.');
        return goto('DATE', { ...state, service_id: svc.id, date: null });
      },
    }),

    DATE: screen({
      back: 'SERVICE',
      async render({ tx, merchantId, state, now }) {
        const svc = await serviceOf(tx, merchantId, state);
        const settings = await getBookingSettings(tx, merchantId);
        if (!svc) return { service_title: 'Go back to choose a service.', min_date: '', max_date: '', unavailable_dates: [], date_note: '' };
        const d = await offeredDates(tx, svc, settings, now);
        return {
          service_title: clip(svc.name, 80),
          min_date: d.min_date,
          max_date: d.max_date,
          unavailable_dates: d.unavailable,
          date_note: d.available.length ? `Times are in ${settings.time_zone}.` : `No free times in the next ${settings.days_ahead} days.`,
        };
      },
      input: inputs.date,
      async submit({ tx, merchantId, state, now }, input) {
        const svc = await serviceOf(tx, merchantId, state);
        // DATE → SERVICE is not in the routing model: say so here; the customer goes back.
        if (!svc) return goto('DATE', { ...state, service_id: null }, 'That service is no longer offered. Go back to choose another.');
        if (!isLocalDate(input.date)) return goto('DATE', state, 'Please choose a date.');
        const settings = await getBookingSettings(tx, merchantId);
        if (!(await openSlots(tx, svc, settings, now, input.date)).length) return goto('DATE', state, 'No free times that day. Please choose another date.');
        return goto('DETAILS', { ...state, date: input.date });
      },
    }),

    DETAILS: screen({
      back: 'DATE',
      async render({ tx, merchantId, state }) {
        const svc = await serviceOf(tx, merchantId, state);
        const settings = await getBookingSettings(tx, merchantId);
        return { summary_text: svc ? `${clip(svc.name, 80)}, ${dayText(state.date, settings.time_zone)}` : '', name: state.name, note: state.note };
      },
      input: inputs.details,
      async submit({ state }, input) {
        const name = input.name.trim();
        const note = (input.note ?? '').trim();
        if (!name) return goto('DETAILS', { ...state, note }, 'Please enter your name.');
        return goto('SLOT', { ...state, name, note });
      },
    }),

    SLOT: screen({
      back: 'DETAILS',
      async render({ tx, merchantId, state, now }) {
        const svc = await serviceOf(tx, merchantId, state);
        const settings = await getBookingSettings(tx, merchantId);
        const slots = svc && state.date ? await openSlots(tx, svc, settings, now, state.date) : [];
        const { locale } = await businessPresentation(tx, merchantId);
        return {
          summary_text: svc ? `${clip(svc.name, 80)}, ${dayText(state.date, settings.time_zone)}` : 'Go back to choose a service.',
          deposit_text: svc
            ? `Deposit to hold your time: ${money(svc.deposit, svc.currency, locale)}. Unpaid holds are released after ${settings.hold_minutes} minutes.`
            : '',
          slots: slots.length
            ? slots.slice(0, MAX_OPTIONS).map((s) => ({ id: s.id, title: s.time, description: `until ${localTime(s.ends_at, settings.time_zone)}` }))
            : [NOTHING_TO_CHOOSE],
          has_slots: slots.length > 0,
          slot_note: slots.length ? 'Choose a time.' : 'No free times left that day. Go back to choose another date.',
        };
      },
      input: inputs.slot,
      async submit(call, input) {
        const { tx, merchantId, state } = call;
        if (!state.service_id || !state.date || !state.name) return goto('SLOT', state, 'Please go back and check your details.');
        const r = await createBookingFromToken(call.ctx, tx, {
          merchantId,
          customerId: call.customerId,
          waId: call.waId,
          token: call.token,
          serviceId: state.service_id,
          date: state.date,
          slotId: input.slot,
          customerName: state.name,
          note: state.note || null,
        });
        if (!r.ok) return goto('SLOT', state, clip(`We could not take this booking: ${r.error.message}`, 300));
        const o = r.value;
        if (o.kind === 'taken') return goto('SLOT', state, 'That time was just taken. Please choose another.');
        if (o.kind === 'unavailable') return goto('SLOT', state, o.message);
        return {
          kind: 'complete',
          state,
          params: {
            booking_id: o.booking.id,
            order_id: o.order.id,
            ...(o.referenceId ? { reference_id: o.referenceId } : {}),
            starts_at: o.booking.starts_at.toISOString(),
            deposit: money(o.order.total, o.order.currency, (await businessPresentation(tx, merchantId)).locale),
          },
        };
      },
    }),
  },
};
