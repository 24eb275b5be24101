import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import { getCustomer, updateCustomer, type CustomerRow } from './customers.repository.ts';

export interface CustomerChange {
  /** The merchant's name for this person; null goes back to WhatsApp's profile name. */
  name?: string | null | undefined;
  tags?: string[] | undefined;
}

export async function changeCustomer(ctx: AppContext, tx: Tx, merchantId: string, id: string, change: CustomerChange): Promise<Result<CustomerRow>> {
  const c = await getCustomer(tx, merchantId, id, { forUpdate: true });
  if (!c) return err(domainError('not_found', `No customer ${id}`));
  const tags = change.tags === undefined ? undefined : [...new Set(change.tags.map((t) => t.trim()).filter((t) => t.length > 0))];
  return ok(await updateCustomer(tx, merchantId, id, { name: change.name, tags }, ctx.clock.now()));
}
