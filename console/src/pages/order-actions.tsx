// What can be done with an order, by role: change status, cancel, bill again, reorder,
// refund (full or partial, with a reason, confirmed with the amount), resolve a review.
// Each change carries one Idempotency-Key per intent (useAction).
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { Order } from '../api/types.ts';
import { formatMoney, parseAmount } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Field, Select } from '../ui/field.tsx';
import { ErrorNote } from '../ui/states.tsx';

const t = {
  actions: 'Actions',
  status: 'Order status',
  setStatus: 'Update status',
  cancel: 'Cancel order',
  cancelTitle: 'Cancel this order?',
  cancelReason: 'Reason (optional)',
  cancelConfirm: 'Cancel the order',
  keep: 'Keep it',
  billAgain: 'Send a new bill',
  reorder: 'Reorder',
  refund: 'Refund',
  refundTitle: 'Refund',
  full: 'Full refund',
  partial: 'Partial refund',
  amount: 'Amount',
  reason: 'Reason',
  refundConfirm: (amount: string) => `Refund ${amount}`,
  refundSummary: (amount: string, ref: string) => `${amount} goes back to the customer of ${ref}. This cannot be undone.`,
  badAmount: 'Enter an amount up to what was paid and not yet refunded.',
  back: 'Back',
  reviewAccept: 'Accept payment',
  reviewRefund: 'Refund payment',
  reviewTitle: 'Resolve the review',
  reviewAcceptText: 'Keep the money and carry on with the order.',
  reviewRefundText: (amount: string) => `Refund ${amount} to the customer and close the review.`,
  confirm: 'Confirm',
  done: 'Done.',
};

const STATUSES = ['pending', 'processing', 'partially_shipped', 'shipped', 'completed'] as const;
type Status = (typeof STATUSES)[number];

