// GET /v1/webhook-deliveries: deliveries across all of a merchant's endpoints, with the
// endpoint's id and URL, the event, attempts, last error and next retry; ?status=failed
// (out of attempts) and ?status=retrying; filters, pagination, and other merchants' absent.
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant, walk } from '../support/e2e.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';
import { useWebhookServer, type WebhookRunner } from '../support/webhook-runner.ts';

let s: TestServer;
let w: WebhookRunner;
const clock = new ManualClock(new Date());
const h = useWebhookServer(clock);
const { receiver, endpoint } = h;
beforeAll(() => {
  ({ s, w } = h);
});
const order = async () => (await s.api('/v1/orders', { body: sampleOrder({ send: false, expires_in: 30 * 86_400 }) })).body;

describe('GET /v1/webhook-deliveries', () => {
  it('lists failed and retrying deliveries of every endpoint with endpoint, event, attempts, last error and next retry', async () => {
    const down = await receiver({ status: 500, body: 'boom' });
    const flaky = await receiver({ status: 503 });
    const ok = await receiver();
    const epDown = await endpoint(down.url, { events: ['order.created'] });
    const epFlaky = await endpoint(flaky.url, { events: ['order.created'] });
    const epOk = await endpoint(ok.url, { events: ['order.created'] });
    const first = await order();
    await w.drain();
    // Every retry of the first order's deliveries, until they run out of attempts.
    for (const ms of w.policy.scheduleMs) {
      clock.advance(Math.round(ms * 1.1));
      await w.drain();
    }
    // A second order: its failing deliveries have been tried once and wait for a retry.
    const second = await order();
    await w.drain();

    const failed = await s.api('/v1/webhook-deliveries?status=failed');
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body.object).toBe('list');
    expect(failed.body.data.map((d: any) => d.endpoint.id).sort()).toEqual([epDown.id, epFlaky.id].sort());
    const d = failed.body.data.find((x: any) => x.endpoint_id === epDown.id);
    expect(d).toMatchObject({
      object: 'webhook_delivery',
      endpoint: { id: epDown.id, url: epDown.url, enabled: true },
      event_type: 'order.created',
      status: 'failed',
      attempts: w.policy.scheduleMs.length + 1,
      last_status_code: 500,
      next_attempt_at: null,
    });
    expect(d.id).toMatch(/^whd_/);
    const ev = (await s.api(`/v1/events?type=order.created&order_id=${first.id}`)).body.data[0];
    expect(d.event_id).toBe(ev.id);
    expect(d.last_error).toBeTruthy();

    const retrying = await s.api('/v1/webhook-deliveries?status=retrying');
    expect(retrying.body.data).toHaveLength(2);
    for (const r of retrying.body.data) {
      expect(r).toMatchObject({ status: 'pending', attempts: 1 });
      expect(new Date(r.next_attempt_at).getTime()).toBeGreaterThan(clock.now().getTime());
      expect(r.event_id).toBe((await s.api(`/v1/events?type=order.created&order_id=${second.id}`)).body.data[0].id);
    }
    // Filters: one endpoint, one event type, delivered ones.
    expect((await s.api(`/v1/webhook-deliveries?endpoint_id=${epFlaky.id}`)).body.data.map((x: any) => x.status)).toEqual(['pending', 'failed']);
    expect((await s.api('/v1/webhook-deliveries?status=delivered')).body.data.map((x: any) => x.endpoint_id)).toEqual([epOk.id, epOk.id]);
    expect((await s.api('/v1/webhook-deliveries?event_type=order.paid')).body.data).toEqual([]);
    // Pagination across endpoints: every delivery once, newest first.
    const all = (await s.api('/v1/webhook-deliveries?limit=100')).body.data.map((x: any) => x.id);
    expect(all).toHaveLength(6);
    expect((await walk(s, '/v1/webhook-deliveries', 4)).ids).toEqual(all);
    expect((await walk(s, '/v1/webhook-deliveries?status=failed', 1)).ids).toEqual(failed.body.data.map((x: any) => x.id));
    // Another merchant sees none of them.
    const other = await otherMerchant(s);
    expect((await s.api('/v1/webhook-deliveries', { key: other.key })).body).toEqual({ object: 'list', data: [], has_more: false });
    expect((await s.api(`/v1/webhook-deliveries?endpoint_id=${epDown.id}`, { key: other.key })).body.data).toEqual([]);
  });

  it('refuses bad filters', async () => {
    expectValidation(await s.api('/v1/webhook-deliveries?status=broken'), 'querystring.status');
    expectValidation(await s.api('/v1/webhook-deliveries?endpoint_id=ord_1'), 'querystring.endpoint_id');
    expectValidation(await s.api('/v1/webhook-deliveries?limit=0'), 'querystring.limit');
    expectError(await s.api('/v1/webhook-deliveries', { key: null }), 401, 'unauthorized');
    await expectNo5xx(s);
  });
});
