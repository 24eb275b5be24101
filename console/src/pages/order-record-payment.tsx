// Money the shop's staff took for an order (cash on delivery, a bank transfer): recorded with
// POST /v1/orders/{id}/record-payment (`orders.money`: owner and admin) for exactly what is
// outstanding, and voided by the owner (`payments.void`) with a reason when it was a mistake.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, LIVE_MS, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { List, Order, Payment } from '../api/types.ts';
import { formatMinor } from '../../../src/domain/money.ts';
import { formatDateTime, formatMoney, parseAmount } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field, Select, TextArea } from '../ui/field.tsx';
import { ErrorNote } from '../ui/states.tsx';

const t = {
  title: 'Payments taken by staff',
  record: 'Record a payment',
  recordTitle: 'Record a payment you took',
  explain: (amount: string) => `${amount} is outstanding. Record it when the money reached you (cash on delivery, a bank transfer): the order becomes paid.`,
  method: 'How it came',
  methods: { cash: 'Cash', bank_transfer: 'Bank transfer', other: 'Other' } as Record<string, string>,
  amount: 'Amount',
  note: 'Note (optional: a receipt number, who collected it)',
  save: 'Record payment',
  close: 'Close',
  badAmount: (amount: string) => `The amount must be exactly what is outstanding: ${amount}`,
  none: 'No payment recorded by staff.',
  by: 'recorded',
  voided: 'voided',
  void: 'Void',
  voidTitle: 'Void this recorded payment?',
  voidText: (amount: string) => `${amount} stops counting and the order is unpaid again. Say why (kept in the audit log).`,
  reason: 'Reason',
  voidConfirm: 'Void the payment',
  keep: 'Keep it',
};

type Method = 'cash' | 'bank_transfer' | 'other';

export function RecordedPayments({ order: o }: { order: Order }) {
  const can = useCan();
  const p = usePresentation();
  const money = (n: number) => formatMoney(n, o.currency, p.locale);
  const outstanding = o.total - o.amount_paid;
  const recordable =
    can('orders.money') && o.status !== 'canceled' && outstanding > 0 && ['unpaid', 'failed', 'expired', 'canceled'].includes(o.payment_status);
  const payments = useQuery({
    queryKey: ['order', o.id, 'payments'],
    queryFn: () => body<List<Payment>>(api.GET('/v1/orders/{id}/payments', { params: { path: { id: o.id } } })),
    refetchInterval: LIVE_MS,
  });
  const recorded = (payments.data?.data ?? []).filter((pay) => pay.recorded);
  const [open, setOpen] = useState(false);
  const [voiding, setVoiding] = useState<Payment | null>(null);
  if (!recordable && recorded.length === 0) return null;
  return (
    <section className="card" aria-labelledby="recorded-h" data-testid="recorded-payments">
      <h2 id="recorded-h">{t.title}</h2>
      {recorded.length === 0 ? <p className="muted">{t.none}</p> : null}
      <ul className="plain">
        {recorded.map((pay) => (
          <li key={pay.id} data-testid="recorded-payment">
            {money(pay.amount)} · {t.methods[pay.recorded!.method] ?? pay.recorded!.method} · <Badge value={pay.status} />
            {pay.captured_at ? ` · ${t.by} ${formatDateTime(pay.captured_at, p)}` : ''}
            {pay.recorded!.note ? ` · “${pay.recorded!.note}”` : ''}
            {pay.recorded!.voided_at ? ` · ${t.voided} ${formatDateTime(pay.recorded!.voided_at, p)}: ${pay.recorded!.void_reason ?? ''}` : ''}
            {can('payments.void') && pay.status === 'captured' ? (
              <>
                {' '}
                <button type="button" className="link" onClick={() => setVoiding(pay)} data-testid="void-payment">
                  {t.void}
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {recordable ? (
        <button type="button" className="primary" onClick={() => setOpen(true)} data-testid="record-payment">
          {t.record}
        </button>
      ) : null}
      {open ? <RecordDialog order={o} outstanding={outstanding} onClose={() => setOpen(false)} /> : null}
      {voiding ? <VoidDialog order={o} payment={voiding} onClose={() => setVoiding(null)} /> : null}
    </section>
  );
}

function RecordDialog({ order: o, outstanding, onClose }: { order: Order; outstanding: number; onClose: () => void }) {
  const p = usePresentation();
  const money = (n: number) => formatMoney(n, o.currency, p.locale);
  const [method, setMethod] = useState<Method>('cash');
  const [amountText, setAmountText] = useState(formatMinor(outstanding, o.currency));
  const [note, setNote] = useState('');
  const amount = parseAmount(amountText, o.currency);
  const amountOk = amount === outstanding;
  const save = useAction(
    (v: { method: Method; amount: number; note: string }, key) =>
      // The key is a declared, required header of this route.
      body<Payment>(
        api.POST('/v1/orders/{id}/record-payment', {
          params: { path: { id: o.id }, header: { 'Idempotency-Key': key } },
          body: { method: v.method, amount: v.amount, currency: o.currency, ...(v.note ? { note: v.note } : {}) },
        }),
      ),
    { invalidate: [['order', o.id], ['orders'], ['report']], onSuccess: onClose },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (amountOk) save.mutate({ method, amount: amount!, note });
  };
  return (
    <Dialog open title={t.recordTitle} onClose={onClose} testId="record-payment-dialog">
      <form onSubmit={submit}>
        <p>{t.explain(money(outstanding))}</p>
        <Select
          label={t.method}
          value={method}
          onChange={(e) => {
            setMethod(e.target.value as Method);
            save.renew();
          }}
        >
          {(['cash', 'bank_transfer', 'other'] as const).map((m) => (
            <option key={m} value={m}>
              {t.methods[m]}
            </option>
          ))}
        </Select>
        <Field
          label={`${t.amount} (${o.currency})`}
          required
          inputMode="decimal"
          value={amountText}
          aria-invalid={!amountOk}
          onChange={(e) => {
            setAmountText(e.target.value);
            save.renew();
          }}
        />
        {!amountOk ? <p className="note warn">{t.badAmount(money(outstanding))}</p> : null}
        <TextArea
          label={t.note}
          maxLength={500}
          rows={2}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            save.renew();
          }}
        />
        <ErrorNote error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!amountOk || save.isPending}>
            {t.save}
          </button>
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function VoidDialog({ order: o, payment, onClose }: { order: Order; payment: Payment; onClose: () => void }) {
  const p = usePresentation();
  const [reason, setReason] = useState('');
  const voidIt = useAction(
    (r: string, key) =>
      body<Payment>(
        api.POST('/v1/orders/{id}/record-payment/{payment_id}/void', {
          params: { path: { id: o.id, payment_id: payment.id } },
          body: { reason: r },
          ...idem(key),
        }),
      ),
    { invalidate: [['order', o.id], ['orders'], ['report']], onSuccess: onClose },
  );
  return (
    <Dialog open title={t.voidTitle} onClose={onClose} testId="void-payment-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (reason.trim()) voidIt.mutate(reason.trim());
        }}
      >
        <p>{t.voidText(formatMoney(payment.amount, payment.currency, p.locale))}</p>
        <Field
          label={t.reason}
          required
          maxLength={500}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            voidIt.renew();
          }}
        />
        <ErrorNote error={voidIt.error} />
        <div className="actions">
          <button type="submit" className="danger" disabled={!reason.trim() || voidIt.isPending}>
            {t.voidConfirm}
          </button>
          <button type="button" onClick={onClose}>
            {t.keep}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
