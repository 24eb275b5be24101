// Expiry: an unpaid order whose expires_at has passed is expired by the order.expire
// job (run here explicitly with runner.runOnce after moving a manual clock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectNo5xx } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock('2026-05-01T08:00:00Z');
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ clock, jobs: false });
});
afterAll(async () => {
  await s?.close();
});

async function runJobs(): Promise<number> {
  let total = 0;
  for (let n = await s.runner.runOnce(); n > 0; n = await s.runner.runOnce()) total += n;
  return total;
}
async function create(expires_in: number): Promise<any> {
  const r = await s.api('/v1/orders', { body: sampleOrder({ expires_in, send: false }) });
  expect(r.status).toBe(201);
  return r.body;
}
const get = async (id: string) => (await s.api(`/v1/orders/${id}`)).body;
const events = async (id: string) => (await s.api(`/v1/orders/${id}/events`)).body.data as any[];

describe('order expiry', () => {
  let soon: any;
  let later: any;
  let shipped: any;
  let canceled: any;

  it('does nothing before expires_at', async () => {
    soon = await create(600);
    later = await create(7200);
    shipped = await create(600);
    canceled = await create(600);
    expect((await s.api(`/v1/orders/${shipped.id}/status`, { body: { status: 'shipped' } })).status).toBe(200);
    expect((await s.api(`/v1/orders/${canceled.id}/cancel`, { body: {} })).status).toBe(200);

    clock.advance(599_000);
    await runJobs();
    expect(await get(soon.id)).toMatchObject({ status: 'pending', payment_status: 'unpaid' });
    expect((await events(soon.id)).map((e) => e.type)).toEqual(['order.created']);
  });

  it('expires the unpaid order once expires_at has passed: canceled, expired, event order.expired by the job', async () => {
    clock.advance(2_000);
    expect(await runJobs()).toBeGreaterThan(0);
    const o = await get(soon.id);
    expect(o).toMatchObject({ status: 'canceled', payment_status: 'expired', cancel_reason: 'expired' });
    expect(o.payment).toMatchObject({ id: soon.payment.id, status: 'expired' });
    const attempts = (await s.api(`/v1/orders/${soon.id}/payments`)).body.data;
    expect(attempts.map((p: any) => p.status)).toEqual(['expired']);

    const timeline = await events(soon.id);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    const expired = timeline.find((e) => e.type === 'order.expired');
    expect(expired).toMatchObject({
      source: 'job',
      order_id: soon.id,
      data: { status: 'canceled', payment_status: 'expired' },
      previous: { status: 'pending', payment_status: 'unpaid' },
    });
    expect(expired.actor).not.toMatch(/^key_/);
    // Nothing about the order's state follows the expiry (customer messages may).
    expect(timeline.filter((e) => e.seq > expired.seq && !e.type.startsWith('message.')).map((e) => e.type)).toEqual([]);
    const listed = await s.api('/v1/events?type=order.expired');
    expect(listed.body.data.map((e: any) => e.order_id)).toEqual([soon.id]);
  });

  it('leaves alone an order not yet expired, one that moved on, and one already canceled', async () => {
    expect(await get(later.id)).toMatchObject({ status: 'pending', payment_status: 'unpaid' });
    expect(await get(shipped.id)).toMatchObject({ status: 'shipped', payment_status: 'unpaid' });
    expect(await get(canceled.id)).toMatchObject({ status: 'canceled', payment_status: 'canceled' });
    expect((await events(canceled.id)).map((e) => e.type)).not.toContain('order.expired');
    expect((await events(shipped.id)).map((e) => e.type)).not.toContain('order.expired');
  });

  it('expires the later order at its own time, once', async () => {
    clock.advance(7200_000);
    await runJobs();
    expect(await get(later.id)).toMatchObject({ status: 'canceled', payment_status: 'expired' });
    const before = await events(later.id);
    // Running the queue again changes nothing.
    clock.advance(3600_000);
    await runJobs();
    expect(await events(later.id)).toEqual(before);
    expect((await events(soon.id)).filter((e) => e.type === 'order.expired')).toHaveLength(1);
  });

  it('an expired order refuses status changes (409) and a cancel is a no-op', async () => {
    const r = await s.api(`/v1/orders/${soon.id}/status`, { body: { status: 'processing' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('invalid_transition');
    const c = await s.api(`/v1/orders/${soon.id}/cancel`, { body: {} });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'canceled', payment_status: 'expired' });
  });

  it('lists expired orders by payment_status', async () => {
    const r = await s.api('/v1/orders?payment_status=expired');
    expect(r.body.data.map((o: any) => o.id).sort()).toEqual([soon.id, later.id].sort());
  });

  it('a WhatsApp Pay bill whose last lookup is refused (payments not configured) still expires, once', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ expires_in: 600, send: false, payment: { method: 'whatsapp_gateway', provider: 'sandbox' } }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The merchant removed its payment configuration after billing: Meta's lookup cannot be made.
    await s.db.query(`update whatsapp_numbers set payment_configurations = '[]'::jsonb where merchant_id = $1`, [s.merchantId]);
    clock.advance(601_000);
    await runJobs();
    expect(await get(r.body.id)).toMatchObject({ status: 'canceled', payment_status: 'expired' });
    expect((await events(r.body.id)).filter((e) => e.type === 'order.expired')).toHaveLength(1);
    const jobs = await s.db.query<{ status: string }>(`select status from jobs where dedupe_key = $1`, [`order.expire:${r.body.id}`]);
    expect(jobs.map((j) => j.status)).not.toContain('queued');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
