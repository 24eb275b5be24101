// The WhatsApp Cloud API double below HTTP, on the test database (PGlite, or PostgreSQL
// with TEST_DATABASE_URL): concurrent sends against the per-number lock (throughput,
// pair limit, reference reuse), what a refused request leaves behind (nothing), and
// the forward-only status steps with their webhook events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { sendMessage } from '../../packages/sandbox/src/whatsapp/wa.send.ts';
import { applyStatus } from '../../packages/sandbox/src/whatsapp/wa.statuses.ts';
import { getMessage, touchCustomerInbound } from '../../packages/sandbox/src/whatsapp/wa.repository.ts';
import { JOB_DELIVER, JOB_STATUS } from '../../packages/sandbox/src/whatsapp/wa.types.ts';
import { listJobs } from '../../src/platform/jobs/jobs.repository.ts';
import { updateNumber, type WhatsAppNumberRow } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import type { SandboxContext } from '@chatcart/sandbox';
import { sandboxContext } from '../../src/composition/sandbox-host.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { orderDetails } from '../support/wa-sandbox.ts';

let db: TestDb;
let ctx: TestContext;
let sbx: SandboxContext;
let number: WhatsAppNumberRow;
let merchantId: string;
let c = 0;
const customer = () => `91990000${String(++c).padStart(4, '0')}`;
const text = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } });
const codes = (rs: { ok: boolean; error?: { code: number } }[]) => rs.map((r) => (r.ok ? 'ok' : r.error!.code)).sort();
const count = (rs: (string | number)[], v: string | number) => rs.filter((x) => x === v).length;

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  sbx = sandboxContext(ctx);
  const m = await db.transaction((tx) => onboardMerchant(ctx, tx, 'WA sandbox'));
  merchantId = m.merchant.id;
  number = (await db.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where merchant_id = $1`, [merchantId]))[0]!;
});
afterAll(async () => {
  await db?.close();
});

async function open(to: string) {
  await touchCustomerInbound(db, number.phone_number_id, to, 'Test', ctx.clock.now());
}

describe('limits under concurrency', () => {
  it('accepts exactly throughput_per_second sends in one second, whatever the interleaving', async () => {
    await updateNumber(db, merchantId, { throughput_per_second: 5 }, ctx.clock.now());
    const n = { ...number, throughput_per_second: 5 };
    const before = (await listJobs(db, { kind: JOB_STATUS })).length;
    const rs = codes(await Promise.all(Array.from({ length: 20 }, () => sendMessage(sbx, n, text(customer())))));
    expect(count(rs, 'ok')).toBe(5);
    expect(count(rs, 130429)).toBe(15);
    // Each accepted message planned its own steps (131047 here: none of them wrote first); refusals planned nothing.
    expect((await listJobs(db, { kind: JOB_STATUS })).length - before).toBe(5);
    ctx.clock.advance(1_001);
    expect((await sendMessage(sbx, n, text(customer()))).ok).toBe(true);
    await updateNumber(db, merchantId, { throughput_per_second: 80 }, ctx.clock.now());
  });

  it('lets a burst of exactly 10 through to one recipient', async () => {
    ctx.clock.advance(1_001);
    const to = customer();
    await open(to);
    const rs = codes(await Promise.all(Array.from({ length: 14 }, () => sendMessage(sbx, number, text(to)))));
    expect(count(rs, 'ok')).toBe(10);
    expect(count(rs, 131056)).toBe(4);
  });

  it('takes a reference_id once, even from concurrent sends', async () => {
    ctx.clock.advance(1_001);
    const to = customer();
    await open(to);
    const expiresAt = Math.floor(ctx.clock.now().getTime() / 1000) + 3600;
    const body = { messaging_product: 'whatsapp', to, type: 'interactive', interactive: orderDetails('SAME-REF-1', { expiresAt }) };
    const rs = codes(await Promise.all(Array.from({ length: 6 }, () => sendMessage(sbx, number, body))));
    expect(count(rs, 'ok')).toBe(1);
    expect(count(rs, 131009)).toBe(5);
    const orders = await db.query(`select * from sandbox_wa_orders where reference_id = 'SAME-REF-1'`);
    expect(orders).toHaveLength(1);
    expect(await db.query(`select wamid from sandbox_wa_messages where reference_id = 'SAME-REF-1'`)).toHaveLength(1);
  });
});

describe('status steps', () => {
  it('move a message forward only, each with one webhook event and its delivery job', async () => {
    ctx.clock.advance(1_001);
    const to = customer();
    await open(to);
    const r = await sendMessage(sbx, number, text(to));
    if (!r.ok) throw new Error('send refused');
    const wamid = (r.value['messages'] as { id: string }[])[0]!.id;
    const deliveries = async () => (await listJobs(db, { kind: JOB_DELIVER })).length;
    const d0 = await deliveries();
    expect(await db.transaction((tx) => applyStatus(sbx, tx, number, wamid, 'read'))).toBe(true);
    expect(await db.transaction((tx) => applyStatus(sbx, tx, number, wamid, 'delivered'))).toBe(false);
    expect(await db.transaction((tx) => applyStatus(sbx, tx, number, wamid, 'read'))).toBe(false);
    expect((await getMessage(db, wamid))!.status).toBe('read');
    expect((await deliveries()) - d0).toBe(1);
    const [event] = await db.query<{ value: any }>(`select value from sandbox_wa_events order by id desc limit 1`);
    expect(event!.value.statuses).toEqual([expect.objectContaining({ id: wamid, status: 'read', recipient_id: to })]);
  });
});
