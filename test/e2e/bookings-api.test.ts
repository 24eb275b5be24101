// The booking resources over HTTP: booking settings (IANA time zone checked), booking
// services (create, list, get, patch with idempotency), bookings (list filters, get,
// cancel), every bad input a 4xx in the error envelope, and one merchant never seeing
// another's services or bookings. Also the late payment rule: money arriving after a
// hold expired sends the order to review and leaves the booking expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { createBookingFromToken } from '../../src/modules/bookings/bookings.hold.ts';
import { inTransaction } from '../../src/platform/context.ts';
import { applyCapture } from '../../src/modules/payments/payments.apply.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant, walk } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { webhookRunner } from '../support/webhook-runner.ts';

let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;
const clock = new ManualClock(new Date('2026-03-30T00:00:00Z')); // Monday 05:30 in Kolkata
const service = { name: 'Haircut', duration_minutes: 30, deposit: 20_000, currency: 'INR', weekly_hours: { mon: [['09:00', '12:00']] } };

beforeAll(async () => {
  s = await startTestServer({ clock });
  other = await otherMerchant(s);
});
afterAll(async () => {
  await s?.close();
});

describe('booking settings', () => {
  it('defaults to UTC and takes an IANA time zone', async () => {
    expect((await s.api('/v1/settings/booking')).body).toEqual({
      object: 'booking_settings',
      time_zone: 'UTC',
      min_lead_minutes: 60,
      days_ahead: 14,
      hold_minutes: 30,
    });
    expectValidation(await s.api('/v1/settings/booking', { method: 'PATCH', body: { time_zone: 'Mars/Olympus' } }), 'time_zone');
    expectValidation(await s.api('/v1/settings/booking', { method: 'PATCH', body: { days_ahead: 0 } }), 'days_ahead');
    expectValidation(await s.api('/v1/settings/booking', { method: 'PATCH', body: { surprise: 1 } }), 'surprise');
    const r = await s.api('/v1/settings/booking', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata', hold_minutes: 20 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ time_zone: 'Asia/Kolkata', hold_minutes: 20, days_ahead: 14 });
    // One time zone: the business one.
    expect((await s.api('/v1/settings/business')).body.time_zone).toBe('Asia/Kolkata');
    // The other merchant's settings are its own.
    expect((await s.api('/v1/settings/booking', { key: other.key })).body.time_zone).toBe('UTC');
  });
});

describe('booking services', () => {
  it('creates, lists, gets and patches; slot_minutes defaults to the duration', async () => {
    const r = await s.api('/v1/booking-services', { body: service, headers: { 'idempotency-key': 'svc-1' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      object: 'booking_service',
      name: 'Haircut',
      duration_minutes: 30,
      slot_minutes: 30,
      deposit: 20_000,
      currency: 'INR',
      active: true,
      weekly_hours: { mon: [['09:00', '12:00']] },
    });
    const replay = await s.api('/v1/booking-services', { body: service, headers: { 'idempotency-key': 'svc-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(r.body.id);
    for (let i = 0; i < 3; i++) expect((await s.api('/v1/booking-services', { body: { ...service, name: `Extra ${i}`, active: i !== 0 } })).status).toBe(201);
    const pages = await walk(s, '/v1/booking-services', 2);
    expect(pages.ids).toHaveLength(4);
    expect((await s.api('/v1/booking-services?active=false')).body.data.map((x: any) => x.name)).toEqual(['Extra 0']);
    expect((await s.api(`/v1/booking-services/${r.body.id}`)).body.name).toBe('Haircut');
    const p = await s.api(`/v1/booking-services/${r.body.id}`, {
      method: 'PATCH',
      body: { deposit: 25_000, weekly_hours: { mon: [['09:00', '12:00']], tue: [['14:00', '16:00']] } },
    });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ deposit: 25_000, weekly_hours: { tue: [['14:00', '16:00']] } });
  });

  it('refuses bad input with a 4xx in the envelope', async () => {
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, weekly_hours: { funday: [['09:00', '10:00']] } } }), 'weekly_hours');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, weekly_hours: { mon: [['12:00', '09:00']] } } }), 'weekly_hours');
    expectValidation(
      await s.api('/v1/booking-services', {
        body: {
          ...service,
          weekly_hours: {
            mon: [
              ['09:00', '11:00'],
              ['10:00', '12:00'],
            ],
          },
        },
      }),
      'weekly_hours',
    );
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, weekly_hours: { mon: [['9am', '5pm']] } } }), 'weekly_hours');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, deposit: 0 } }), 'deposit');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, deposit: 1.5 } }), 'deposit');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, currency: 'XXQ' } }), 'currency');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, duration_minutes: 2 } }), 'duration_minutes');
    expectValidation(await s.api('/v1/booking-services', { body: { ...service, weekly_hours: 'always' } }), 'weekly_hours');
    expectValidation(await s.api('/v1/booking-services/nope', { method: 'PATCH', body: { name: 'x' } }), 'params.id');
    expectError(await s.api('/v1/booking-services/svc_01hzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'not_found');
    expectValidation(await s.api('/v1/bookings?status=lost'), 'querystring.status');
    expectValidation(await s.api('/v1/bookings?from=yesterday'), 'querystring.from');
    expectError(await s.api('/v1/bookings/bkg_01hzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'not_found');
    expectError(await s.api('/v1/bookings/bkg_01hzzzzzzzzzzzzzzzzzzzzzzz/cancel', { body: {} }), 404, 'not_found');
    await expectNo5xx(s);
  });
});