export function OrderActions({ order: o }: { order: Order }) {
  const can = useCan();
  const p = usePresentation();
  const navigate = useNavigate();
  const money = (n: number) => formatMoney(n, o.currency, p.locale);
  const path = { params: { path: { id: o.id } } };
  const invalidate = [['order', o.id], ['orders'], ['report']];
  const current = (STATUSES as readonly string[]).includes(o.status) ? (o.status as Status) : 'processing';
  const [status, setStatus] = useState<Status>(current);
  // The order moves on its own (paid → processing, a live update): the picker follows it.
  useEffect(() => setStatus(current), [current]);
  const [dialog, setDialog] = useState<'' | 'cancel' | 'refund' | 'review-accept' | 'review-refund'>('');
  const [cancelReason, setCancelReason] = useState('');
  const [refundKind, setRefundKind] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');

  const changeStatus = useAction((s: Status, key) => body(api.POST('/v1/orders/{id}/status', { ...path, body: { status: s }, ...idem(key) })), { invalidate });
  const cancel = useAction((r: string, key) => body(api.POST('/v1/orders/{id}/cancel', { ...path, body: r ? { reason: r } : {}, ...idem(key) })), {
    invalidate,
    onSuccess: () => setDialog(''),
  });
  const bill = useAction((_: undefined, key) => body(api.POST('/v1/orders/{id}/bill', { ...path, body: { send: true }, ...idem(key) })), { invalidate });
  // The API's reorder: the canceled (or expired) order's catalog items at today's prices, billed the same way.
  const reorder = useAction((_: undefined, key) => body<Order>(api.POST('/v1/orders/{id}/reorder', { ...path, ...idem(key) })), {
    invalidate: [['orders']],
    onSuccess: (n) => navigate(`/orders/${n.id}`),
  });
  const refundable = o.amount_paid - o.amount_refunded;
  const amount = refundKind === 'full' ? refundable : parseAmount(amountText, o.currency);
  const amountOk = amount !== null && amount > 0 && amount <= refundable;
  const refund = useAction(
    (v: { amount: number; reason: string }, key) =>
      // The key is a declared, required header of this route (the others take it through idem()).
      body(
        api.POST('/v1/orders/{id}/refunds', {
          params: { path: { id: o.id }, header: { 'Idempotency-Key': key } },
          body: { amount: v.amount, ...(v.reason ? { reason: v.reason } : {}) },
        }),
      ),
    { invalidate, onSuccess: () => setDialog('') },
  );
  const review = useAction((action: 'accept' | 'refund', key) => body(api.POST('/v1/orders/{id}/review', { ...path, body: { action }, ...idem(key) })), {
    invalidate,
    onSuccess: () => setDialog(''),
  });

  const open = ['pending', 'processing', 'partially_shipped', 'shipped'].includes(o.status);
  const unpaid = ['unpaid', 'failed', 'expired', 'canceled'].includes(o.payment_status);
  const inReview = o.payment_status === 'manual_review';
  const buttons = [];
  if (can('orders.money') && inReview) {
    buttons.push(
      <button key="ra" type="button" className="primary" onClick={() => setDialog('review-accept')} data-testid="review-accept">
        {t.reviewAccept}
      </button>,
      <button key="rr" type="button" onClick={() => setDialog('review-refund')} data-testid="review-refund">
        {t.reviewRefund}
      </button>,
    );
  }
  if (can('orders.money') && refundable > 0 && !inReview) {
    buttons.push(
      <button
        key="rf"
        type="button"
        onClick={() => {
          refund.renew();
          setDialog('refund');
        }}
        data-testid="refund"
      >
        {t.refund}
      </button>,
    );
  }
  if (can('orders.create') && open && unpaid && o.customer.wa_id) {
    buttons.push(
      <button key="bill" type="button" onClick={() => bill.mutate(undefined)} disabled={bill.isPending} data-testid="bill-again">
        {t.billAgain}
      </button>,
    );
  }
  if (can('orders.create') && o.status === 'canceled' && o.items.some((i) => i.retailer_id)) {
    buttons.push(
      <button key="re" type="button" onClick={() => reorder.mutate(undefined)} disabled={reorder.isPending} data-testid="reorder">
        {t.reorder}
      </button>,
    );
  }
  if (can('orders.status') && open && o.payment_status !== 'paid' && o.payment_status !== 'partially_refunded') {
    buttons.push(
      <button key="cx" type="button" className="danger" onClick={() => setDialog('cancel')} data-testid="cancel-order">
        {t.cancel}
      </button>,
    );
  }
  const statusForm = can('orders.status') && open && (
    <form
      className="inline"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        changeStatus.mutate(status);
      }}
    >
      <Select
        label={t.status}
        value={status}
        onChange={(e) => {
          setStatus(e.target.value as Status);
          changeStatus.renew();
        }}
        data-testid="status-select"
      >
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s.replace(/_/g, ' ')}
          </option>
        ))}
      </Select>
      <button type="submit" disabled={changeStatus.isPending}>
        {t.setStatus}
      </button>
    </form>
  );
  if (!buttons.length && !statusForm) return null;
  return (
    <section aria-label={t.actions} className="actions-bar">
      {statusForm}
      <div className="actions">{buttons}</div>
      <ErrorNote error={changeStatus.error} />
      <ErrorNote error={bill.error} />
      <ErrorNote error={reorder.error} />

      <Dialog open={dialog === 'cancel'} title={t.cancelTitle} onClose={() => setDialog('')} testId="cancel-dialog">
        <Field label={t.cancelReason} value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} maxLength={200} />
        <ErrorNote error={cancel.error} />
        <div className="actions">
          <button type="button" className="danger" onClick={() => cancel.mutate(cancelReason)} disabled={cancel.isPending}>
            {t.cancelConfirm}
          </button>
          <button type="button" onClick={() => setDialog('')}>
            {t.keep}
          </button>
        </div>
      </Dialog>

      <Dialog open={dialog === 'refund'} title={t.refundTitle} onClose={() => setDialog('')} testId="refund-dialog">
        <fieldset className="choice">
          <legend className="sr-only">{t.refundTitle}</legend>
          <label>
            <input
              type="radio"
              name="refund-kind"
              checked={refundKind === 'full'}
              onChange={() => {
                setRefundKind('full');
                refund.renew();
              }}
            />
            {t.full} ({money(refundable)})
          </label>
          <label>
            <input
              type="radio"
              name="refund-kind"
              checked={refundKind === 'partial'}
              onChange={() => {
                setRefundKind('partial');
                refund.renew();
              }}
            />
            {t.partial}
          </label>
        </fieldset>
        {refundKind === 'partial' ? (
          <Field
            label={`${t.amount} (${o.currency})`}
            inputMode="decimal"
            value={amountText}
            onChange={(e) => {
              setAmountText(e.target.value);
              refund.renew();
            }}
            data-testid="refund-amount"
          />
        ) : null}
        <Field label={t.reason} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="refund-reason" />
        {amountOk ? (
          <p className="note" data-testid="refund-summary">
            {t.refundSummary(money(amount), o.reference_id ?? o.id)}
          </p>
        ) : (
          <p className="note warn">{t.badAmount}</p>
        )}
        <ErrorNote error={refund.error} />
        <div className="actions">
          <button
            type="button"
            className="danger"
            disabled={!amountOk || refund.isPending}
            onClick={() => amountOk && refund.mutate({ amount, reason })}
            data-testid="refund-confirm"
          >
            {amountOk ? t.refundConfirm(money(amount)) : t.refund}
          </button>
          <button type="button" onClick={() => setDialog('')}>
            {t.back}
          </button>
        </div>
      </Dialog>

      <Dialog open={dialog === 'review-accept' || dialog === 'review-refund'} title={t.reviewTitle} onClose={() => setDialog('')} testId="review-dialog">
        <p>
          {dialog === 'review-accept'
            ? t.reviewAcceptText
            : t.reviewRefundText(money(typeof o.review?.['amount'] === 'number' ? o.review['amount'] : o.amount_paid))}
        </p>
        <ErrorNote error={review.error} />
        <div className="actions">
          <button
            type="button"
            className={dialog === 'review-accept' ? 'primary' : 'danger'}
            disabled={review.isPending}
            onClick={() => review.mutate(dialog === 'review-accept' ? 'accept' : 'refund')}
            data-testid="review-confirm"
          >
            {t.confirm}
          </button>
          <button type="button" onClick={() => setDialog('')}>
            {t.back}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
