// The life of a webhook endpoint: disabled by 410 or by failing too long or too often
// (and the merchant told), test sends, secret rotation with two signatures, and
// manual replay of one event or a time range with the same webhook-id.
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';
import { verifyAt } from '../support/webhook-receiver.ts';
import { useWebhookServer, type WebhookRunner } from '../support/webhook-runner.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
let w: WebhookRunner;
const DAY = 86_400_000;

// Three exhausted deliveries disable an endpoint here (10 by default), to keep the test short.
const h = useWebhookServer(clock, { policy: { disableAfterExhausted: 3 } });
const { receiver, endpoint } = h;
beforeAll(() => {
  ({ s, w } = h);
});
const order = async () => (await s.api('/v1/orders', { body: sampleOrder({ send: false, expires_in: 30 * 86_400 }) })).body;
const getEp = async (id: string) => (await s.api(`/v1/webhook-endpoints/${id}`)).body;
/** Steps the clock through every retry of the pending deliveries. */
async function exhaust() {
  for (const ms of w.policy.scheduleMs) {
    clock.advance(Math.round(ms * 1.1));
    await w.drain();
  }
}

describe('disabling', () => {
  it('410 Gone disables the endpoint at once; the merchant is told by an event other endpoints receive', async () => {
    const gone = await receiver({ status: 410, body: 'gone' });
    const ok = await receiver();
    const g = await endpoint(gone.url);
    await endpoint(ok.url);
    await order();
    await w.drain();
    expect(gone.received).toHaveLength(1);
    expect(await getEp(g.id)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const [told] = (await s.api('/v1/events?type=webhook_endpoint.disabled')).body.data;
    expect(told.data).toMatchObject({ endpoint_id: g.id, reason: 'gone', url: `${gone.url}/` });
    expect(ok.received.map((x) => x.json.type).sort()).toEqual(['order.created', 'webhook_endpoint.disabled']);
    expect(ok.received.find((x) => x.json.type === 'webhook_endpoint.disabled')!.json.data.details.endpoint_id).toBe(g.id);
    // Nothing more goes to a disabled endpoint.
    await order();
    await w.drain();
    expect(gone.received).toHaveLength(1);
  });

  it('disables an endpoint after N deliveries ran out of attempts, skipping what still waits', async () => {
    const down = await receiver({ status: 500 });
    const ep = await endpoint(down.url);
    clock.advance(1); // earlier tests' events stay out of the replay range below
    const from = clock.now();
    for (let i = 0; i < 3; i++) await order();
    await w.drain();
    await exhaust();
    expect(down.received).toHaveLength(3 * 8);
    expect(await getEp(ep.id)).toMatchObject({ enabled: false, disabled_reason: 'exhausted' });
    const deliveries = (await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data;
    expect(deliveries.map((d: any) => d.status)).toEqual(['failed', 'failed', 'failed']);
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries?status=failed`)).body.data).toHaveLength(3);
    // Enabling again starts afresh; a replay sends what was missed.
    down.fallback = { status: 204 };
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}`, { method: 'PATCH', body: { enabled: true } })).body).toMatchObject({
      enabled: true,
      failing_since: null,
    });
    const replay = await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { from: from.toISOString(), to: clock.now().toISOString() } });
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.body.replayed).toBe(3);
    await w.drain();
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/deliveries`)).body.data.map((d: any) => [d.status, d.round])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 1],
    ]);
  });

  it('disables an endpoint that has failed for 5 days without a 2xx', async () => {
    const down = await receiver({ status: 502 });
    const ep = await endpoint(down.url);
    await order();
    await w.drain();
    await exhaust(); // about 31 hours: one exhausted delivery, still enabled
    expect(await getEp(ep.id)).toMatchObject({ enabled: true });
    const since = new Date((await getEp(ep.id)).failing_since).getTime();
    clock.set(new Date(since + 5 * DAY - 60_000));
    await order();
    await w.drain();
    expect(await getEp(ep.id)).toMatchObject({ enabled: true });
    clock.advance(5.5 * 60_000); // the first retry, now past 5 days
    await w.drain();
    expect(await getEp(ep.id)).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    const [told] = (await s.api('/v1/events?type=webhook_endpoint.disabled')).body.data;
    expect(told.data).toMatchObject({ endpoint_id: ep.id, reason: 'failing', failing_since: new Date(since).toISOString() });
  });

  it('a 2xx in between resets the failing clock', async () => {
    const flaky = await receiver();
    flaky.script = [{ status: 500 }];
    const ep = await endpoint(flaky.url);
    await order();
    await w.drain();
    expect((await getEp(ep.id)).failing_since).not.toBeNull();
    clock.advance(5_500);
    await w.drain();
    expect(await getEp(ep.id)).toMatchObject({ failing_since: null, last_success_at: clock.now().toISOString() });
  });
});

describe('test sends and secret rotation', () => {
  it('sends webhook.test to that endpoint only, even a disabled one', async () => {
    const a = await receiver();
    const b = await receiver();
    const ea = await endpoint(a.url);
    await endpoint(b.url);
    const sent = await s.api(`/v1/webhook-endpoints/${ea.id}/test`, { body: {} });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ object: 'webhook_delivery', endpoint_id: ea.id, event_type: 'webhook.test', status: 'pending' });
    await w.drain();
    expect(b.received).toHaveLength(0);
    expect(a.received).toHaveLength(1);
    const got = verifyAt(ea.secret, a.received[0]!, clock.now().getTime()) as any;
    expect(got).toMatchObject({ id: sent.body.event_id, type: 'webhook.test', data: { details: { endpoint_id: ea.id }, order_id: null } });
    await s.api(`/v1/webhook-endpoints/${ea.id}`, { method: 'PATCH', body: { enabled: false } });
    await s.api(`/v1/webhook-endpoints/${ea.id}/test`, { body: {} });
    await w.drain();
    expect(a.received).toHaveLength(2);
    const attempts = (await s.api(`/v1/webhook-endpoints/${ea.id}/attempts`)).body.data;
    expect(attempts.map((x: any) => x.status_code)).toEqual([200, 200]);
  });

  it('a failed test send is one attempt and does not count against the endpoint', async () => {
    const r = await receiver({ status: 500 });
    const ep = await endpoint(r.url);
    await s.api(`/v1/webhook-endpoints/${ep.id}/test`, { body: {} });
    await w.drain();
    clock.advance(10_000);
    await w.drain();
    expect(r.received).toHaveLength(1);
    expect(await getEp(ep.id)).toMatchObject({ enabled: true, failing_since: null });
  });

  it('rotation: both secrets sign for 24 h and each verifies; then only the new one', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url);
    const rotated = await s.api(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, { body: {} });
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret as string;
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(ep.secret);
    expect((await getEp(ep.id)).secret).toBeUndefined();
    await s.api(`/v1/webhook-endpoints/${ep.id}/test`, { body: {} });
    await w.drain();
    const during = r.received.at(-1)!;
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(during.signature.split(' ').every((x) => x.startsWith('v1,'))).toBe(true);
    expect(verifyAt(next, during, clock.now().getTime())).toBeTruthy();
    expect(verifyAt(ep.secret, during, clock.now().getTime())).toBeTruthy();

    clock.advance(DAY + 1000);
    await s.api(`/v1/webhook-endpoints/${ep.id}/test`, { body: {} });
    await w.drain();
    const after = r.received.at(-1)!;
    expect(after.signature.split(' ')).toHaveLength(1);
    expect(verifyAt(next, after, clock.now().getTime())).toBeTruthy();
    expect(() => verifyAt(ep.secret, after, clock.now().getTime())).toThrow(/No matching signature/);

    // A leaked secret is retired at once.
    const now = (await s.api(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, { body: { previous_secret_ttl: 0 } })).body.secret;
    await s.api(`/v1/webhook-endpoints/${ep.id}/test`, { body: {} });
    await w.drain();
    expect(r.received.at(-1)!.signature.split(' ')).toHaveLength(1);
    expect(() => verifyAt(next, r.received.at(-1)!, clock.now().getTime())).toThrow(/No matching signature/);
    expect(verifyAt(now, r.received.at(-1)!, clock.now().getTime())).toBeTruthy();
  });
});

describe('replay', () => {
  it('replays one event with the same webhook-id and body, and refuses what does not apply', async () => {
    const r = await receiver();
    const ep = await endpoint(r.url, { events: ['order.created'] });
    const o = await order();
    await w.drain();
    const [first] = r.received;
    const res = await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { event_id: first!.id } });
    expect(res.body).toEqual({ object: 'webhook_replay', endpoint_id: ep.id, replayed: 1, event_ids: [first!.id] });
    await w.drain();
    expect(r.received).toHaveLength(2);
    expect(r.received[1]!.id).toBe(first!.id);
    expect(r.received[1]!.body).toBe(first!.body);
    const attempts = (await s.api(`/v1/webhook-endpoints/${ep.id}/attempts?event_id=${first!.id}`)).body.data;
    expect(attempts.map((a: any) => [a.round, a.attempt])).toEqual([
      [1, 1],
      [0, 1],
    ]);

    await s.api(`/v1/orders/${o.id}/cancel`, { body: {} });
    const canceled = (await s.api(`/v1/events?type=order.canceled&order_id=${o.id}`)).body.data[0];
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { event_id: canceled.id } })).status).toBe(400);
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { event_id: 'evt_00000000000000000000000000' } })).status).toBe(404);
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: {} })).status).toBe(400);
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { event_id: first!.id, from: clock.now().toISOString() } })).status).toBe(400);
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { from: clock.now().toISOString(), to: clock.now().toISOString() } })).status).toBe(
      400,
    );
    await s.api(`/v1/webhook-endpoints/${ep.id}`, { method: 'PATCH', body: { enabled: false } });
    expect((await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { event_id: first!.id } })).status).toBe(409);
  });

  it('replays a time range, including events from before the endpoint existed', async () => {
    clock.advance(1);
    const from = clock.now();
    const o1 = await order();
    clock.advance(60_000);
    const o2 = await order();
    clock.advance(60_000);
    const r = await receiver();
    const ep = await endpoint(r.url, { events: ['order.*'] });
    await w.drain();
    expect(r.received).toHaveLength(0);
    const res = await s.api(`/v1/webhook-endpoints/${ep.id}/replay`, { body: { from: from.toISOString(), to: clock.now().toISOString() } });
    expect(res.body.replayed).toBe(2);
    await w.drain();
    expect(r.received.map((x) => x.json.data.order_id).sort()).toEqual([o1.id, o2.id].sort());
    for (const x of r.received) expect(verifyAt(ep.secret, x, clock.now().getTime())).toBeTruthy();
    const logged = (await s.api('/v1/events?type=webhook_endpoint.replayed')).body.data[0];
    expect(logged.data).toMatchObject({ endpoint_id: ep.id, replayed: 2 });
  });
});
