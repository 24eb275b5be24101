// A customer as the API names one: "cus_…", {"wa_id"} or {"bsuid"} (docs/customers.md).
import { domainError } from '../../domain/errors.ts';
import { isId, newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import { learnCustomer } from './customers.identity.ts';
import { findCustomerBy, getCustomer, insertCustomer, type CustomerRow } from './customers.repository.ts';

export type CustomerRef =
  | string
  | { wa_id: string; name?: string | undefined }
  | { bsuid: string; name?: string | undefined }
  /** Internal callers that know the customer and a name typed for this order (a Flow's form). */
  | { id: string; name?: string | undefined }
  /**
   * A guest: a new customer with no WhatsApp identity, only the name they typed (a payer on a
   * checkout link). A number typed on a public page is never an identity (anyone can type
   * anyone's number), so it never finds or makes the customer who holds it.
   */
  | { guest: true; name: string };

/**
 * The customer a reference names. A phone we do not know yet makes a new customer when
 * `create` is set (an order for a new number); a BSUID we never saw is refused, since Meta
 * only ever tells a business its BSUIDs in webhooks.
 */
export async function resolveCustomer(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  ref: CustomerRef,
  o: { create?: boolean } = {},
): Promise<Result<CustomerRow>> {
  if (typeof ref === 'string') {
    const c = isId('cus', ref) ? await getCustomer(tx, merchantId, ref) : undefined;
    return c ? ok(c) : err(domainError('not_found', `No customer ${ref}`, { path: 'customer' }));
  }
  if ('id' in ref) return resolveCustomer(ctx, tx, merchantId, ref.id);
  if ('guest' in ref) {
    if (!o.create) return err(domainError('not_found', 'A guest customer is made with their order', { path: 'customer' }));
    // A guest has no phone or BSUID, so no other customer can conflict with the insert.
    return ok(
      (await insertCustomer(tx, {
        id: newId('cus'),
        merchant_id: merchantId,
        bsuid: null,
        wa_id: null,
        username: null,
        name: ref.name,
        profile_name: null,
        now: ctx.clock.now(),
      }))!,
    );
  }
  if ('bsuid' in ref) {
    const c = await findCustomerBy(tx, merchantId, { bsuid: ref.bsuid });
    return c ? ok(c) : err(domainError('not_found', `No customer with bsuid ${ref.bsuid}`, { path: 'customer.bsuid' }));
  }
  const found = await findCustomerBy(tx, merchantId, { wa_id: ref.wa_id });
  if (found) return ok(found);
  if (!o.create) return err(domainError('not_found', `No customer with wa_id ${ref.wa_id}`, { path: 'customer.wa_id' }));
  const c = await learnCustomer(ctx, tx, merchantId, { waId: ref.wa_id, name: ref.name });
  return ok(c!);
}

/** How a person shows: the merchant's name for them, else WhatsApp's profile name, else the username. */
export const displayName = (c: Pick<CustomerRow, 'name' | 'profile_name' | 'username'>): string | null => c.name ?? c.profile_name ?? c.username ?? null;

/** The customer as business events and other objects embed it. */
export const customerSummary = (c: CustomerRow) => ({ id: c.id, bsuid: c.bsuid, wa_id: c.wa_id, name: displayName(c) });
