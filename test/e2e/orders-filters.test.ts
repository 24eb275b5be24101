// GET /v1/orders, the console's filters: created_from/created_to, customer, q (reference id,
// name, number; case-insensitive substring; LIKE wildcards and hostile text are plain text),
// expires_before/expires_after (bills about to expire), status + payment_status lists
// (paid and not yet shipped), and cursor pagination staying exact under each filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, otherMerchant, walk } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const T0 = new Date('2026-05-01T08:00:00Z');
const HOUR = 3600_000;
const clock = new ManualClock(T0);
let s: TestServer;
const o: Record<string, { id: string; reference_id: string }> = {};

async function order(key: string, customer: { wa_id: string; name?: string }, over: Record<string, unknown> = {}) {
  const r = await s.api('/v1/orders', { body: sampleOrder({ customer, ...over }) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  o[key] = { id: r.body.id, reference_id: r.body.reference_id };
  return r.body;
}

const at = (h: number) => new Date(T0.getTime() + h * HOUR).toISOString();
const list = async (q: string) => {
  const r = await s.api(`/v1/orders?limit=100&${q}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data.map((x: any) => x.id) as string[];
};
const ids = (...keys: string[]) => keys.map((k) => o[k]!.id);
const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  s = await startTestServer({ clock });
  await order('asha', { wa_id: '919876543210', name: 'Asha Rao' }, { expires_in: 3600 }); // expires hour 1
  clock.advance(HOUR);
  await order('wild', { wa_id: '441234567890', name: '50%_off\\ Bob' }); // expires hour 25
  clock.advance(HOUR);
  const paid = await order('paid', { wa_id: '5511999990000', name: 'Chitra' }); // hour 2
  await payOrder(s, paid.payment.url, 'success');
  await runUntilIdle(s);
  expect((await s.api(`/v1/orders/${paid.id}`)).body.payment_status).toBe('paid');
  clock.advance(HOUR);
  await order('shipped', { wa_id: '5511999990000', name: 'Chitra' }); // hour 3
  const shipped = (await s.api(`/v1/orders/${o['shipped']!.id}`)).body;
  await payOrder(s, shipped.payment.url, 'success');
  await runUntilIdle(s);
  const st = await s.api(`/v1/orders/${o['shipped']!.id}/status`, { body: { status: 'shipped' } });
  expect(st.status, JSON.stringify(st.body)).toBe(200);
  clock.advance(HOUR);
  await order('late', { wa_id: '919876543210', name: 'asha rao' }, { expires_in: 7200 }); // hour 4, expires hour 6
  // Another merchant's order with the same customer and name is never found.
  const other = await otherMerchant(s);
  expect(
    (
      await s.api('/v1/orders', {
        key: other.key,
        body: sampleOrder({ customer: { wa_id: '919876543210', name: 'Asha Rao' }, items: [{ name: 'x', amount: 100, quantity: 1 }] }),
      })
    ).status,
  ).toBe(201);
});
afterAll(async () => {
  await s?.close();
});

describe('created_from / created_to', () => {
  it('from is inclusive, to exclusive, and both spellings combine', async () => {
    expect(sorted(await list(`created_from=${at(1)}&created_to=${at(3)}`))).toEqual(sorted(ids('wild', 'paid')));
    expect(sorted(await list(`created_from=${at(3)}`))).toEqual(sorted(ids('shipped', 'late')));
    expect(await list(`created_to=${at(1)}`)).toEqual(ids('asha'));
    // With created_gte too, the later lower bound wins (every bound applies).
    expect(sorted(await list(`created_from=${at(0)}&created_gte=${at(2)}&created_to=${at(4)}`))).toEqual(sorted(ids('paid', 'shipped')));
    expect(await list(`created_from=${encodeURIComponent('2026-05-01T14:30:00+05:30')}&created_to=${at(2)}`)).toEqual(ids('wild'));
  });
});

describe('customer', () => {
  it('takes the WhatsApp number', async () => {
    expect(await list('customer=919876543210')).toEqual(ids('late', 'asha'));
    expect(await list('customer=919876543210&wa_id=919876543210')).toEqual(ids('late', 'asha'));
    expectError(await s.api('/v1/orders?customer=919876543210&wa_id=441234567890'), 400, 'validation_error');
    expectError(await s.api('/v1/orders?customer=cus_01abc'), 400, 'validation_error');
  });

  it('takes the customer id (cus_…)', async () => {
    const id = (await s.api(`/v1/orders/${o['asha']!.id}`)).body.customer.id;
    expect(id).toMatch(/^cus_/);
    expect(await list(`customer=${id}`)).toEqual(ids('late', 'asha'));
  });
});

describe('q', () => {
  it('finds a reference id, in any case, whole or in part', async () => {
    const ref = o['paid']!.reference_id;
    expect(ref).toBeTruthy();
    expect(await list(`q=${encodeURIComponent(ref)}`)).toEqual(ids('paid'));
    expect(await list(`q=${encodeURIComponent(ref.slice(2, -2).toLowerCase())}`)).toContain(o['paid']!.id);
    expect(await list(`q=${encodeURIComponent(ref.toUpperCase())}`)).toEqual(ids('paid'));
  });

  it("finds a customer's name case-insensitively and their number with or without + and spaces", async () => {
    expect(await list('q=ASHA')).toEqual(ids('late', 'asha'));
    expect(await list('q=hitr')).toEqual(ids('shipped', 'paid'));
    expect(await list(`q=${encodeURIComponent('+91 98765-43210')}`)).toEqual(ids('late', 'asha'));
    expect(await list('q=4123456')).toEqual(ids('wild'));
    expect(await list('q=nobody')).toEqual([]);
    // Blank is no filter.
    expect(await list('q=%20%20')).toHaveLength(5);
  });

  it('LIKE wildcards and hostile text are searched as text, never as patterns', async () => {
    expect(await list(`q=${encodeURIComponent('%')}`)).toEqual(ids('wild'));
    expect(await list(`q=${encodeURIComponent('%_')}`)).toEqual(ids('wild'));
    // An underscore is a character like any other: every order id (ord_…) has one.
    expect(await list(`q=${encodeURIComponent('_')}`)).toHaveLength(5);
    expect(await list(`q=${encodeURIComponent('50%_off\\')}`)).toEqual(ids('wild'));
    expect(await list(`q=${encodeURIComponent('\\')}`)).toEqual(ids('wild'));
    expect(await list(`q=${encodeURIComponent('%%')}`)).toEqual([]);
    expect(await list(`q=${encodeURIComponent('a_h')}`)).toEqual([]);
    for (const hostile of ["' or 1=1 --", '\\%', '[a-z]*', '.*', "'); drop table orders; --", '😀', 'ä'.repeat(100)]) {
      expect(await list(`q=${encodeURIComponent(hostile)}`)).toEqual([]);
    }
    expectError(await s.api(`/v1/orders?q=${'x'.repeat(101)}`), 400, 'validation_error');
    await expectNo5xx(s);
  });
});

describe('the Today page', () => {
  it('expires_before lists unpaid bills about to expire', async () => {
    // Now is hour 4: which pending, unpaid bills expire in the next 3 hours?
    const soon = await list(`status=pending&payment_status=unpaid&expires_after=${at(4)}&expires_before=${at(7)}`);
    expect(soon).toEqual(ids('late'));
    // The first bill expired at hour 1 (the expiry job ran): it is no longer unpaid.
    expect((await s.api(`/v1/orders/${o['asha']!.id}`)).body.payment_status).not.toBe('unpaid');
    expect(await list(`payment_status=unpaid&expires_before=${at(7)}`)).toEqual(ids('late'));
    expect(await list(`expires_before=${at(7)}`)).toEqual(ids('late', 'asha'));
    expect(await list(`expires_before=${at(0)}`)).toEqual([]);
  });

  it('status + payment_status: paid and not yet shipped', async () => {
    const paidStatus = (await s.api(`/v1/orders/${o['paid']!.id}`)).body.status;
    expect(await list(`payment_status=paid&status=${paidStatus}`)).toEqual(ids('paid'));
    expect(await list('payment_status=paid&status=pending,processing,partially_shipped')).toEqual(ids('paid'));
    expect(sorted(await list('payment_status=paid'))).toEqual(sorted(ids('paid', 'shipped')));
    expect(sorted(await list('payment_status=unpaid,paid&status=shipped,pending'))).toEqual(sorted(ids('wild', 'shipped', 'late')));
  });
});

describe('pagination with filters', () => {
  it('walks q and created ranges page by page with nothing lost or repeated', async () => {
    expect((await walk(s, '/v1/orders?q=a', 1)).ids).toEqual(await list('q=a'));
    expect((await walk(s, `/v1/orders?created_from=${at(1)}&payment_status=paid,unpaid`, 2)).ids).toEqual(
      await list(`created_from=${at(1)}&payment_status=paid,unpaid`),
    );
    const chitra = await walk(s, '/v1/orders?q=chitra', 1);
    expect(chitra.ids).toEqual(ids('shipped', 'paid'));
    expect(chitra.pages).toEqual([1, 1]);
  });
});
