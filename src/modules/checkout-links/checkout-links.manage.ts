// Creating and changing checkout links. A link takes exactly one of: a fixed amount, an
// amount range the payer types within, or catalog products (at their catalog prices when
// paid). The slug carries 128 random bits (16 bytes, base64url): the link is its own secret.
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { isCurrency, MAX_MINOR } from '../../domain/money.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import { getLink, insertLink, updateLink, type CheckoutLinkPatch, type CheckoutLinkRow } from './checkout-links.repository.ts';

/** Random bytes of a slug: 128 bits, above the 96 the contract asks. */
export const SLUG_BYTES = 16;

export interface LinkInput {
  name: string;
  currency: string;
  amount?: number | undefined;
  amount_range?: { min: number; max: number } | undefined;
  description?: string | null | undefined;
  retailer_ids?: string[] | undefined;
  max_payments?: number | null | undefined;
  expires_at?: string | null | undefined;
  active?: boolean | undefined;
}

export type LinkChange = Partial<Omit<LinkInput, 'currency'>>;

const invalid = (message: string, path: string) => err(domainError('validation_error', message, { path }));

type Pricing = Pick<CheckoutLinkRow, 'amount' | 'amount_min' | 'amount_max' | 'retailer_ids'>;

/** Exactly one way to price the link, checked against the catalog when it names products. */
async function checkPricing(tx: Tx, merchantId: string, currency: string, p: Pricing): Promise<Result<Pricing>> {
  const kinds = [p.amount !== null, p.amount_min !== null, p.retailer_ids.length > 0].filter(Boolean).length;
  if (kinds !== 1) return invalid('give exactly one of amount, amount_range or retailer_ids', 'amount');
  if (p.amount_min !== null && p.amount_max !== null && p.amount_max < p.amount_min)
    return invalid('amount_range.max must be at least amount_range.min', 'amount_range.max');
  if (p.retailer_ids.length > 0) {
    const ids = [...new Set(p.retailer_ids)];
    if (ids.length !== p.retailer_ids.length) return invalid('retailer_ids: each product once', 'retailer_ids');
    const found = new Map((await getProductsByRetailerIds(tx, merchantId, ids)).map((x) => [x.retailer_id, x]));
    for (const [i, id] of ids.entries()) {
      const product = found.get(id);
      if (!product) return invalid(`retailer_ids.${i}: no product ${id} in the catalog`, `retailer_ids.${i}`);
      if (product.currency !== currency) return invalid(`retailer_ids.${i}: ${id} is priced in ${product.currency}, not ${currency}`, `retailer_ids.${i}`);
    }
  }
  return ok(p);
}

function checkExpiry(expiresAt: string | null | undefined, now: Date): Result<Date | null> {
  if (expiresAt === undefined || expiresAt === null) return ok(null);
  const d = new Date(expiresAt);
  if (d.getTime() <= now.getTime()) return invalid('expires_at must be in the future', 'expires_at');
  return ok(d);
}

export async function createLink(ctx: AppContext, tx: Tx, merchantId: string, input: LinkInput): Promise<Result<CheckoutLinkRow>> {
  if (!isCurrency(input.currency)) return invalid(`currency: ${input.currency} is not an ISO 4217 currency`, 'currency');
  const now = ctx.clock.now();
  const pricing = await checkPricing(tx, merchantId, input.currency, {
    amount: input.amount ?? null,
    amount_min: input.amount_range?.min ?? null,
    amount_max: input.amount_range?.max ?? null,
    retailer_ids: input.retailer_ids ?? [],
  });
  if (!pricing.ok) return pricing;
  const expires = checkExpiry(input.expires_at, now);
  if (!expires.ok) return expires;
  return ok(
    await insertLink(tx, {
      id: newId('chl'),
      merchant_id: merchantId,
      slug: newSecretToken(SLUG_BYTES),
      name: input.name,
      description: input.description ?? null,
      currency: input.currency,
      ...pricing.value,
      max_payments: input.max_payments ?? null,
      expires_at: expires.value,
      active: input.active ?? true,
      now,
    }),
  );
}

export async function changeLink(ctx: AppContext, tx: Tx, merchantId: string, id: string, change: LinkChange): Promise<Result<CheckoutLinkRow>> {
  const link = await getLink(tx, merchantId, id, { forUpdate: true });
  if (!link) return err(domainError('not_found', `No checkout link ${id}`));
  const now = ctx.clock.now();
  const patch: CheckoutLinkPatch = {};
  if (change.name !== undefined) patch.name = change.name;
  if (change.description !== undefined) patch.description = change.description;
  if (change.active !== undefined) patch.active = change.active;
  if (change.max_payments !== undefined) patch.max_payments = change.max_payments;
  if (change.expires_at !== undefined) {
    const expires = checkExpiry(change.expires_at, now);
    if (!expires.ok) return expires;
    patch.expires_at = expires.value;
  }
  // A new way of pricing replaces the old one (give one of them).
  if (change.amount !== undefined || change.amount_range !== undefined || change.retailer_ids !== undefined) {
    const pricing = await checkPricing(tx, merchantId, link.currency, {
      amount: change.amount ?? null,
      amount_min: change.amount_range?.min ?? null,
      amount_max: change.amount_range?.max ?? null,
      retailer_ids: change.retailer_ids ?? [],
    });
    if (!pricing.ok) return pricing;
    Object.assign(patch, pricing.value);
  }
  return ok(await updateLink(tx, merchantId, id, patch, now));
}

/** The bounds a payer's amount must fall within (a range link), in minor units. */
export const amountBounds = (l: CheckoutLinkRow) => ({ min: l.amount_min ?? 1, max: l.amount_max ?? MAX_MINOR });
