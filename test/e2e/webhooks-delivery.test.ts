// Outgoing webhooks end to end, on a real server with a ManualClock: business events
// reach a local endpoint signed per Standard Webhooks (checked by the npm reference
// library), survive failures and timeouts through the retry schedule, and every
// attempt is listed by the API.
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';
import { verifyAt } from '../support/webhook-receiver.ts';
import { TEST_TIMEOUT_MS, useWebhookServer, type WebhookRunner } from '../support/webhook-runner.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
let w: WebhookRunner;

const h = useWebhookServer(clock);
const { receiver, endpoint } = h;
beforeAll(() => {
  ({ s, w } = h);
});
// Orders live 30 days, so stepping the clock through the retry schedule expires none.
const order = async (over: Record<string, unknown> = {}) =>
  (await s.api('/v1/orders', { body: sampleOrder({ send: false, metadata: { crm_id: '42' }, expires_in: 30 * 86_400, ...over }) })).body;

describe('webhook endpoints API', () => {
  it('creates (secret once), gets, lists, updates and deletes', async () => {
    const r = await receiver();
    const created = await s.api('/v1/webhook-endpoints', { body: { url: `${r.url}/hooks`, events: ['order.*', 'refund.succeeded'], description: 'CRM' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'webhook_endpoint',
      url: `${r.url}/hooks`,
      events: ['order.*', 'refund.succeeded'],
      enabled: true,
      description: 'CRM',
    });
    expect(created.body.id).toMatch(/^whe_[0-9a-z]{26}$/);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const got = await s.api(`/v1/webhook-endpoints/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify((await s.api('/v1/webhook-endpoints')).body)).not.toContain(created.body.secret);
    const listed = await s.api('/v1/webhook-endpoints');
    expect(listed.body.data.map((e: any) => e.id)).toContain(created.body.id);
    const patched = await s.api(`/v1/webhook-endpoints/${created.body.id}`, { method: 'PATCH', body: { events: null, enabled: false } });
    expect(patched.body).toMatchObject({ events: null, enabled: false, disabled_reason: 'merchant' });
    expect((await s.api(`/v1/webhook-endpoints/${created.body.id}`, { method: 'PATCH', body: { events: ['orders.paid'] } })).status).toBe(400);
    expect((await s.api(`/v1/webhook-endpoints/${created.body.id}`, { method: 'PATCH', body: { enabled: true } })).body).toMatchObject({
      enabled: true,
      disabled_reason: null,
    });
    const del = await s.api(`/v1/webhook-endpoints/${created.body.id}`, { method: 'DELETE' });
    expect(del.body).toEqual({ id: created.body.id, object: 'webhook_endpoint', deleted: true });
    expect((await s.api(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(404);
    const types = (await s.api('/v1/events?type=webhook_endpoint.created')).body.data;
    expect(JSON.stringify(types)).not.toContain(created.body.secret);
  });

  it('refuses bad bodies and unknown ids', async () => {
    expect((await s.api('/v1/webhook-endpoints', { body: { url: 'ftp://example.com/' } })).body.error.code).toBe('validation_error');
    expect((await s.api('/v1/webhook-endpoints', { body: { url: 'http://127.0.0.1/', events: ['message.failed'] } })).status).toBe(400);
    expect((await s.api('/v1/webhook-endpoints', { body: { url: 'http://127.0.0.1/', extra: 1 } })).status).toBe(400);
    expect((await s.api('/v1/webhook-endpoints/whe_00000000000000000000000000')).status).toBe(404);
    expect((await s.api('/v1/webhook-endpoints/whe_00000000000000000000000000/test', { body: {} })).status).toBe(404);
  });
});

describe('delivery', () => {
  it('sends a signed business event that the standardwebhooks library verifies', async () => {
    const r = await receiver();
    const ep = await endpoint(`${r.url}/crm`);
    const o = await order();
    await w.drain();
    const [got] = r.received;
    expect(r.received).toHaveLength(1);
    const [logged] = (await s.api(`/v1/orders/${o.id}/events`)).body.data;
    expect(got!.id).toBe(logged.id);
    expect(got!.id).toMatch(/^evt_/);
    expect(Number(got!.timestamp)).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(got!.headers['content-type']).toBe('application/json');
    const verified = verifyAt(ep.secret, got!, clock.now().getTime()) as any;
    expect(verified).toEqual(got!.json);
    expect(verified).toMatchObject({
      id: logged.id,
      type: 'order.created',
      timestamp: logged.created_at,
      data: {
        order_id: o.id,
        seq: 1,
        reference_id: o.reference_id,
        customer: { wa_id: '919876543210', name: 'Asha' },
        amounts: { total: o.total, amount_paid: 0, amount_refunded: 0, currency: 'INR', as_of_seq: 1 },
        payment: { id: o.payment.id, provider: 'sandbox', method: 'payment_link' },
        metadata: { crm_id: '42' },
        details: { total: o.total, payment_id: o.payment.id },
      },
    });
    // Wrong secrets and stale timestamps fail in the reference library.
    expect(() => verifyAt(`whsec_${Buffer.alloc(24, 7).toString('base64')}`, got!, clock.now().getTime())).toThrow(/No matching signature/);
    expect(() => verifyAt(ep.secret, got!, clock.now().getTime() + 301_000)).toThrow(/too old/);
    const attempts = (await s.api(`/v1/webhook-endpoints/${ep.id}/attempts`)).body.data;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      object: 'webhook_attempt',
      event_id: logged.id,
      status_code: 200,
      response_excerpt: 'ok',
      error: null,
      attempt: 1,
      round: 0,
    });
    expect(attempts[0].latency_ms).toBeGreaterThanOrEqual(0);
    expect(attempts[0].id).toMatch(/^wha_/);
  });

  it('survives failures and timeouts: every event is delivered, none is lost, duplicates share the webhook-id', async () => {
    const r = await receiver();
    // First round: 500 for all three; second round: two hang (timeouts), one recovers; then all 200.
    r.script = [{ status: 500, body: 'boom' }, { status: 500, body: 'boom' }, { status: 500, body: 'boom' }, 'hang', 'hang'];
    const ep = await endpoint(r.url);
    const orders = [await order(), await order(), await order()];
    const eventIds = (await Promise.all(orders.map(async (o) => (await s.api(`/v1/orders/${o.id}/events`)).body.data.map((e: any) => e.id)))).flat();
    expect(eventIds).toHaveLength(3);
    await w.drain();
    expect(r.received.map((x) => x.answered)).toEqual([500, 500, 500]);
    clock.advance(5_500); // 5 s + 10 % jitter
    await w.drain();
    expect(
      r.received
        .slice(3)
        .map((x) => x.answered)
        .sort(),
    ).toEqual([200, 'hang', 'hang'].sort());
    clock.advance(330_000); // 5 min + 10 %
    await w.drain();
    expect(r.received).toHaveLength(8);

    for (const id of eventIds) {
      const copies = r.byId(id);
      expect(
        copies.some((c) => c.answered === 200),
        `event ${id} was delivered`,
      ).toBe(true);
      expect(new Set(copies.map((c) => c.body)).size).toBe(1); // the same bytes every time
      // Each copy checked as its receiver saw it, at the time it was sent.
      for (const c of copies) expect(verifyAt(ep.secret, c, Number(c.timestamp) * 1000)).toBeTruthy();
    }
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set(eventIds));

    const deliveries = (await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data;
    expect(deliveries.map((d: any) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const attempts = (await s.api(`/v1/webhook-endpoints/${ep.id}/attempts?limit=100`)).body.data;
    expect(attempts).toHaveLength(8);
    const failed = attempts.filter((a: any) => a.status_code === 500);
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatchObject({ response_excerpt: 'boom', error: null });
    const timedOut = attempts.filter((a: any) => a.status_code === null);
    expect(timedOut).toHaveLength(2);
    for (const a of timedOut) {
      expect(a.error).toBe(`timed out after ${TEST_TIMEOUT_MS} ms`);
      expect(a.latency_ms).toBeGreaterThanOrEqual(TEST_TIMEOUT_MS - 5);
    }
    expect(attempts.filter((a: any) => a.status_code === 200)).toHaveLength(3);
    const healthy = (await s.api(`/v1/webhook-endpoints/${ep.id}`)).body;
    expect(healthy).toMatchObject({ enabled: true, failing_since: null });
  });

  it('follows the retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, plus jitter), then gives up', async () => {
    const r = await receiver({ status: 503, body: 'x'.repeat(5000) });
    const ep = await endpoint(r.url);
    await order();
    await w.drain();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [d] = (await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data;
      expect(d).toMatchObject({ status: 'pending', attempts: i + 1 });
      const wait = new Date(d.next_attempt_at).getTime() - clock.now().getTime();
      waits.push(wait);
      clock.advance(wait - 1);
      await w.drain();
      expect(r.received, JSON.stringify(r.received.map((x) => [x.json?.type, x.id, x.answered]))).toHaveLength(i + 1); // not a millisecond early
      clock.advance(1);
      await w.drain();
      expect(r.received).toHaveLength(i + 2);
    }
    expect(waits).toEqual(w.policy.scheduleMs.map((ms) => Math.round(ms * 1.1)));
    const [d] = (await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data;
    expect(d).toMatchObject({ status: 'failed', attempts: 8, next_attempt_at: null, last_status_code: 503, last_error: 'HTTP 503' });
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    const [last] = (await s.api(`/v1/webhook-endpoints/${ep.id}/attempts`)).body.data;
    expect(Buffer.byteLength(last.response_excerpt)).toBe(1024);
    // Exhausted once: not disabled yet (that takes 10 exhausted deliveries or 5 days of failures).
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}`)).body).toMatchObject({ enabled: true });
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}`)).body.failing_since).not.toBeNull();
  });

  it('honours Retry-After on 429 and does not follow redirects', async () => {
    const r = await receiver();
    r.script = [
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    ];
    const ep = await endpoint(r.url);
    await order();
    await w.drain();
    const [d] = (await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data;
    expect(new Date(d.next_attempt_at).getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(120_000);
    await w.drain();
    expect(r.received.map((x) => x.answered)).toEqual([429, 302]);
    const [redirected] = (await s.api(`/v1/webhook-endpoints/${ep.id}/attempts`)).body.data;
    expect(redirected).toMatchObject({ status_code: 302, error: null });
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data[0]).toMatchObject({ status: 'pending', attempts: 2, last_error: 'HTTP 302' });
  });

  it('sends only the event types an endpoint subscribes to', async () => {
    const all = await receiver();
    const some = await receiver();
    await endpoint(all.url);
    await endpoint(some.url, { events: ['order.canceled'] });
    const o = await order();
    expect((await s.api(`/v1/orders/${o.id}/cancel`, { body: { reason: 'changed mind' } })).status).toBe(200);
    await w.drain();
    expect(all.received.map((x) => x.json.type).sort()).toEqual(['order.canceled', 'order.created', 'payment.canceled']);
    expect(some.received.map((x) => x.json.type)).toEqual(['order.canceled']);
    const canceled = some.received[0]!.json;
    expect(canceled.data).toMatchObject({ order_id: o.id, seq: 3, status: 'canceled', details: { reason: 'changed mind' }, previous: { status: 'pending' } });
  });
});
