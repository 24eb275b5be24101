// The sandbox PSP's event types and payment statuses in our words: the one table.
import type { LookedUpPayment, ProviderEventKind } from '../../../platform/payment-provider.port.ts';

export const SANDBOX_EVENT_KINDS: Record<string, ProviderEventKind> = {
  'payment.pending': 'payment.pending',
  'payment.captured': 'payment.captured',
  'payment.failed': 'payment.failed',
  // Thin: names the checkout only, so it can only trigger a lookup.
  'checkout.paid': 'payment.captured',
  'checkout.expired': 'checkout.expired',
  'checkout.canceled': 'checkout.canceled',
  'refund.succeeded': 'refund.succeeded',
  'refund.failed': 'refund.failed',
  'dispute.opened': 'dispute.opened',
  'dispute.won': 'dispute.won',
  'dispute.lost': 'dispute.lost',
};

export const SANDBOX_PAYMENT_STATUSES: Record<string, LookedUpPayment['status']> = {
  pending: 'pending',
  captured: 'captured',
  failed: 'failed',
  // Refunded money was captured first: a lookup that finds it proves the capture.
  refunded: 'refunded',
};

/** The PSP's `fee` (tax included) and `tax` on a captured payment, as our fee and feeTax. */
export function sandboxFee(p: { fee?: number | null; tax?: number | null } | undefined): { fee?: number; feeTax?: number } {
  const fee = p?.fee;
  if (typeof fee !== 'number' || !Number.isSafeInteger(fee) || fee <= 0) return {};
  const tax = p?.tax;
  return typeof tax === 'number' && Number.isSafeInteger(tax) && tax >= 0 && tax <= fee ? { fee, feeTax: tax } : { fee };
}

export const sandboxEventKind = (type: string): ProviderEventKind => SANDBOX_EVENT_KINDS[type] ?? 'ignored';
