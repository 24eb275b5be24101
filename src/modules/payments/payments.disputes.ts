// Disputes (chargebacks) reported by a provider webhook: the dispute row, its event, and
// its money in the ledger (recordDisputeMoney: withdrawn when it opens or is lost, given
// back when won). A final state never reopens; a repeat of the same state is a no-op.
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getDispute, upsertDispute } from './disputes.repository.ts';
import { getProviderPaymentByProviderId } from './provider-payments.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { recordDisputeMoney } from '../ledger/index.ts';
import type { NormalizedEvent } from '../../platform/payment-provider.port.ts';
import type { ApplyOutcome } from './payments.apply.ts';

export async function applyDispute(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, provider: string, ev: NormalizedEvent): Promise<ApplyOutcome> {
  if (!ev.providerDisputeId) return 'unmatched';
  const status = ev.kind === 'dispute.won' ? 'won' : ev.kind === 'dispute.lost' ? 'lost' : 'open';
  const existing = await getDispute(tx, merchantId, provider, ev.providerDisputeId);
  // A final dispute state never reopens; a repeat of the same state is a no-op.
  if (existing && (existing.status === status || existing.status !== 'open')) return 'stale';
  const pp = ev.providerPaymentId ? await getProviderPaymentByProviderId(tx, merchantId, provider, ev.providerPaymentId) : undefined;
  const { row, previous } = await upsertDispute(tx, {
    id: newId('dsp'),
    merchant_id: merchantId,
    order_id: pp?.order_id ?? null,
    payment_id: pp?.payment_id ?? null,
    provider,
    provider_dispute_id: ev.providerDisputeId,
    provider_payment_id: ev.providerPaymentId ?? null,
    amount: ev.amount ?? null,
    currency: ev.currency ?? null,
    status,
    reason: ev.reason ?? null,
    now: ctx.clock.now(),
  });
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId: row.order_id,
    type: `dispute.${status === 'open' ? (previous ? 'updated' : 'opened') : status}`,
    data: {
      dispute_id: row.id,
      provider,
      provider_dispute_id: row.provider_dispute_id,
      provider_payment_id: row.provider_payment_id,
      amount: row.amount,
      currency: row.currency,
      reason: row.reason,
      status,
    },
    previous: previous ? { status: previous.status } : null,
  });
  await recordDisputeMoney(tx, {
    merchantId,
    provider,
    providerDisputeId: row.provider_dispute_id,
    providerPaymentId: row.provider_payment_id,
    orderId: row.order_id,
    status,
    amount: row.amount ?? pp?.amount ?? null,
    currency: row.currency ?? pp?.currency ?? null,
    eventAt: ev.occurredAt instanceof Date && !Number.isNaN(ev.occurredAt.getTime()) ? ev.occurredAt : ctx.clock.now(),
    now: ctx.clock.now(),
  });
  return row.order_id ? 'recorded' : 'unmatched';
}
