// Checkout links as the API shows them, with the schema their routes answer with.
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { CheckoutLinkRow } from './checkout-links.repository.ts';

const minor = (what: string) => z.number().int().describe(`${what}, in minor units of the currency`);

export const LINK_STATES = ['active', 'inactive', 'expired', 'exhausted'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** Whether a payer may start paying now: inactive, expired and exhausted links answer 410. */
export function linkState(l: CheckoutLinkRow, now: Date): LinkState {
  if (!l.active) return 'inactive';
  if (l.expires_at && l.expires_at.getTime() <= now.getTime()) return 'expired';
  if (l.max_payments !== null && l.payments_captured >= l.max_payments) return 'exhausted';
  return 'active';
}

export const checkoutLinkSchema = z
  .object({
    id: z.string().describe('chl_…'),
    object: z.literal('checkout_link'),
    name: z.string(),
    description: z.string().nullable(),
    currency: z.string().describe('ISO 4217'),
    amount: minor('A fixed amount').nullable(),
    amount_range: z
      .object({ min: minor('Least'), max: minor('Most') })
      .nullable()
      .describe('The payer types an amount within it'),
    retailer_ids: z.array(z.string()).describe('Catalog products the payer buys (one of each), at their catalog prices'),
    max_payments: z.number().int().nullable().describe('Captured payments it takes; null: no limit'),
    payments_captured: z.number().int().describe('Captured payments counted so far'),
    expires_at: isoTime.nullable(),
    active: z.boolean(),
    state: z.enum(LINK_STATES).describe('active, or why payers are refused: inactive, expired, exhausted (max_payments reached)'),
    url: z.string().describe('{PUBLIC_URL}/c/{slug}: the public page to share'),
    qr_svg_url: z.string().describe('A QR code of url, as SVG (public, like the page)'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'CheckoutLink', description: 'A reusable link to pay the shop: a fixed amount, an amount in a range, or products' });

export const checkoutLinkListSchema = listOf(checkoutLinkSchema);

export const linkUrl = (publicUrl: string, slug: string) => `${publicUrl}/c/${slug}`;

export function presentLink(l: CheckoutLinkRow, publicUrl: string, now: Date): z.infer<typeof checkoutLinkSchema> {
  return {
    id: l.id,
    object: 'checkout_link',
    name: l.name,
    description: l.description,
    currency: l.currency,
    amount: l.amount,
    amount_range: l.amount_min !== null && l.amount_max !== null ? { min: l.amount_min, max: l.amount_max } : null,
    retailer_ids: l.retailer_ids,
    max_payments: l.max_payments,
    payments_captured: l.payments_captured,
    expires_at: iso(l.expires_at),
    active: l.active,
    state: linkState(l, now),
    url: linkUrl(publicUrl, l.slug),
    qr_svg_url: `${linkUrl(publicUrl, l.slug)}/qr.svg`,
    created_at: iso(l.created_at)!,
    updated_at: iso(l.updated_at)!,
  };
}
