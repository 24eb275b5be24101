// The sweep for deliveries whose job died: a pending delivery whose attempt job was
// deleted or went dead is re-queued under the same unique job key and still reaches the
// receiver; a sweep that finds nothing does nothing; a job that keeps dying is not
// revived forever.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { MAX_SWEEPS, scheduleWebhookSweep, SWEEP_EVERY_MS, sweepStrandedDeliveries } from '../../src/modules/events/webhooks.sweep.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { webhookRunner } from '../support/webhook-runner.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
let w: ReturnType<typeof webhookRunner>;
let r: Receiver;

beforeAll(async () => {
  s = await startTestServer({ clock });
  w = webhookRunner(s, clock);
  r = await startReceiver();
});
afterEach(async () => {
  for (const e of (await s.api('/v1/webhook-endpoints?limit=100')).body.data) await s.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE' });
  await w.drain();
});
afterAll(async () => {
  await r?.close();
  await s?.close();
});

const order = async () => (await s.api('/v1/orders', { body: sampleOrder({ send: false, expires_in: 30 * 86_400 }) })).body;

/** An endpoint and one order.created delivery that failed its first attempt (500) and waits for its retry job. */
async function failedOnce(path: string) {
  const ep = (await s.api('/v1/webhook-endpoints', { body: { url: `${r.url}/${path}`, events: ['order.created'] } })).body;
  r.script = [{ status: 500, body: 'down' }];
  const o = await order();
  await w.drain();
  const [d] = await s.db.query<{ id: string; attempts: number; status: string; round: number }>(`select * from webhook_deliveries where endpoint_id = $1`, [
    ep.id,
  ]);
  expect(d).toMatchObject({ attempts: 1, status: 'pending' });
  const key = `webhooks.deliver:${d!.id}:${d!.round}.2`;
  const [job] = await s.db.query<{ id: string; status: string }>(`select id, status from jobs where dedupe_key = $1`, [key]);
  expect(job?.status).toBe('queued');
  return { ep, order: o, delivery: d!, key, jobId: job!.id };
}

/** order.created of this order answered 200 by the receiver (the first, failed attempt is not counted). */
const arrived = (_path: string, orderId: string) =>
  r.received.filter(
    (x) => x.json?.type === 'order.created' && JSON.stringify(x.json.data).includes(orderId) && x.answered !== 'hang' && x.answered >= 200 && x.answered < 300,
  ).length;

describe('webhook delivery sweep', () => {
  it('re-queues a delivery whose retry job was deleted; the event still arrives, once', async () => {
    const f = await failedOnce('deleted');
    await s.db.query(`delete from jobs where id = $1`, [f.jobId]);
    clock.advance(60_000);
    await w.drain();
    expect(arrived('deleted', f.order.id)).toBe(0); // nothing drives it any more
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 1, failed: 0 });
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 0, failed: 0 }); // the re-queued job is live: a no-op
    await w.drain();
    expect(arrived('deleted', f.order.id)).toBe(1);
    const [d] = await s.db.query<{ status: string; attempts: number }>(`select status, attempts from webhook_deliveries where id = $1`, [f.delivery.id]);
    expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 0, failed: 0 });
  });

  it('revives a dead job under its unique key (one job per attempt), and the event arrives', async () => {
    const f = await failedOnce('dead');
    await s.db.query(`update jobs set status = 'dead', last_error = 'crashed 5 times' where id = $1`, [f.jobId]);
    clock.advance(60_000);
    await w.drain();
    expect(arrived('dead', f.order.id)).toBe(0);
    const [a, b] = await Promise.all([sweepStrandedDeliveries(s.ctx), sweepStrandedDeliveries(s.ctx)]);
    expect(a.requeued + b.requeued).toBe(1);
    const jobs = await s.db.query<{ id: string; status: string; last_error: string }>(`select id, status, last_error from jobs where dedupe_key like $1`, [
      `webhooks.deliver:${f.delivery.id}:%.2`,
    ]);
    expect(jobs).toEqual([{ id: f.jobId, status: 'queued', last_error: 'revived by the delivery sweep: crashed 5 times' }]);
    await w.drain();
    expect(arrived('dead', f.order.id)).toBe(1);
  });

  it('does not touch deliveries whose job is alive or not yet due', async () => {
    const f = await failedOnce('alive');
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 0, failed: 0 });
    await s.db.query(`delete from jobs where id = $1`, [f.jobId]);
    // next_attempt_at (5 s + jitter) is still ahead: the job may be on its way, leave it.
    await s.db.query(`update webhook_deliveries set next_attempt_at = $2 where id = $1`, [f.delivery.id, new Date(clock.now().getTime() + 60_000)]);
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 0, failed: 0 });
    clock.advance(61_000);
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 1, failed: 0 });
    await w.drain();
    expect(arrived('alive', f.order.id)).toBe(1);
  });

  it(`gives up on a job that died again after ${MAX_SWEEPS} revivals: the delivery fails with a reason`, async () => {
    const f = await failedOnce('cursed');
    for (let i = 0; i < MAX_SWEEPS; i++) {
      await s.db.query(`update jobs set status = 'dead' where id = $1`, [f.jobId]);
      clock.advance(60_000);
      expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 1, failed: 0 });
    }
    await s.db.query(`update jobs set status = 'dead' where id = $1`, [f.jobId]);
    expect(await sweepStrandedDeliveries(s.ctx)).toEqual({ requeued: 0, failed: 1 });
    const [d] = await s.db.query<{ status: string; last_error: string }>(`select status, last_error from webhook_deliveries where id = $1`, [f.delivery.id]);
    expect(d).toEqual({ status: 'failed', last_error: `the delivery job died ${MAX_SWEEPS + 1} times` });
  });

  it('runs as a recurring job: one per 5-minute slot, which queues the next', async () => {
    const f = await failedOnce('scheduled');
    await s.db.query(`delete from jobs where id = $1`, [f.jobId]);
    await scheduleWebhookSweep(s.ctx, clock.now());
    await scheduleWebhookSweep(s.ctx, clock.now()); // a second process: same slot, one job
    const before = await s.db.query<{ run_at: Date }>(`select run_at from jobs where kind = 'webhooks.sweep' and status = 'queued'`);
    expect(before).toHaveLength(1);
    clock.set(new Date(new Date(before[0]!.run_at).getTime()));
    await w.drain();
    expect(arrived('scheduled', f.order.id)).toBe(1);
    const next = await s.db.query<{ run_at: Date }>(`select run_at from jobs where kind = 'webhooks.sweep' and status = 'queued'`);
    expect(next.map((j) => new Date(j.run_at).getTime())).toEqual([new Date(before[0]!.run_at).getTime() + SWEEP_EVERY_MS]);
  });
});
