// A customer's data, for the person's rights: everything we hold on them as one JSON
// document (owner only; the audit log records the download), and erasure (owner only;
// idempotent): their personal data removed everywhere, while orders, payments, refunds and
// the ledger stay, pointing at the same customer id under a pseudonym. docs/customers.md.
import crypto from 'node:crypto';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getCustomer, presentCustomer } from '../customers/index.ts';
import { customerData, customerErasedAt, eraseCustomerData, lockCustomerForErasure } from './customer-data.repository.ts';

/** The pseudonym an erased customer is shown under: stable per customer, no personal data in it. */
export const pseudonymOf = (customerId: string) => `Erased customer ${crypto.createHash('sha256').update(customerId).digest('hex').slice(0, 8)}`;

export async function exportCustomer(ctx: AppContext, q: Queryable, merchantId: string, id: string) {
  const c = await getCustomer(q, merchantId, id);
  if (!c) return err(domainError('not_found', `No customer ${id}`));
  const { identity_history, ...rest } = await customerData(q, merchantId, id);
  const erased = await customerErasedAt(q, merchantId, id);
  return ok({
    object: 'customer_export' as const,
    exported_at: ctx.clock.now().toISOString(),
    customer: { ...presentCustomer(c), erased_at: erased ? erased.toISOString() : null },
    identity_history,
    ...rest,
  });
}

export interface Erasure {
  id: string;
  erased_at: Date;
  pseudonym: string;
  /** Rows changed per table by this call (all zero when it had been erased already). */
  changed: Record<string, number>;
  already: boolean;
}

export async function eraseCustomer(ctx: AppContext, tx: Tx, merchantId: string, id: string): Promise<Result<Erasure>> {
  const c = await lockCustomerForErasure(tx, merchantId, id);
  if (!c) return err(domainError('not_found', `No customer ${id}`));
  const pseudonym = pseudonymOf(id);
  if (c.erased_at) return ok({ id, erased_at: c.erased_at, pseudonym, changed: {}, already: true });
  const now = ctx.clock.now();
  const ids = [c.wa_id, c.bsuid].filter((x): x is string => !!x);
  const changed = await eraseCustomerData(tx, { merchantId, customerId: id, pseudonym, ids, now });
  return ok({ id, erased_at: now, pseudonym, changed, already: false });
}
