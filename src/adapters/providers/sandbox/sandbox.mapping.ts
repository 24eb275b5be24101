// The sandbox PSP's event types and payment statuses in our words: the one table.
import type { LookedUpPayment, ProviderEventKind } from '../../../app/payment-provider.port.ts';

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

export const sandboxEventKind = (type: string): ProviderEventKind => SANDBOX_EVENT_KINDS[type] ?? 'ignored';
