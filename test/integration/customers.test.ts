// Customers on both drivers: the BSUID is the identity, the phone an attribute. A phone
// customer later seen with a BSUID stays one person; a recycled number with a new BSUID is
// a second person (the phone moves, nothing is fused); user_changed_number and
// user_changed_user_id keep the person and record the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { changeBsuid, changeNumber, learnCustomer } from '../../src/modules/customers/customers.identity.ts';
import { getCustomer, listIdentityChanges } from '../../src/modules/customers/customers.repository.ts';
import { resolveCustomer } from '../../src/modules/customers/customers.refs.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;
let merchantId: string;
let otherId: string;
let n = 0;
const phone = () => `9198${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;
const bsuid = () => `IN.T${process.pid}X${++n}`;

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  merchantId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'People'))).merchant.id;
  otherId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Other people'))).merchant.id;
});
afterAll(async () => {
  await db?.close();
});

const learn = (seen: Parameters<typeof learnCustomer>[3], m = merchantId) => db.transaction((tx) => learnCustomer(ctx, tx, m, seen));

describe('customer identity', () => {
  it('a phone customer later seen with a BSUID stays one customer', async () => {
    const wa = phone();
    const b = bsuid();
    const first = (await learn({ waId: wa, profileName: 'Asha' }))!;
    expect(first).toMatchObject({ wa_id: wa, bsuid: null, profile_name: 'Asha' });
    const linked = (await learn({ waId: wa, bsuid: b, username: 'asha.k' }))!;
    expect(linked.id).toBe(first.id);
    expect(linked).toMatchObject({ wa_id: wa, bsuid: b, username: 'asha.k' });
    // The BSUID alone (the phone no longer shared) still finds her.
    expect((await learn({ bsuid: b }))!.id).toBe(first.id);
    expect((await listIdentityChanges(db, merchantId, first.id)).map((h) => [h.field, h.new_value])).toEqual([['bsuid', b]]);
  });

  it('a recycled number with a new BSUID becomes a second customer; the phone moves, nothing is fused', async () => {
    const wa = phone();
    const old = (await learn({ waId: wa, bsuid: bsuid(), profileName: 'First owner' }))!;
    const next = (await learn({ waId: wa, bsuid: bsuid(), profileName: 'Second owner' }))!;
    expect(next.id).not.toBe(old.id);
    expect(next.wa_id).toBe(wa);
    const before = (await getCustomer(db, merchantId, old.id))!;
    expect(before.wa_id).toBeNull();
    expect(before.bsuid).toBe(old.bsuid);
    expect(await listIdentityChanges(db, merchantId, old.id)).toEqual([expect.objectContaining({ field: 'wa_id', old_value: wa, new_value: null })]);
    // The API's {wa_id} names whoever holds the number now.
    const r = await db.transaction((tx) => resolveCustomer(ctx, tx, merchantId, { wa_id: wa }));
    expect(r.ok && r.value.id).toBe(next.id);
  });

  it('a username user with a BSUID only is a customer without a phone; another merchant has its own customers', async () => {
    const b = bsuid();
    const c = (await learn({ bsuid: b, username: 'chai_lover' }))!;
    expect(c).toMatchObject({ bsuid: b, wa_id: null, username: 'chai_lover' });
    const elsewhere = (await learn({ bsuid: b }, otherId))!;
    expect(elsewhere.id).not.toBe(c.id);
    expect(await learn({})).toBeUndefined();
    const missing = await db.transaction((tx) => resolveCustomer(ctx, tx, merchantId, { bsuid: bsuid() }));
    expect(missing.ok).toBe(false);
  });

  it('user_changed_number and user_changed_user_id keep the person and record the history', async () => {
    const wa = phone();
    const b = bsuid();
    const c = (await learn({ waId: wa, bsuid: b }))!;
    const wa2 = phone();
    const moved = (await db.transaction((tx) => changeNumber(ctx, tx, merchantId, { bsuid: b, waId: wa }, wa2)))!;
    expect(moved).toMatchObject({ id: c.id, wa_id: wa2 });
    const b2 = bsuid();
    const renamed = (await db.transaction((tx) => changeBsuid(ctx, tx, merchantId, { bsuid: b, waId: wa2 }, b2)))!;
    expect(renamed).toMatchObject({ id: c.id, bsuid: b2, wa_id: wa2 });
    expect((await learn({ bsuid: b2 }))!.id).toBe(c.id);
    const history = await listIdentityChanges(db, merchantId, c.id);
    expect(history.map((h) => [h.field, h.old_value, h.new_value, h.reason])).toEqual([
      ['wa_id', wa, wa2, 'user_changed_number'],
      ['bsuid', b, b2, 'user_changed_user_id'],
    ]);
  });
});
