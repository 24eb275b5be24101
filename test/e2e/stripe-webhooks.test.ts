// Stripe webhook signatures at our endpoint, made by the SDK's own test helper: a
// correct one is accepted; forged, stale, truncated, re-serialized or missing ones
// are refused and store nothing; during a secret rotation both secrets pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { deliverStripeEvent, signStripe, startStripeDouble, type StripeDouble } from '../fixtures/stripe-double.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let d: StripeDouble;
const clock = new ManualClock(new Date());
const SECRET = 'whsec_first_secret_0123456789';
const NEXT_SECRET = 'whsec_second_secret_9876543210';
const nowS = () => Math.floor(clock.now().getTime() / 1000);

async function runUntilIdle(max = 50) {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(20)) === 0) return;
}
const stored = async () => (await s.db.query<{ n: number }>(`select count(*)::int as n from provider_events where provider = 'stripe'`))[0]!.n;

let order: any;
let paidEvent: Record<string, unknown>;

beforeAll(async () => {
  d = await startStripeDouble();
  s = await startTestServer({ clock, env: { STRIPE_API_URL: d.url } });
  const put = await s.api('/v1/settings/providers/stripe', { method: 'PUT', body: { secret_key: 'sk_test_webhooks_1', webhook_secret: SECRET } });
  expect(put.status).toBe(200);
  expect(put.body.webhook_url).toBe(`${s.base}/webhooks/providers/stripe/${s.merchantId}`);
  order = (await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'payment_link', provider: 'stripe' } }) })).body;
  const go = await fetch(`${order.payment.url}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  expect(go.status).toBe(303);
  const sessionId = go.headers.get('location')!.split('/').pop()!;
  const { session } = d.complete(sessionId, 'paid');
  paidEvent = d.event('checkout.session.completed', session);
});
afterAll(async () => {
  await s?.close();
  await d?.close();
});

describe('Stripe webhook signatures', () => {
  it('refuses forged, stale, truncated, re-serialized and unsigned deliveries, storing nothing', async () => {
    const before = (await s.api(`/v1/orders/${order.id}`)).body;
    const payload = JSON.stringify(paidEvent, null, 2);
    const cases: [string, Parameters<typeof deliverStripeEvent>[3], number][] = [
      ['forged (wrong secret)', { secret: 'whsec_not_the_merchants_secret', timestamp: nowS() }, 401],
      ['stale (301 s old)', { secret: SECRET, timestamp: nowS() - 301 }, 401],
      ['truncated body', { secret: SECRET, timestamp: nowS(), body: payload.slice(0, -1) }, 401],
      ['re-serialized body', { secret: SECRET, timestamp: nowS(), body: JSON.stringify(JSON.parse(payload)) }, 401],
      ['missing header', { secret: SECRET, signature: null }, 400],
      ['unparseable header', { secret: SECRET, signature: 'v1=abc,t=' }, 400],
      ['no v1 signature', { secret: SECRET, signature: `t=${nowS()},v0=${'a'.repeat(64)}` }, 400],
    ];
    for (const [label, opts, status] of cases) {
      const r = await deliverStripeEvent(s.base, s.merchantId, paidEvent, opts);
      expect(r.status, label).toBe(status);
      expect(r.body.error.code, label).toBe(status === 400 ? 'validation_error' : 'unauthorized');
    }
    await runUntilIdle();
    expect(await stored()).toBe(0);
    const after = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(after.payment_status).toBe('unpaid');
    expect(after.updated_at).toBe(before.updated_at);
  });

  it('accepts a delivery signed by the SDK helper, within the 300 s tolerance', async () => {
    const r = await deliverStripeEvent(s.base, s.merchantId, paidEvent, { secret: SECRET, timestamp: nowS() - 299 });
    expect(r).toEqual({ status: 200, body: { received: true, stored: 1, duplicates: 0 } });
    expect(await stored()).toBe(1);
    // The default timestamp of the helper (now) too; a redelivery is a duplicate.
    const again = await deliverStripeEvent(s.base, s.merchantId, paidEvent, { secret: SECRET });
    expect(again.body).toEqual({ received: true, stored: 0, duplicates: 1 });
    await runUntilIdle();
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).toBe('paid');
  });

  it('an unknown merchant or an unconfigured one is 404', async () => {
    const payload = JSON.stringify(paidEvent);
    const r = await fetch(`${s.base}/webhooks/providers/stripe/mer_doesnotexist`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripe(payload, SECRET, nowS()) },
      body: payload,
    });
    expect(r.status).toBe(404);
  });

  it('during a rotation both secrets are accepted; the old one retires after the grace period', async () => {
    const put = await s.api('/v1/settings/providers/stripe', { method: 'PUT', body: { secret_key: 'sk_test_webhooks_1', webhook_secret: NEXT_SECRET } });
    expect(put.status).toBe(200);
    const n = await stored();
    const oldSigned = await deliverStripeEvent(s.base, s.merchantId, d.event('customer.created', { id: 'cus_1', object: 'customer' }), {
      secret: SECRET,
      timestamp: nowS(),
    });
    const newSigned = await deliverStripeEvent(s.base, s.merchantId, d.event('customer.created', { id: 'cus_2', object: 'customer' }), {
      secret: NEXT_SECRET,
      timestamp: nowS(),
    });
    expect([oldSigned.status, newSigned.status]).toEqual([200, 200]);
    // A header carrying both signatures (Stripe's own rotation) also passes.
    const both = d.event('customer.created', { id: 'cus_3', object: 'customer' });
    const payload = JSON.stringify(both);
    const sigNew = signStripe(payload, NEXT_SECRET, nowS())
      .split(',')
      .find((p) => p.startsWith('v1='));
    const header = `${signStripe(payload, 'whsec_unrelated_secret_00', nowS())},${sigNew}`;
    const r = await deliverStripeEvent(s.base, s.merchantId, both, { secret: SECRET, signature: header, body: payload });
    expect(r.status).toBe(200);
    expect(await stored()).toBe(n + 3);
    await runUntilIdle();
    const rows = await s.db.query<{ status: string }>(`select status from provider_events where event_type = 'customer.created'`);
    expect(rows.map((x) => x.status)).toEqual(['ignored', 'ignored', 'ignored']);

    clock.advance(24 * 3600_000 + 60_000);
    const retired = await deliverStripeEvent(s.base, s.merchantId, d.event('customer.created', { id: 'cus_4' }), { secret: SECRET, timestamp: nowS() });
    expect(retired.status).toBe(401);
    const current = await deliverStripeEvent(s.base, s.merchantId, d.event('customer.created', { id: 'cus_5' }), { secret: NEXT_SECRET, timestamp: nowS() });
    expect(current.status).toBe(200);
  });
});
