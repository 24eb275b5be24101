// A job runner for webhook tests: every handler of the build, with the webhook
// delivery options a test needs (a short timeout, fixed jitter, an injected resolver),
// stepped by hand with the server's ManualClock.
import pino from 'pino';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import type { Resolver } from '../../src/adapters/outbound-webhooks/ssrf.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../src/app/webhooks.policy.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { webhookJobHandlers } from '../../src/jobs/webhook-handlers.ts';
import type { AppContext } from '../../src/app/context.ts';

export const TEST_TIMEOUT_MS = 500;

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
