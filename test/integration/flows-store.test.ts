// The Flows tables on both drivers: key pairs (kept or replaced), token checks (merchant,
// expiry, completion), one order per flow token as a database fact, and one live booking
// per slot (the data model of the booking flow).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFlowKeyPair } from '../../src/adapters/flows/flow-crypto.ts';
import { storeFlowKeys } from '../../src/modules/flows/flows.keys.ts';
import { claimFlowToken, issueFlowToken } from '../../src/modules/flows/flows.tokens.ts';
import { orderFood } from '../../src/modules/flows/definitions/order-food.flow.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { createOrder } from '../../src/modules/orders/orders.create.ts';
import { newId } from '../../src/domain/ids.ts';
import { isUniqueViolation } from '../../src/platform/store/db.ts';
import { getFlowToken, setOrderFlowToken } from '../../src/modules/flows/flows.repository.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;
let merchantId: string;
let otherId: string;
const cli = { source: 'cli' as const, id: 'test' };

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  merchantId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Kitchen'))).merchant.id;
  otherId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Other'))).merchant.id;
});
afterAll(async () => {
  await db?.close();
});

describe('flow keys', () => {
  it('are stored once and replaced only when rotating', async () => {
    const [a, b] = [await generateFlowKeyPair(), await generateFlowKeyPair()];
    const first = await db.transaction((tx) => storeFlowKeys(ctx, tx, merchantId, a, { rotate: false }));
    expect(first.ok).toBe(true);
    const again = await db.transaction((tx) => storeFlowKeys(ctx, tx, merchantId, b, { rotate: false }));
    expect(again.ok ? 'stored' : again.error.code).toBe('conflict');
    const rotated = await db.transaction((tx) => storeFlowKeys(ctx, tx, merchantId, b, { rotate: true }));
    expect(rotated.ok && rotated.value.public_key_pem).toBe(b.publicKeyPem);
    expect(rotated.ok && ctx.secrets.open(rotated.value.private_key)).toBe(b.privateKeyPem);
  });
});

describe('flow tokens', () => {
  it('are unguessable, bound to their merchant, and refused after expiry or completion', async () => {
    const issue = () => db.transaction((tx) => issueFlowToken(ctx, tx, { merchantId, waId: '919800000001', def: orderFood }));
    const t = await issue();
    expect(t.token).toMatch(/^flt_[A-Za-z0-9_-]{32}$/);
    expect(t.expires_at.getTime() - ctx.clock.now().getTime()).toBe(24 * 3600_000);
    const claim = (m: string, token: string) => db.transaction((tx) => claimFlowToken(ctx, tx, m, token));
    expect((await claim(merchantId, t.token)).ok).toBe(true);
    expect(await claim(otherId, t.token)).toEqual({ ok: false, error: 'unknown' });

    const done = await issue();
    await db.query(`update flow_tokens set status = 'completed' where token = $1`, [done.token]);
    expect(await claim(merchantId, done.token)).toEqual({ ok: false, error: 'completed' });

    ctx.clock.advance(24 * 3600_000);
    expect(await claim(merchantId, t.token)).toEqual({ ok: false, error: 'expired' });
    expect((await getFlowToken(db, t.token))!.status).toBe('expired');
  });

  it('key at most one order each: a second order with the same token is refused by the database', async () => {
    const token = (await db.transaction((tx) => issueFlowToken(ctx, tx, { merchantId, waId: '919800000002', def: orderFood }))).token;
    const order = () =>
      db.transaction(async (tx) => {
        const r = await createOrder(ctx, tx, cli, merchantId, {
          customer: { wa_id: '919800000002' },
          currency: 'INR',
          items: [{ name: 'Thali', amount: 25_000, quantity: 1 }],
          payment: { method: 'payment_link' },
        });
        if (!r.ok) throw new Error(r.error.message);
        await setOrderFlowToken(tx, merchantId, r.value.order.id, token);
        return r.value.order.id;
      });
    await order();
    const second = await order().catch((e: unknown) => e);
    expect(isUniqueViolation(second, 'orders_flow_token')).toBe(true);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from orders where flow_token = $1`, [token]))[0]!.n).toBe(1);
  });
});

describe('bookings data model', () => {
  it('lets exactly one live booking hold a slot; a released hold frees it', async () => {
    const svc = newId('svc');
    await db.query(
      `insert into booking_services (id, merchant_id, name, duration_minutes, slot_minutes, deposit, currency, weekly_hours) values ($1, $2, 'Haircut', 30, 30, 20000, 'INR', '{"mon": [["09:00", "13:00"]]}')`,
      [svc, merchantId],
    );
    const book = (status: string) =>
      db.query(
        `insert into bookings (id, merchant_id, service_id, customer_wa_id, starts_at, ends_at, time_zone, status, hold_expires_at)
         values ($1, $2, $3, '919800000003', '2026-03-02T04:30:00Z', '2026-03-02T05:00:00Z', 'Asia/Kolkata', $4, '2026-03-02T04:00:00Z') returning id`,
        [newId('bkg'), merchantId, svc, status],
      );
    const [held] = await book('held');
    expect(isUniqueViolation(await book('held').catch((e: unknown) => e), 'bookings_live_slot')).toBe(true);
    expect(isUniqueViolation(await book('confirmed').catch((e: unknown) => e), 'bookings_live_slot')).toBe(true);
    await db.query(`update bookings set status = 'expired' where id = $1`, [(held as { id: string }).id]);
    expect(await book('held')).toHaveLength(1);
  });
});
