// Data retention on the real database (PGlite, and PostgreSQL with TEST_DATABASE_URL),
// with the clock port: old raw webhook bodies and conversation content are redacted,
// recent and unprocessed rows are kept, the money tables are untouched, a second run is
// a no-op, and the job runs it in bounded batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { purgePersonalData } from '../../src/modules/ops/ops.retention.ts';
import { jobHandlers, maintenanceDedupeKey } from '../../src/composition/job-handlers.ts';
import { retentionJobHandlers } from '../../src/modules/ops/ops.jobs.ts';
import type { JobRow } from '../../src/platform/jobs/jobs.repository.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { presentMessage } from '../../src/modules/whatsapp/whatsapp.present.ts';
import type { MessageRow } from '../../src/modules/whatsapp/whatsapp-messages.repository.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const PII = '{"contacts":[{"profile":{"name":"Asha Rao"},"wa_id":"919876543210"}],"text":"my address is 12 MG Road"}';

let db: TestDb;
let ctx: TestContext;
let m: string;

async function seed(): Promise<void> {
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  // WhatsApp inbox: processed/failed old ones go; unprocessed and recent stay.
  for (const [id, status, age] of [
    ['win_old_done', 'processed', 40],
    ['win_old_failed', 'failed', 40],
    ['win_old_waiting', 'received', 40],
    ['win_new_done', 'processed', 5],
  ] as const) {
    await q(`insert into whatsapp_inbox (id, body, received_at, status) values ($1, $2, $3, $4)`, [id, PII, daysAgo(age), status]);
  }
  for (const [key, inbox, status, age] of [
    ['it_old_done', 'win_old_done', 'processed', 40],
    ['it_old_waiting', 'win_old_waiting', 'received', 40],
    ['it_new_done', 'win_new_done', 'processed', 5],
  ] as const) {
    await q(`insert into whatsapp_items (dedupe_key, inbox_id, merchant_id, kind, item, status, created_at) values ($1, $2, $3, 'message', $4, $5, $6)`, [
      key,
      inbox,
      m,
      PII,
      status,
      daysAgo(age),
    ]);
  }
  for (const [id, status, age] of [
    ['pev_old_done', 'processed', 40],
    ['pev_old_unmatched', 'unmatched', 40],
    ['pev_old_waiting', 'received', 40],
    ['pev_new_done', 'processed', 5],
  ] as const) {
    await q(
      `insert into provider_events (id, merchant_id, provider, event_id, event_type, body, normalized, status, received_at) values ($1, $2, 'sandbox', $1, 'payment.captured', $3, $4, $5, $6)`,
      [id, m, PII, JSON.stringify([{ kind: 'payment_captured', amount: 1000, currency: 'INR' }]), status, daysAgo(age)],
    );
  }
  // An order (money audit) and its event, which the webhook rows point at.
  await q(
    `insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, customer_wa_id, customer_name, goods_type, expires_at, created_at, updated_at)
     values ('ord_keep', $1, 'completed', 'paid', 'INR', '[]', 1000, 1000, '919876543210', 'Asha Rao', 'physical-goods', $2, $2, $2)`,
    [m, daysAgo(500)],
  );
  await q(
    `insert into events (id, merchant_id, order_id, type, source, data, created_at) values ('evt_keep', $1, 'ord_keep', 'order.created', 'api', $2, $3)`,
    [m, JSON.stringify({ customer: { name: 'Asha Rao' } }), daysAgo(500)],
  );
  await q(`insert into webhook_endpoints (id, merchant_id, url, secrets) values ('whe_1', $1, 'http://127.0.0.1:9/', 'x')`, [m]);
  await q(
    `insert into events (id, merchant_id, type, source, created_at) values ('evt_2', $1, 'order.paid', 'api', $2), ('evt_3', $1, 'order.paid', 'api', $2)`,
    [m, daysAgo(40)],
  );
  for (const [id, ev, status, age] of [
    ['whd_old_done', 'evt_keep', 'delivered', 40],
    ['whd_old_pending', 'evt_2', 'pending', 40],
    ['whd_new_done', 'evt_3', 'delivered', 5],
  ] as const) {
    await q(
      `insert into webhook_deliveries (id, merchant_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at, updated_at) values ($1, $2, 'whe_1', $3, 'order.created', $4, $5, $6, $6, $6)`,
      [id, m, ev, PII, status, daysAgo(age)],
    );
  }
  for (const [id, age] of [
    ['wha_old', 40],
    ['wha_new', 5],
  ] as const) {
    await q(
      `insert into webhook_attempts (id, merchant_id, endpoint_id, delivery_id, event_id, event_type, round, attempt, url, status_code, latency_ms, response_excerpt, created_at)
       values ($1, $2, 'whe_1', 'whd_old_done', 'evt_keep', 'order.created', 0, 1, 'http://127.0.0.1:9/', 500, 12, 'echo: Asha Rao', $3)`,
      [id, m, daysAgo(age)],
    );
  }
  // Conversation content: 365 days by default.
  for (const [id, status, age] of [
    ['msg_old_sent', 'read', 400],
    ['msg_old_in', 'received', 400],
    ['msg_old_queued', 'queued', 400],
    ['msg_recent', 'read', 100],
  ] as const) {
    await q(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, type, payload, status, order_id, created_at, updated_at) values ($1, $2, 'pn1', '919876543210', $3, 'text', $4, $5, 'ord_keep', $6, $6)`,
      [
        id,
        m,
        status === 'received' ? 'in' : 'out',
        JSON.stringify({ purpose: 'order_status', body: { text: { body: 'Hi Asha, 12 MG Road' } } }),
        status,
        daysAgo(age),
      ],
    );
  }
  for (const [token, status, age] of [
    ['ft_old_done', 'completed', 400],
    ['ft_old_active', 'active', 400],
    ['ft_recent', 'completed', 100],
  ] as const) {
    await q(
      `insert into flow_tokens (token, merchant_id, wa_id, flow_name, state, status, expires_at, created_at, updated_at) values ($1, $2, '919876543210', 'order', $3, $4, $5, $5, $5)`,
      [token, m, JSON.stringify({ address: '12 MG Road' }), status, daysAgo(age)],
    );
  }
  await q(`insert into jobs (id, kind, payload, status, run_at, created_at, updated_at) values ('job_pending', 'whatsapp.process', $1, 'queued', $2, $2, $2)`, [
    JSON.stringify({ inbox_id: 'win_old_waiting' }),
    daysAgo(40),
  ]);
}

const one = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params))[0]!;

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db, { clock: new ManualClock(NOW) });
  m = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Retention shop'))).merchant.id;
  await seed();
});
afterAll(async () => {
  await db?.close();
});

describe('retention purge', () => {
  it('a dry run counts what would go and changes nothing', async () => {
    const r = await purgePersonalData(ctx, { dryRun: true });
    expect(r.counts).toEqual({
      whatsapp_inbox: 2,
      whatsapp_items: 1,
      provider_events: 2,
      webhook_attempts: 1,
      webhook_deliveries: 1,
      whatsapp_messages: 2,
      flow_tokens: 1,
      checkout_link_payers: 0,
      media_uploads: 0,
      stream_changes: 0,
    });
    expect(r.cutoffs).toEqual({
      webhook_bodies: daysAgo(30).toISOString(),
      conversations: daysAgo(365).toISOString(),
      media: daysAgo(30).toISOString(),
      stream_changes: new Date(NOW.getTime() - 24 * 3_600_000).toISOString(),
    });
    expect((await one<{ body: string }>(`select body from whatsapp_inbox where id = 'win_old_done'`)).body).toBe(PII);
  });

  it('redacts old raw bodies and conversation content; keeps recent, unprocessed and unsent rows', async () => {
    const r = await purgePersonalData(ctx);
    expect(r).toMatchObject({
      dryRun: false,
      more: false,
      counts: { whatsapp_inbox: 2, whatsapp_items: 1, provider_events: 2, webhook_attempts: 1, webhook_deliveries: 1, whatsapp_messages: 2, flow_tokens: 1 },
    });

    const inbox = await db.query<{ id: string; body: string; purged_at: Date | null }>(`select id, body, purged_at from whatsapp_inbox order by id`);
    expect(inbox.map((x) => [x.id, x.body === PII, x.purged_at === null])).toEqual([
      ['win_new_done', true, true],
      ['win_old_done', false, false],
      ['win_old_failed', false, false],
      ['win_old_waiting', true, true],
    ]);
    expect(await one<{ body: string; purged_at: Date }>(`select body, purged_at from whatsapp_inbox where id = 'win_old_done'`)).toEqual({
      body: '',
      purged_at: NOW,
    });
    const items = await db.query<{ dedupe_key: string; item: unknown }>(`select dedupe_key, item from whatsapp_items order by dedupe_key`);
    expect(items.map((x) => [x.dedupe_key, JSON.stringify(x.item).includes('Asha')])).toEqual([
      ['it_new_done', true],
      ['it_old_done', false],
      ['it_old_waiting', true],
    ]);
    const pev = await db.query<{ id: string; body: string; normalized: unknown }>(`select id, body, normalized from provider_events order by id`);
    expect(pev.map((x) => [x.id, x.body === PII])).toEqual([
      ['pev_new_done', true],
      ['pev_old_done', false],
      ['pev_old_unmatched', false],
      ['pev_old_waiting', true],
    ]);
    expect(pev.every((x) => JSON.stringify(x.normalized).includes('"amount":1000'))).toBe(true); // the money facts stay
    expect(await db.query(`select id, response_excerpt from webhook_attempts order by id`)).toEqual([
      { id: 'wha_new', response_excerpt: 'echo: Asha Rao' },
      { id: 'wha_old', response_excerpt: null },
    ]);
    const deliveries = await db.query<{ id: string; payload: string | null; status: string }>(`select id, payload, status from webhook_deliveries order by id`);
    expect(deliveries.map((x) => [x.id, x.payload === PII, x.status])).toEqual([
      ['whd_new_done', true, 'delivered'],
      ['whd_old_done', false, 'delivered'],
      ['whd_old_pending', true, 'pending'],
    ]);

    const msgs = await db.query<{ id: string; payload: any; status: string; redacted_at: Date | null }>(
      `select id, payload, status, redacted_at from whatsapp_messages order by id`,
    );
    expect(Object.fromEntries(msgs.map((x) => [x.id, x.payload]))).toEqual({
      msg_old_in: { purpose: 'order_status', redacted: true },
      msg_old_queued: { purpose: 'order_status', body: { text: { body: 'Hi Asha, 12 MG Road' } } },
      msg_old_sent: { purpose: 'order_status', redacted: true },
      msg_recent: { purpose: 'order_status', body: { text: { body: 'Hi Asha, 12 MG Road' } } },
    });
    expect(msgs.map((x) => x.status)).toEqual(['received', 'queued', 'read', 'read']);
    // The conversation API says a message was redacted instead of showing the stub.
    const shown = (await db.query<MessageRow>(`select * from whatsapp_messages order by id`)).map((m) => presentMessage(m));
    expect(shown.map((m) => [m.id, m.redacted, m.content === null])).toEqual([
      ['msg_old_in', true, true],
      ['msg_old_queued', false, false],
      ['msg_old_sent', true, true],
      ['msg_recent', false, false],
    ]);
    const tokens = await db.query<{ token: string; state: unknown }>(`select token, state from flow_tokens order by token`);
    expect(tokens).toEqual([
      { token: 'ft_old_active', state: { address: '12 MG Road' } },
      { token: 'ft_old_done', state: {} },
      { token: 'ft_recent', state: { address: '12 MG Road' } },
    ]);
  });

  it('never touches the money audit or pending jobs', async () => {
    expect(await one(`select customer_name, total from orders where id = 'ord_keep'`)).toEqual({ customer_name: 'Asha Rao', total: 1000 });
    expect((await one<{ data: unknown }>(`select data from events where id = 'evt_keep'`)).data).toEqual({ customer: { name: 'Asha Rao' } });
    expect(await one(`select status from jobs where id = 'job_pending'`)).toEqual({ status: 'queued' });
  });

  it('a second run is a no-op', async () => {
    const r = await purgePersonalData(ctx);
    expect(Object.values(r.counts).every((n) => n === 0)).toBe(true);
    expect(r.more).toBe(false);
  });

  it('later, what has aged past the cutoff goes too; an unprocessed row goes once processed', async () => {
    await db.query(`update whatsapp_inbox set status = 'processed' where id = 'win_old_waiting'`);
    ctx.clock.advance(30 * 86_400_000);
    const r = await purgePersonalData(ctx);
    expect(r.counts).toMatchObject({
      whatsapp_inbox: 2,
      whatsapp_items: 1,
      provider_events: 1,
      webhook_attempts: 1,
      webhook_deliveries: 1,
      whatsapp_messages: 0,
    });
    ctx.clock.set(NOW);
  });

  it('0 / off keeps forever', async () => {
    await db.query(`insert into whatsapp_inbox (id, body, received_at, status) values ('win_ancient', $1, $2, 'processed')`, [PII, daysAgo(5000)]);
    const off = { ...ctx, retention: { webhookBodiesDays: null, conversationsDays: null, mediaDays: null } };
    const r = await purgePersonalData(off);
    // The stream's changes are not personal data and not a setting: they are always pruned.
    expect(r.counts).toEqual({ stream_changes: 0 });
    expect(r.cutoffs).toMatchObject({ webhook_bodies: null, conversations: null, media: null });
    expect((await one<{ body: string }>(`select body from whatsapp_inbox where id = 'win_ancient'`)).body).toBe(PII);
  });

  it('the job purges in bounded batches and queues a follow-up run while work is left', async () => {
    for (let i = 0; i < 5; i++)
      await db.query(`insert into whatsapp_inbox (id, body, received_at, status) values ($1, $2, $3, 'processed')`, [`win_bulk_${i}`, PII, daysAgo(60)]);
    const bounded = await purgePersonalData(ctx, { batchSize: 2, maxBatches: 1 });
    expect(bounded).toMatchObject({ more: true, counts: { whatsapp_inbox: 2 } });
    const left = async () => (await one<{ n: number }>(`select count(*)::int as n from whatsapp_inbox where body = $1`, [PII])).n;
    expect(await left()).toBe(4); // 3 bulk rows and win_ancient
    const job = (kind: string) => ({ id: 'job_x', kind, payload: {}, merchant_id: null }) as unknown as JobRow;
    await retentionJobHandlers(ctx, { batchSize: 2, maxBatches: 1 })['retention.purge']!(job('retention.purge'));
    expect(await left()).toBe(2);
    const queued = await db.query<{ dedupe_key: string }>(`select dedupe_key from jobs where kind = 'retention.purge' and status = 'queued'`);
    expect(queued).toEqual([{ dedupe_key: `retention.purge:more:${NOW.getTime()}` }]);
    // The hourly maintenance job queues the regular run (once per hour, however often it is asked).
    await jobHandlers(ctx)['maintenance']!(job('maintenance'));
    await jobHandlers(ctx)['maintenance']!(job('maintenance'));
    expect(
      (await db.query(`select 1 from jobs where kind = 'retention.purge' and dedupe_key = $1`, [`retention.purge:${maintenanceDedupeKey(NOW)}`])).length,
    ).toBe(1);
    await jobHandlers(ctx)['retention.purge']!(job('retention.purge'));
    expect(await left()).toBe(0);
  });
});
