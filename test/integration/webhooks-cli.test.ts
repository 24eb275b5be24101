// `chatcart events replay` as an operator runs it: a separate process on the database
// (the embedded folder, and PostgreSQL when TEST_DATABASE_URL is set). It queues the
// deliveries; workers (here: this process, afterwards) send them with the same webhook-id.
import crypto from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSecretBox } from '../../src/adapters/secrets/secret-box.ts';
import { recordEvent } from '../../src/modules/events/events.record.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { createEndpoint } from '../../src/modules/events/webhooks.endpoints.ts';
import { testContext } from '../support/context.ts';
import { startReceiver, verifyAt } from '../support/webhook-receiver.ts';
import { webhookRunner } from '../support/webhook-runner.ts';
import { cliTargets, runCli } from '../support/cli.ts';

// Each CLI run boots tsx (and PGlite) in a child process: slow on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const cli = runCli;

const key = crypto.randomBytes(32);
const { targets, cleanup: cleanupTargets } = cliTargets('chatcart-events-');
cleanups.push(cleanupTargets);

describe.each(targets)('chatcart events replay on $name', (target) => {
  it('replays one event and a time range, and says what is wrong with one line', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const env = { ...(await target.env()), CHATCART_ENCRYPTION_KEY: key.toString('base64'), LOG_LEVEL: 'silent' };

    // Seed: a merchant, an endpoint, two business events, delivered once.
    let db = await target.open(env);
    const ctx = { ...testContext(db), secrets: createSecretBox(key) };
    ctx.clock.set(new Date(Date.now() - 60_000));
    const from = ctx.clock.now();
    const seeded = await db.transaction(async (tx) => {
      const { merchant } = await onboardMerchant(ctx, tx, 'Shop');
      const ep = await createEndpoint(ctx, tx, { source: 'cli', id: 'test' }, merchant.id, { url: `${receiver.url}/crm` });
      if (!ep.ok) throw new Error(ep.error.message);
      const events = [];
      for (const n of [1, 2])
        events.push(
          await recordEvent(
            ctx,
            tx,
            { source: 'provider', id: null },
            { merchantId: merchant.id, type: 'dispute.opened', data: { provider_dispute_id: `dp_${n}` } },
          ),
        );
      return { merchantId: merchant.id, endpointId: ep.value.row.id, secret: ep.value.secret, events };
    });
    await webhookRunner({ ctx: { ...ctx, db } }, ctx.clock).drain();
    expect(receiver.received.map((r) => r.id).sort()).toEqual(seeded.events.map((e) => e.id).sort());
    await db.close();

    const base = ['events', 'replay', '--merchant', seeded.merchantId, '--endpoint', seeded.endpointId];
    const one = await cli([...base, '--event', seeded.events[0]!.id, '--json'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual({ endpoint_id: seeded.endpointId, replayed: 1, event_ids: [seeded.events[0]!.id] });
    const range = await cli([...base, '--from', from.toISOString(), '--to', new Date(Date.now() + 60_000).toISOString()], env);
    expect(range.code, range.stderr).toBe(0);
    expect(range.stdout).toBe(`Queued 2 event(s) for ${seeded.endpointId}; running workers deliver them.\n`);

    for (const [args, message] of [
      [['events', 'replay', '--merchant', seeded.merchantId, '--event', 'evt_x'], 'chatcart: --endpoint is required'],
      [[...base], 'chatcart: give either --event, or both --from and --to'],
      [[...base, '--event', 'evt_x', '--from', '2026-01-01T00:00:00Z'], 'chatcart: give either --event, or both --from and --to'],
      [[...base, '--from', 'yesterday', '--to', '2026-01-01T00:00:00Z'], 'chatcart: --from must be an ISO 8601 time such as 2026-03-01T00:00:00Z'],
      [['events', 'replay', '--merchant', seeded.merchantId, '--endpoint', 'whe_nope', '--event', 'evt_x'], 'chatcart: No webhook endpoint whe_nope'],
      [['events', 'replay', '--merchant', 'mer_nope', '--endpoint', seeded.endpointId, '--event', 'evt_x'], 'chatcart: no merchant mer_nope'],
    ] as const) {
      const r = await cli([...args], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(message);
    }

    // The workers send the replays: the same webhook-id and body as the first time.
    db = await target.open(env);
    try {
      ctx.clock.set(new Date(Date.now() + 60_000));
      await webhookRunner({ ctx: { ...ctx, db } }, ctx.clock).drain();
    } finally {
      await db.close();
    }
    expect(receiver.received).toHaveLength(4);
    for (const e of seeded.events) {
      const copies = receiver.byId(e.id);
      expect(copies.length).toBe(2);
      expect(copies[1]!.body).toBe(copies[0]!.body);
      expect(verifyAt(seeded.secret, copies[1]!, Number(copies[1]!.timestamp) * 1000)).toMatchObject({ id: e.id, type: 'dispute.opened' });
    }
  });
});
