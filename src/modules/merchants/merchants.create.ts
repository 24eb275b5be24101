import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import * as repo from './merchants.repository.ts';
import { createApiKey } from './merchants.api-keys.ts';
import type { AppContext } from '../../platform/context.ts';

export interface MerchantSettings {
  default_payment?: { method: string; provider: string };
  [k: string]: unknown;
}

export function defaultSettings(ctx: AppContext): MerchantSettings {
  return ctx.mode === 'sandbox' ? { default_payment: { method: 'payment_link', provider: 'sandbox' } } : {};
}

/**
 * Creates a merchant with its first API key; the key is returned once and stored only as a
 * hash. (A sandbox number comes with onboarding: composition/onboarding.ts.) `demo` marks
 * the sandbox's demo merchant, which live mode keeps inert.
 */
export async function createMerchant(
  ctx: AppContext,
  tx: Tx,
  name: string,
  opts: { demo?: boolean; business?: { time_zone?: string; locale?: string; currency?: string } } = {},
) {
  if (opts.demo && ctx.mode !== 'sandbox') throw new Error('the demo merchant exists only in sandbox mode');
  const merchant = await repo.insertMerchant(tx, {
    id: newId('mer'),
    name,
    settings: defaultSettings(ctx),
    demo: opts.demo === true,
    now: ctx.clock.now(),
    ...(opts.business ? { business: opts.business } : {}),
  });
  const created = await createApiKey(ctx, tx, merchant.id, 'default');
  if (!created.ok) throw new Error(`the first API key of ${merchant.id}: ${created.error.message}`);
  const { row, key } = created.value;
  return { merchant, apiKey: key, apiKeyRow: row };
}
