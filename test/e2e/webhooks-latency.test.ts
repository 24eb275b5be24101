// With the workers running (as `chatcart start` runs them) and the real clock, the first attempt
// of a business event starts when its transaction commits, not at the runner's next poll: the
// runner polls only once a minute here, so a delivery seen before that came from the commit's
// wake-up. How fast that is belongs to `npm run bench -- outbound-webhooks`, not to a test.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

let s: TestServer;
let r: Receiver;
beforeAll(async () => {
  s = await startTestServer({ clock: systemClock, jobs: true, env: { CHATCART_POLL_MS: '60000' } });
  r = await startReceiver();
});
afterAll(async () => {
  await r?.close();
  await s?.close();
});

async function until(cond: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
}

describe('first attempt on commit', () => {
  it('delivers each event when it commits, without waiting for the next poll', async () => {
    const ep = (await s.api('/v1/webhook-endpoints', { body: { url: r.url, events: ['order.created'] } })).body;
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Measured from before the request: an upper bound on commit-to-first-attempt.
      const started = Date.now();
      const res = await s.api('/v1/orders', { body: sampleOrder({ send: false }) });
      await until(() => r.received.some((x) => x.json?.data?.order_id === res.body.id), 45_000);
      const got = r.received.find((x) => x.json?.data?.order_id === res.body.id);
      expect(got, `order ${i} was delivered`).toBeDefined();
      lags.push(got!.at - started);
      expect(new Webhook(ep.secret).verify(got!.body, got!.headers as Record<string, string>)).toBeTruthy();
    }
    // Five deliveries in a row, each well before a 60 s poll could have run (the bound is generous
    // for a loaded machine; on a quiet one each takes a few milliseconds).
    expect(Math.max(...lags), `lags ${lags.join(', ')} ms`).toBeLessThan(50_000);
  });
});
