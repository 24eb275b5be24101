// Who a message is from. The BSUID (Meta's business-scoped user id) is the identity when
// present; the phone is an attribute that may be missing and may move to another person.
// Rules (docs/customers.md):
// - a known BSUID is that customer, whatever phone comes with it (the phone is updated);
// - a new BSUID with a phone held by a customer without a BSUID links the two (one person);
// - a new BSUID with a phone held by a customer with another BSUID is a second person (the
//   number was recycled): the phone moves to the new customer, never fusing the two;
// - a phone alone finds the customer holding it, or a new one.
// Every change of an identifier is kept in customer_identity_changes.
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import {
  findCustomerBy,
  insertCustomer,
  insertIdentityChange,
  lockCustomersByIdentity,
  updateCustomer,
  type CustomerPatch,
  type CustomerRow,
} from './customers.repository.ts';

export interface SeenIdentity {
  bsuid?: string | null | undefined;
  waId?: string | null | undefined;
  username?: string | null | undefined;
  profileName?: string | null | undefined;
  /** A name typed by the merchant or a form (orders): kept only while the customer has none. */
  name?: string | null | undefined;
}

async function record(ctx: AppContext, tx: Tx, c: CustomerRow, field: 'wa_id' | 'bsuid', old: string | null, next: string | null, reason: string) {
  await insertIdentityChange(tx, { id: newId('cic'), merchantId: c.merchant_id, customerId: c.id, field, old, new: next, reason, now: ctx.clock.now() });
}

/** Takes a phone away from the customer holding it (it now belongs to someone else). */
async function releasePhone(ctx: AppContext, tx: Tx, holder: CustomerRow, reason: string): Promise<void> {
  await updateCustomer(tx, holder.merchant_id, holder.id, { wa_id: null }, ctx.clock.now());
  await record(ctx, tx, holder, 'wa_id', holder.wa_id, null, reason);
}

/** The customer these identifiers name, created or updated as the rules above say; undefined with neither a BSUID nor a phone. */
export async function learnCustomer(ctx: AppContext, tx: Tx, merchantId: string, seen: SeenIdentity): Promise<CustomerRow | undefined> {
  const bsuid = seen.bsuid || null;
  const waId = seen.waId || null;
  if (!bsuid && !waId) return undefined;
  const now = ctx.clock.now();
  const rows = await lockCustomersByIdentity(tx, merchantId, bsuid, waId);
  const byB = bsuid ? rows.find((r) => r.bsuid === bsuid) : undefined;
  const byP = waId ? rows.find((r) => r.wa_id === waId) : undefined;
  let target: CustomerRow;
  if (byB) {
    target = byB;
    if (waId && byB.wa_id !== waId) {
      if (byP && byP.id !== byB.id) await releasePhone(ctx, tx, byP, `number now used by ${byB.id}`);
      target = await updateCustomer(tx, merchantId, byB.id, { wa_id: waId }, now);
      await record(ctx, tx, byB, 'wa_id', byB.wa_id, waId, byB.wa_id ? 'number changed' : 'number shared');
    }
  } else if (bsuid && byP && !byP.bsuid) {
    target = await updateCustomer(tx, merchantId, byP.id, { bsuid }, now);
    await record(ctx, tx, byP, 'bsuid', null, bsuid, 'linked by a message from the number');
  } else {
    if (bsuid && byP) await releasePhone(ctx, tx, byP, 'number recycled: a new user id came with it');
    else if (!bsuid && byP) return refresh(ctx, tx, byP, seen);
    const made = await insertCustomer(tx, {
      id: newId('cus'),
      merchant_id: merchantId,
      bsuid,
      wa_id: waId,
      username: seen.username ?? null,
      name: seen.name ?? null,
      profile_name: seen.profileName ?? null,
      now,
    });
    // Two first messages or orders of one new person at once: the other transaction made
    // them first (the insert waited for its commit). Start over: this time they are found.
    return made ?? learnCustomer(ctx, tx, merchantId, seen);
  }
  return refresh(ctx, tx, target, seen);
}

/** Display attributes: the profile name and username as WhatsApp last told them; a typed name only where none is set. */
async function refresh(ctx: AppContext, tx: Tx, c: CustomerRow, seen: SeenIdentity): Promise<CustomerRow> {
  const patch: CustomerPatch = {};
  if (seen.profileName && seen.profileName !== c.profile_name) patch.profile_name = seen.profileName;
  if (seen.username && seen.username !== c.username) patch.username = seen.username;
  if (seen.name && !c.name && !c.profile_name) patch.name = seen.name;
  return Object.keys(patch).length > 0 ? updateCustomer(tx, c.merchant_id, c.id, patch, ctx.clock.now()) : c;
}

/** `user_changed_number`: the same person, a new phone (moved away from whoever held it). */
export async function changeNumber(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  from: { bsuid?: string | null | undefined; waId?: string | null | undefined },
  newWaId: string,
): Promise<CustomerRow | undefined> {
  const c =
    (from.bsuid ? await findCustomerBy(tx, merchantId, { bsuid: from.bsuid }) : undefined) ??
    (from.waId ? await findCustomerBy(tx, merchantId, { wa_id: from.waId }) : undefined);
  if (!c) return learnCustomer(ctx, tx, merchantId, { bsuid: from.bsuid, waId: newWaId });
  if (c.wa_id === newWaId) return c;
  const holder = await findCustomerBy(tx, merchantId, { wa_id: newWaId });
  if (holder && holder.id !== c.id) await releasePhone(ctx, tx, holder, `number now used by ${c.id}`);
  const next = await updateCustomer(tx, merchantId, c.id, { wa_id: newWaId }, ctx.clock.now());
  await record(ctx, tx, c, 'wa_id', c.wa_id, newWaId, 'user_changed_number');
  return next;
}

/** `user_changed_user_id`: the same person under a new BSUID (Meta issues one when the number changes). */
export async function changeBsuid(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  from: { bsuid?: string | null | undefined; waId?: string | null | undefined },
  newBsuid: string,
): Promise<CustomerRow | undefined> {
  const c =
    (from.bsuid ? await findCustomerBy(tx, merchantId, { bsuid: from.bsuid }) : undefined) ??
    (from.waId ? await findCustomerBy(tx, merchantId, { wa_id: from.waId }) : undefined);
  if (!c) return learnCustomer(ctx, tx, merchantId, { bsuid: newBsuid, waId: from.waId });
  if (c.bsuid === newBsuid) return c;
  // Another row already holds the new BSUID (a message under it came first): keep that person, note the link.
  const other = await findCustomerBy(tx, merchantId, { bsuid: newBsuid });
  if (other) {
    await record(ctx, tx, other, 'bsuid', c.bsuid, newBsuid, `user_changed_user_id: previously ${c.id}`);
    return other;
  }
  const next = await updateCustomer(tx, merchantId, c.id, { bsuid: newBsuid }, ctx.clock.now());
  await record(ctx, tx, c, 'bsuid', c.bsuid, newBsuid, 'user_changed_user_id');
  return next;
}
