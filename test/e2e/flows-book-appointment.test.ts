// The book-appointment flow end to end in sandbox mode, through the real encrypted
// endpoint (requests encrypted with Node's crypto in test/support/flows.ts): SERVICE →
// DATE → DETAILS → SLOT with BACK, every answer checked against
// flows/book-appointment.flow.json; the final submit holds the slot and bills the
// deposit; paying it through the sandbox PSP confirms the booking. Also: twenty
// customers racing for the last slot (exactly one holds it, one order), and expiry and
// cancel freeing the slot.
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { getFlowToken } from '../../src/modules/flows/flows.repository.ts';
import { flowHarness, type FlowClient } from '../support/flows.ts';
import { payOrder } from '../support/pay.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let client: FlowClient;
const clock = new ManualClock(new Date());
const ZONE = 'Asia/Kolkata';
const customer = '919822233344';
const FILE = 'book-appointment.flow.json';
let haircut: any; // 10:00–13:00 Mon–Sat, 60-minute slots
let lastSlot: any; // one 10:00–11:00 slot a day, every day

const tomorrow = () => DateTime.fromJSDate(clock.now(), { zone: ZONE }).plus({ days: 1 }).toISODate()!;
const atLocal = (date: string, hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;

const h = flowHarness({ file: FILE, flow: 'book_appointment', clock, customer });
const { newToken, step, drain } = h;

/** SERVICE → DATE → DETAILS → SLOT for a service and date; returns the SLOT answer. */
async function toSlot(token: string, serviceId: string, date: string, name = 'Asha Rao') {
  await step(token, 'INIT');
  await step(token, 'data_exchange', 'SERVICE', { service: serviceId });
  await step(token, 'data_exchange', 'DATE', { date });
  return step(token, 'data_exchange', 'DETAILS', { name, note: '' });
}

const bookingsOf = (serviceId: string) =>
  s.ctx.db.query<{ id: string; status: string; order_id: string; flow_token: string }>(
    `select id, status, order_id, flow_token from bookings where service_id = $1 order by created_at`,
    [serviceId],
  );

beforeAll(async () => {
  ({ s, client } = await h.start('Can I book a haircut?', async (server) => {
    s = server;
    expect((await s.api('/v1/settings/booking', { method: 'PATCH', body: { time_zone: ZONE } })).status).toBe(200);
    const days = {
      mon: [['10:00', '13:00']],
      tue: [['10:00', '13:00']],
      wed: [['10:00', '13:00']],
      thu: [['10:00', '13:00']],
      fri: [['10:00', '13:00']],
      sat: [['10:00', '13:00']],
    };
    haircut = (await s.api('/v1/booking-services', { body: { name: 'Haircut', duration_minutes: 60, deposit: 20_000, currency: 'INR', weekly_hours: days } }))
      .body;
    const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['10:00', '11:00']]]));
    lastSlot = (await s.api('/v1/booking-services', { body: { name: 'Massage', duration_minutes: 60, deposit: 50_000, currency: 'INR', weekly_hours: every } }))
      .body;
    expect(lastSlot.id).toMatch(/^svc_/);
  }));
});
afterAll(async () => {
  await s?.close();
});

