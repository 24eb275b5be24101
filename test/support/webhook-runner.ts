// A job runner for webhook tests: every handler of the build, with the webhook
// delivery options a test needs (a short timeout, fixed jitter, an injected resolver),
// stepped by hand with the server's ManualClock.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import type { Resolver } from '../../src/adapters/outbound-webhooks/ssrf.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../src/modules/events/webhooks.policy.ts';
import { jobHandlers } from '../../src/composition/job-handlers.ts';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import { webhookJobHandlers } from '../../src/modules/events/events.jobs.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { startTestServer, type TestServer } from './server.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

export const TEST_TIMEOUT_MS = 3000;

export function webhookRunner(s: { ctx: AppContext }, clock: ManualClock, o: { policy?: Partial<DeliveryPolicy>; resolve?: Resolver } = {}) {
  const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, timeoutMs: TEST_TIMEOUT_MS, ...o.policy };
  const runner = new JobRunner({
    db: s.ctx.db,
    clock,
    log: pino({ level: 'silent' }),
    // random() = 1: every wait is its schedule step plus the full 10 % jitter, so tests know it exactly.
    handlers: { ...jobHandlers(s.ctx), ...webhookJobHandlers(s.ctx, { policy, random: () => 1, resolve: o.resolve }) },
    concurrency: 20,
    leaseMs: 60_000,
    pollMs: 50,
  });
  return {
    policy,
    runner,
    /** Runs jobs until none is due at the clock's current time. */
    async drain(max = 100): Promise<void> {
      for (let i = 0; i < max; i++) if ((await runner.runOnce(20)) === 0) return;
    },
  };
}

export type WebhookRunner = ReturnType<typeof webhookRunner>;

/**
 * The set-up the webhook e2e tests share: a server on the ManualClock and a webhookRunner
 * (beforeAll); after each test its endpoints are deleted (so later tests' events do not reach
 * them), what they left pending is drained, and its receivers closed. Read `s` and `w` from
 * the returned object inside hooks and tests (they are set in beforeAll).
 */
export function useWebhookServer(clock: ManualClock, o: Parameters<typeof webhookRunner>[2] = {}) {
  const receivers: Receiver[] = [];
  const h = {
    s: undefined as unknown as TestServer,
    w: undefined as unknown as WebhookRunner,
    /** A local receiver, closed after the test. */
    async receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
      const r = await startReceiver(...args);
      receivers.push(r);
      return r;
    },
    /** POST /v1/webhook-endpoints; expects 201. */
    async endpoint(url: string, over: Record<string, unknown> = {}): Promise<{ id: string; secret: string; url: string }> {
      const res = await h.s.api('/v1/webhook-endpoints', { body: { url, ...over } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
  };
  beforeAll(async () => {
    h.s = await startTestServer({ clock });
    h.w = webhookRunner(h.s, clock, o);
  });
  afterEach(async () => {
    for (const e of (await h.s.api('/v1/webhook-endpoints?limit=100')).body.data) await h.s.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE' });
    await h.w.drain();
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(async () => {
    await h.s?.close();
  });
  return h;
}