describe('bookings', () => {
  /** Holds a slot the way the flow does (createBookingFromToken in one transaction). */
  async function hold(serviceId: string, slot: string, token: string) {
    await s.ctx.db.query(
      `insert into flow_tokens (token, merchant_id, wa_id, flow_name, status, expires_at) values ($1, $2, '919800011122', 'book_appointment', 'active', now() + interval '1 day')`,
      [token, s.merchantId],
    );
    const r = await inTransaction(s.ctx, (tx) =>
      createBookingFromToken(s.ctx, tx, {
        merchantId: s.merchantId,
        waId: '919800011122',
        token,
        serviceId,
        date: '2026-03-30',
        slotId: slot,
        customerName: 'Asha',
        note: null,
      }),
    );
    if (!r.ok || (r.value.kind !== 'created' && r.value.kind !== 'existing')) throw new Error(JSON.stringify(r));
    return r.value;
  }

  it('lists with filters, gets, cancels; other merchants see nothing', async () => {
    const svc = (await s.api('/v1/booking-services', { body: service })).body;
    const a = await hold(svc.id, '2026-03-30T03:30:00.000Z', 'flt_api_a'); // 09:00 local
    const b = await hold(svc.id, '2026-03-30T04:30:00.000Z', 'flt_api_b'); // 10:00 local
    expect(a.order.total).toBe(20_000);
    // The same token asking again, even for another time, gets its booking back (keyed by the token).
    const again = await inTransaction(s.ctx, (tx) =>
      createBookingFromToken(s.ctx, tx, {
        merchantId: s.merchantId,
        waId: '919800011122',
        token: 'flt_api_a',
        serviceId: svc.id,
        date: '2026-03-30',
        slotId: '2026-03-30T05:30:00.000Z',
        customerName: 'Asha',
        note: null,
      }),
    );
    expect(again.ok && again.value.kind === 'existing' && again.value.booking.id).toBe(a.booking.id);

    const all = (await s.api('/v1/bookings')).body.data.map((x: any) => x.id);
    expect(all).toEqual([b.booking.id, a.booking.id]);
    expect((await s.api('/v1/bookings?from=2026-03-30T04:00:00Z')).body.data.map((x: any) => x.id)).toEqual([b.booking.id]);
    expect((await s.api('/v1/bookings?to=2026-03-30T04:00:00Z&status=held')).body.data.map((x: any) => x.id)).toEqual([a.booking.id]);
    expect((await s.api(`/v1/bookings/${a.booking.id}`)).body).toMatchObject({ status: 'held', time_zone: 'Asia/Kolkata', order_id: a.order.id });
    // One customer's bookings (the inbox's customer panel).
    const customerId = (await s.api(`/v1/bookings/${a.booking.id}`)).body.customer.id as string;
    expect(customerId).toMatch(/^cus_/);
    expect((await s.api(`/v1/bookings?customer=${customerId}`)).body.data.map((x: any) => x.id)).toEqual([b.booking.id, a.booking.id]);
    expect((await s.api('/v1/bookings?customer=cus_01hzzzzzzzzzzzzzzzzzzzzzzz')).body.data).toEqual([]);
    expectValidation(await s.api('/v1/bookings?customer=919800011122'), 'querystring.customer');
    expect((await s.api(`/v1/bookings?customer=${customerId}`, { key: other.key })).body.data).toEqual([]);

    expect((await s.api('/v1/bookings', { key: other.key })).body.data).toEqual([]);
    expectError(await s.api(`/v1/bookings/${a.booking.id}`, { key: other.key }), 404, 'not_found');
    expectError(await s.api(`/v1/bookings/${a.booking.id}/cancel`, { key: other.key, body: {} }), 404, 'not_found');
    expectError(await s.api(`/v1/booking-services/${svc.id}`, { key: other.key }), 404, 'not_found');
    expectError(await s.api(`/v1/booking-services/${svc.id}`, { key: other.key, method: 'PATCH', body: { name: 'Mine now' } }), 404, 'not_found');

    const c = await s.api(`/v1/bookings/${a.booking.id}/cancel`, { body: { reason: 'customer called' } });
    expect(c.status).toBe(200);
    expect(c.body.status).toBe('cancelled');
    expect((await s.api(`/v1/orders/${a.order.id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'canceled' });
    expect((await s.api(`/v1/bookings/${a.booking.id}/cancel`, { body: {} })).body.status).toBe('cancelled'); // again: no change
    const types = (await s.api(`/v1/orders/${a.order.id}/events?limit=100`)).body.data.map((e: any) => e.type);
    expect(types.filter((t: string) => t.startsWith('booking.'))).toEqual(expect.arrayContaining(['booking.held', 'booking.cancelled']));
  });

  it('a service whose slots overlap: concurrent holds of overlapping times take turns, one wins', async () => {
    const svc = (await s.api('/v1/booking-services', { body: { ...service, name: 'Long', duration_minutes: 60, slot_minutes: 30 } })).body;
    const tryHold = async (token: string, slot: string) => {
      await s.ctx.db.query(
        `insert into flow_tokens (token, merchant_id, wa_id, flow_name, status, expires_at) values ($1, $2, '919800011122', 'book_appointment', 'active', now() + interval '1 day')`,
        [token, s.merchantId],
      );
      const r = await inTransaction(s.ctx, (tx) =>
        createBookingFromToken(s.ctx, tx, {
          merchantId: s.merchantId,
          waId: '919800011122',
          token,
          serviceId: svc.id,
          date: '2026-03-30',
          slotId: slot,
          customerName: 'Asha',
          note: null,
        }),
      );
      return r.ok ? r.value.kind : 'error';
    };
    // 09:00–10:00 and 09:30–10:30 overlap though they start at different times.
    const kinds = await Promise.all([tryHold('flt_ovl_a', '2026-03-30T03:30:00.000Z'), tryHold('flt_ovl_b', '2026-03-30T04:00:00.000Z')]);
    expect(kinds.sort()).toEqual(['created', 'taken']);
    const live = await s.ctx.db.query(`select id from bookings where service_id = $1 and status = 'held'`, [svc.id]);
    expect(live).toHaveLength(1);
    const orders = await s.ctx.db.query(`select id from orders where metadata->>'service_id' = $1`, [svc.id]);
    expect(orders).toHaveLength(1);
  });

  it('a late payment after the hold expired goes to review; the booking stays expired', async () => {
    const svc = (await s.api('/v1/booking-services', { body: { ...service, name: 'Late' } })).body;
    const h = await hold(svc.id, '2026-03-30T06:00:00.000Z', 'flt_api_late'); // 11:30 local
    expect(h.booking.hold_expires_at!.getTime() - clock.now().getTime()).toBe(20 * 60_000);
    clock.advance(21 * 60_000);
    for (let i = 0; i < 3; i++) {
      await runUntilIdle(s, 100);
      clock.advance(60_000);
    }
    expect((await s.api(`/v1/bookings/${h.booking.id}`)).body.status).toBe('expired');
    // The slot is free again for the next customer.
    const next = await hold(svc.id, '2026-03-30T06:00:00.000Z', 'flt_api_next');
    expect(next.booking.status).toBe('held');

    const pay = (await s.api(`/v1/orders/${h.order.id}`)).body.payment;
    const outcome = await inTransaction(s.ctx, (tx) =>
      applyCapture(
        s.ctx,
        tx,
        { source: 'provider', id: 'sandbox' },
        {
          merchantId: s.merchantId,
          provider: 'sandbox',
          providerPaymentId: 'sbx_late_1',
          referenceId: pay.reference_id,
          amount: 25_000,
          currency: 'INR',
          verifiedBy: 'webhook',
        },
      ),
    );
    expect(outcome).toBe('review');
    expect((await s.api(`/v1/orders/${h.order.id}`)).body.payment_status).toBe('manual_review');
    expect((await s.api(`/v1/bookings/${h.booking.id}`)).body.status).toBe('expired');
    expect((await s.api(`/v1/bookings/${next.booking.id}`)).body.status).toBe('held');
    expectError(await s.api(`/v1/bookings/${h.booking.id}/cancel`, { body: {} }), 409, 'invalid_transition');
  });

  it('booking.* events reach a webhook endpoint subscribed to them, with the deposit order', async () => {
    const r = await startReceiver();
    try {
      const ep = await s.api('/v1/webhook-endpoints', { body: { url: r.url, events: ['booking.*'] } });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      const svc = (await s.api('/v1/booking-services', { body: { ...service, name: 'Hooked', weekly_hours: { mon: [['16:00', '18:00']] } } })).body;
      const h = await hold(svc.id, '2026-03-30T10:30:00.000Z', 'flt_api_hook'); // 16:00 local
      expect((await s.api(`/v1/bookings/${h.booking.id}/cancel`, { body: {} })).status).toBe(200);
      await webhookRunner(s, clock).drain();
      const got = r.received.map((x) => x.json).sort((a, b) => a.data.seq - b.data.seq); // deliveries may arrive in any order; seq orders them
      expect(got.map((e) => e.type)).toEqual(['booking.held', 'booking.cancelled']);
      expect(got[0].data).toMatchObject({
        order_id: h.order.id,
        details: { booking_id: h.booking.id, status: 'held', starts_at: '2026-03-30T10:30:00.000Z', time_zone: 'Asia/Kolkata' },
      });
      expect(got[1].data.details).toMatchObject({ booking_id: h.booking.id, status: 'cancelled' });
      expect(got[1].data.previous).toEqual({ status: 'held' });
    } finally {
      await r.close();
    }
  });
});