describe('book appointment flow', () => {
  it('walks service, date, details and time with BACK, holds the slot, and a paid deposit confirms it', async () => {
    const token = await newToken();
    const first = await step(token, 'INIT');
    expect(first.screen).toBe('SERVICE');
    expect(first.data.services.map((x: any) => x.title)).toEqual(['Haircut', 'Massage']);
    expect(first.data.services[0].description).toBe('60 min · deposit ₹200.00');

    // A screen this token was never shown is not accepted.
    const skip = await client.step(token, 'data_exchange', 'SLOT', { slot: 'x' });
    expect(skip.screen).toBe('SERVICE');
    expect(skip.data.error_message).toMatch(/continue from this screen/);

    const date = await step(token, 'data_exchange', 'SERVICE', { service: haircut.id });
    expect(date.screen).toBe('DATE');
    const today = DateTime.fromJSDate(clock.now(), { zone: ZONE });
    expect(date.data.min_date).toBe(today.toISODate());
    expect(date.data.max_date).toBe(today.plus({ days: 13 }).toISODate());
    // Sundays are closed: every Sunday in the window is unavailable.
    const sundays = Array.from({ length: 14 }, (_, i) => today.plus({ days: i }))
      .filter((d) => d.weekday === 7)
      .map((d) => d.toISODate());
    for (const d of sundays) expect(date.data.unavailable_dates).toContain(d);
    expect(date.data.date_note).toBe('Times are in Asia/Kolkata.');

    const bad = await step(token, 'data_exchange', 'DATE', { date: '2020-01-01' });
    expect(bad.screen).toBe('DATE');
    expect(bad.data.error_message).toMatch(/No free times/);
    const open = [1, 2, 3]
      .map((i) => today.plus({ days: i }))
      .find((d) => d.weekday !== 7)!
      .toISODate()!;
    const details = await step(token, 'data_exchange', 'DATE', { date: open });
    expect(details.screen).toBe('DETAILS');
    expect(details.data.summary_text).toContain('Haircut');

    expect((await step(token, 'BACK')).screen).toBe('DATE');
    await step(token, 'data_exchange', 'DATE', { date: open });
    const noName = await step(token, 'data_exchange', 'DETAILS', { name: '  ', note: '' });
    expect(noName.data.error_message).toBe('Please enter your name.');
    const slot = await step(token, 'data_exchange', 'DETAILS', { name: 'Asha Rao', note: 'Short on the sides' });
    expect(slot.screen).toBe('SLOT');
    expect(slot.data.slots.map((x: any) => x.title)).toEqual(['10:00', '11:00', '12:00']);
    expect(slot.data.slots[0]).toEqual({ id: atLocal(open, '10:00'), title: '10:00', description: 'until 11:00' });
    expect(slot.data.deposit_text).toContain('₹200.00');

    // BACK from SLOT shows DETAILS with what the customer typed (refresh_on_back).
    const back = await step(token, 'BACK');
    expect(back.screen).toBe('DETAILS');
    expect(back.data).toMatchObject({ name: 'Asha Rao', note: 'Short on the sides' });
    expect((await step(token, 'data_exchange', 'DETAILS', { name: 'Asha Rao', note: 'Short on the sides' })).screen).toBe('SLOT');

    // A time that is not offered (made up by the phone) is refused like a taken one.
    const fake = await step(token, 'data_exchange', 'SLOT', { slot: atLocal(open, '10:30') });
    expect(fake.screen).toBe('SLOT');
    expect(fake.data.error_message).toBe('That time was just taken. Please choose another.');

    const done = await step(token, 'data_exchange', 'SLOT', { slot: atLocal(open, '11:00'), deposit: 1 });
    expect(done.screen).toBe('SUCCESS');
    const params = done.data.extension_message_response.params;
    expect(params).toMatchObject({ flow_token: token, starts_at: atLocal(open, '11:00'), deposit: '₹200.00' });
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('completed');

    const booking = (await s.api(`/v1/bookings/${params.booking_id}`)).body;
    expect(booking).toMatchObject({
      object: 'booking',
      status: 'held',
      service_id: haircut.id,
      customer: { wa_id: customer, name: 'Asha Rao' },
      note: 'Short on the sides',
      time_zone: ZONE,
      order_id: params.order_id,
    });
    expect(booking.starts_at).toBe(atLocal(open, '11:00'));
    expect(booking.ends_at).toBe(atLocal(open, '12:00'));
    expect(booking.starts_at_local).toBe(`${open}T11:00:00.000+05:30`);
    const order = (await s.api(`/v1/orders/${params.order_id}`)).body;
    expect(order).toMatchObject({
      total: 20_000,
      currency: 'INR',
      status: 'pending',
      payment_status: 'unpaid',
      metadata: { flow: 'book_appointment', booking_id: booking.id },
    });
    expect(booking.hold_expires_at).toBe(order.expires_at);
    expect(new Date(order.expires_at).getTime() - clock.now().getTime()).toBeLessThanOrEqual(30 * 60_000);

    // The slot is gone for the next customer; a second completion with the token is 427.
    const again = await client.send({ version: '3.0', action: 'data_exchange', screen: 'SLOT', flow_token: token, data: { slot: atLocal(open, '11:00') } });
    expect(again.status).toBe(427);
    const other = await toSlot(await newToken(), haircut.id, open, 'Ravi');
    expect(other.data.slots.map((x: any) => x.title)).toEqual(['10:00', '12:00']);

    // The deposit bill goes out; the customer pays it through the sandbox PSP.
    await drain();
    const bill = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((m: any) => m.purpose === 'bill' && m.order_id === order.id);
    expect(bill).toBeTruthy();
    await payOrder(s, order.payment.url, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${order.id}`)).body).toMatchObject({ payment_status: 'paid', status: 'processing' });
    expect((await s.api(`/v1/bookings/${booking.id}`)).body.status).toBe('confirmed');
    const types = (await s.api(`/v1/orders/${order.id}/events?limit=100`)).body.data.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['order.created', 'booking.held', 'order.paid', 'booking.confirmed']));
    expect((await s.api(`/v1/bookings?status=confirmed`)).body.data.map((b: any) => b.id)).toContain(booking.id);
    // The customer is told the appointment, in the business's time zone, not "we are preparing it".
    const paidText = JSON.stringify((await s.api(`/v1/messages?wa_id=${customer}`)).body.data.filter((m: any) => m.purpose === 'update:paid'));
    expect(paidText).toContain(`Payment of ₹200.00 received for order ${order.reference_id}. Thank you! Your Haircut is confirmed for`);
    expect(paidText).toContain('11:00 am IST at Demo Shop. See you then!');
    expect(paidText).not.toContain('preparing');
  });

  it('twenty customers race for the last slot: exactly one holds it, the others see SLOT again', async () => {
    const day = tomorrow();
    const slotId = atLocal(day, '10:00');
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) tokens.push(await newToken(`9198000000${String(i).padStart(2, '0')}`));
    for (const [i, t] of tokens.entries()) {
      const slot = await toSlot(t, lastSlot.id, day, `Customer ${i}`);
      expect(slot.data.slots.map((x: any) => x.id)).toEqual([slotId]);
    }
    const replies = await Promise.all(
      tokens.map((t) => client.send({ version: '3.0', action: 'data_exchange', screen: 'SLOT', flow_token: t, data: { slot: slotId } })),
    );
    expect(replies.map((r) => r.status)).toEqual(tokens.map(() => 200));
    const won = replies.filter((r) => r.json.screen === 'SUCCESS');
    const lost = replies.filter((r) => r.json.screen === 'SLOT');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) {
      expect(r.json.data.error_message).toBe('That time was just taken. Please choose another.');
      expect(r.json.data.slots).toEqual([{ id: 'none', title: 'Nothing to choose', enabled: false }]); // fresh: the last slot is held
      expect(r.json.data.has_slots).toBe(false);
    }
    const rows = await bookingsOf(lastSlot.id);
    expect(rows.filter((b) => b.status === 'held')).toHaveLength(1);
    expect(rows).toHaveLength(1);
    const orders = await s.ctx.db.query(`select id from orders where merchant_id = $1 and metadata->>'service_id' = $2`, [s.merchantId, lastSlot.id]);
    expect(orders).toEqual([{ id: rows[0]!.order_id }]);
    // The losers' tokens are still active: they can go back and choose another date.
    const loser = tokens.find((t) => t !== rows[0]!.flow_token)!;
    expect((await getFlowToken(s.ctx.db, loser))!.status).toBe('active');
  });

  it('an unpaid deposit expires: the booking expires and the slot is free again', async () => {
    const day = tomorrow();
    const [held] = (await bookingsOf(lastSlot.id)).filter((b) => b.status === 'held');
    expect(held).toBeTruthy();
    clock.advance(31 * 60_000);
    await drain();
    expect((await s.api(`/v1/orders/${held!.order_id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'expired' });
    expect((await s.api(`/v1/bookings/${held!.id}`)).body.status).toBe('expired');
    const types = (await s.api(`/v1/orders/${held!.order_id}/events?limit=100`)).body.data.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['order.expired', 'booking.expired']));

    const token = await newToken();
    const slot = await toSlot(token, lastSlot.id, day);
    expect(slot.data.slots.map((x: any) => x.id)).toEqual([atLocal(day, '10:00')]);
    const done = await step(token, 'data_exchange', 'SLOT', { slot: atLocal(day, '10:00') });
    expect(done.screen).toBe('SUCCESS');

    // The merchant cancels it: the unpaid deposit order is cancelled with it, the slot frees up.
    const id = done.data.extension_message_response.params.booking_id;
    const c = await s.api(`/v1/bookings/${id}/cancel`, { body: { reason: 'closed that day' } });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.status).toBe('cancelled');
    expect((await s.api(`/v1/orders/${done.data.extension_message_response.params.order_id}`)).body.status).toBe('canceled');
    const again = await toSlot(await newToken(), lastSlot.id, day);
    expect(again.data.slots).toHaveLength(1);
    expect((await s.api(`/v1/bookings?status=expired&service_id=${lastSlot.id}`)).body.data.map((b: any) => b.id)).toEqual([held!.id]);
  });

  it('the nfm_reply webhook finds the booking, or makes it once from server state; a taken slot is refused', async () => {
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    const secret = await whatsappAppSecret(s.ctx, s.ctx.db);
    let n = 0;
    const deliver = async (responseJson: Record<string, unknown>) => {
      const message = {
        context: { from: settings.display_phone_number, id: 'wamid.flowmessage' },
        from: customer,
        id: `wamid.bookingnfm${++n}${Date.now().toString(36)}`,
        timestamp: String(Math.floor(clock.now().getTime() / 1000)),
        type: 'interactive',
        interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(responseJson) } },
      };
      const value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: settings.display_phone_number, phone_number_id: settings.phone_number_id },
        contacts: [{ profile: { name: 'Asha' }, wa_id: customer }],
        messages: [message],
      };
      const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: settings.waba_id, changes: [{ value, field: 'messages' }] }] });
      const sig = `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
      const res = await fetch(`${s.base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
        body: raw,
      });
      expect(res.status, await res.text()).toBe(200);
      await drain();
    };
    const day = DateTime.fromJSDate(clock.now(), { zone: ZONE }).plus({ days: 2 }).toISODate()!;
    const startsAt = atLocal(day, '10:00');
    const byToken = (t: string) => s.ctx.db.query<{ id: string; status: string }>(`select id, status from bookings where flow_token = $1`, [t]);

    // SLOT was shown but its submit never reached us: the webhook books from the stored state.
    const a = await newToken();
    await toSlot(a, lastSlot.id, day, 'Meera');
    const b = await newToken();
    expect((await toSlot(b, lastSlot.id, day)).data.slots.map((x: any) => x.id)).toEqual([startsAt]);
    await deliver({ flow_token: a, starts_at: startsAt, deposit: '₹0.01' });
    const made = await byToken(a);
    expect(made).toMatchObject([{ status: 'held' }]);
    expect((await s.api(`/v1/bookings/${made[0]!.id}`)).body).toMatchObject({ customer: { name: 'Meera' }, starts_at: startsAt });
    expect((await getFlowToken(s.ctx.db, a))!.status).toBe('completed');
    await deliver({ flow_token: a, starts_at: startsAt });
    expect(await byToken(a)).toHaveLength(1);

    // Another customer's completion for the same time: refused, nothing made.
    await deliver({ flow_token: b, starts_at: startsAt });
    expect(await byToken(b)).toEqual([]);
    expect(
      (await s.ctx.db.query(`select id from bookings where service_id = $1 and starts_at = $2 and status in ('held', 'confirmed')`, [lastSlot.id, startsAt]))
        .length,
    ).toBe(1);
  });

  it('a service withdrawn mid-flow is answered on DATE (no DATE → SERVICE route); with no services nothing can be tapped, and no data source is empty', async () => {
    const setActive = async (id: string, active: boolean) =>
      expect((await s.api(`/v1/booking-services/${id}`, { method: 'PATCH', body: { active } })).status).toBe(200);
    const t = await newToken();
    await step(t, 'INIT');
    await step(t, 'data_exchange', 'SERVICE', { service: haircut.id });
    await setActive(haircut.id, false);
    try {
      const a = await step(t, 'data_exchange', 'DATE', { date: tomorrow() });
      expect(a.screen).toBe('DATE');
      expect(a.data.error_message).toBe('That service is no longer offered. Go back to choose another.');

      await setActive(lastSlot.id, false);
      const first = await step(await newToken(), 'INIT');
      expect(first.screen).toBe('SERVICE');
      expect(first.data).toMatchObject({ has_services: false, intro: 'Nothing can be booked right now.' });
      // One disabled option under a hidden Dropdown; the Footer is disabled by has_services.
      expect(first.data.services).toEqual([{ id: 'none', title: 'Nothing to choose', enabled: false }]);
    } finally {
      await setActive(haircut.id, true);
      await setActive(lastSlot.id, true);
    }
  });
});
