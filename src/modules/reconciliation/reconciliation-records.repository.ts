// Our own payments, refunds, ledger fees and disputes, read for a batch of report rows (or a
// report's period) so the matcher can compare them.
import type { OurDispute, OurPayment, OurRefund, Period } from '../../domain/reconciliation/report.ts';
import type { Queryable } from '../../platform/store/db.ts';

type PaymentTuple = [string, string | null, string | null, string | null, string, number, string, string | null];

/**
 * Captures by provider payment id and by our reference id, as one JSON array: on PGlite,
 * 100,000 result rows cost seconds of protocol decoding, one JSON value a fraction of that.
 * Joins with unnest() (hash or index nested loop), never `= any(array)` over many values.
 */
async function paymentsWhere(q: Queryable, merchantId: string, provider: string, ids: string[], refs: string[]): Promise<PaymentTuple[]> {
  const cols = `pp.provider_payment_id, pp.payment_id, pp.order_id, coalesce(p.reference_id, pp.reference_id) as reference_id, pp.status, pp.amount, pp.currency, pp.captured_at`;
  const [r] = await q.query<{ j: PaymentTuple[] }>(
    `select coalesce(json_agg(json_build_array(t.provider_payment_id, t.payment_id, t.order_id, t.reference_id, t.status, t.amount, t.currency, t.captured_at)), '[]') as j from (
       select ${cols}
         from unnest($3::text[]) x(v) join provider_payments pp on pp.merchant_id = $1 and pp.provider = $2 and pp.provider_payment_id = x.v
         left join payments p on p.id = pp.payment_id
       union all
       select ${cols}
         from unnest($4::text[]) x(v) join payments p on p.merchant_id = $1 and p.reference_id = x.v
         join provider_payments pp on pp.payment_id = p.id and pp.merchant_id = $1 and pp.provider = $2) t`,
    [merchantId, provider, ids, refs],
  );
  return r!.j;
}

/**
 * The captures a report is matched against: those it names (by provider payment id or
 * reference id) and those captured inside its period, which it should name. The period's
 * ids come back alone (one narrow JSON array) and only the ones the report does not name
 * are fetched in full.
 */
export async function loadOurPayments(
  q: Queryable,
  merchantId: string,
  provider: string,
  ids: string[],
  refs: string[],
  period: Period | null,
): Promise<OurPayment[]> {
  const rows = ids.length || refs.length ? await paymentsWhere(q, merchantId, provider, ids, refs) : [];
  if (period) {
    const [p] = await q.query<{ j: string[] }>(
      `select coalesce(json_agg(provider_payment_id), '[]') as j from provider_payments where merchant_id = $1 and provider = $2 and captured_at between $3 and $4`,
      [merchantId, provider, period.from, period.to],
    );
    const named = new Set(rows.map((r) => r[0]));
    const unnamed = p!.j.filter((id) => !named.has(id));
    if (unnamed.length) rows.push(...(await paymentsWhere(q, merchantId, provider, unnamed, [])));
  }
  const seen = new Set<string>();
  const out: OurPayment[] = [];
  for (const [providerPaymentId, paymentId, orderId, referenceId, status, amount, currency, capturedAt] of rows) {
    if (seen.has(providerPaymentId)) continue;
    seen.add(providerPaymentId);
    out.push({
      providerPaymentId,
      paymentId,
      orderId,
      referenceId,
      status,
      amount: Number(amount),
      currency,
      capturedAt: capturedAt === null ? null : new Date(capturedAt),
    });
  }
  return out;
}

/**
 * A page of our captures of this provider inside the period, by provider payment id after
 * `after` (the import job walks them for the ones the report does not name).
 */
export async function periodPaymentsPage(
  q: Queryable,
  merchantId: string,
  provider: string,
  period: Period,
  after: string,
  limit: number,
): Promise<OurPayment[]> {
  const [p] = await q.query<{ j: string[] }>(
    `select coalesce(json_agg(provider_payment_id order by provider_payment_id), '[]') as j from (
       select provider_payment_id from provider_payments where merchant_id = $1 and provider = $2 and captured_at between $3 and $4 and provider_payment_id > $5
        order by provider_payment_id limit $6) t`,
    [merchantId, provider, period.from, period.to, after, limit],
  );
  if (!p!.j.length) return [];
  const byId = new Map((await loadOurPayments(q, merchantId, provider, p!.j, [], null)).map((x) => [x.providerPaymentId, x]));
  return p!.j.map((id) => byId.get(id)).filter((x): x is OurPayment => x !== undefined);
}

/** Refunds the report names, and those that succeeded inside its period. */
export async function loadOurRefunds(q: Queryable, merchantId: string, provider: string, refundIds: string[], period: Period | null): Promise<OurRefund[]> {
  const rows = await q.query<{
    id: string;
    provider_refund_id: string | null;
    provider_payment_id: string | null;
    payment_id: string;
    order_id: string;
    amount: number;
    currency: string;
    status: string;
    updated_at: Date;
  }>(
    `select r.id, r.provider_refund_id, coalesce(r.provider_payment_id, p.provider_payment_id) as provider_payment_id, r.payment_id, r.order_id, r.amount, r.currency, r.status, r.updated_at
       from refunds r join payments p on p.id = r.payment_id
      where r.merchant_id = $1 and coalesce(r.provider, p.provider) = $2
        and r.id in (select r2.id from refunds r2 join unnest($3::text[]) x(v) on r2.provider_refund_id = x.v where r2.merchant_id = $1
                     union
                     select r3.id from refunds r3 where r3.merchant_id = $1 and r3.status = 'succeeded' and r3.updated_at between $4 and $5)`,
    [merchantId, provider, refundIds, period?.from ?? null, period?.to ?? null],
  );
  return rows.map((r) => ({
    refundId: r.id,
    providerRefundId: r.provider_refund_id,
    providerPaymentId: r.provider_payment_id,
    paymentId: r.payment_id,
    orderId: r.order_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    updatedAt: new Date(r.updated_at),
  }));
}

/**
 * The fee our ledger holds per provider payment (provider_fees plus provider_fee_tax
 * postings), or null when this database has no ledger tables to ask.
 */
export async function ledgerFees(q: Queryable, merchantId: string, provider: string, ids: string[]): Promise<Map<string, number> | null> {
  const [t] = await q.query<{ t: string | null }>(`select to_regclass('ledger_postings')::text as t`);
  if (!t?.t) return null;
  const rows = await q.query<{ provider_payment_id: string; fee: number }>(
    `select lt.provider_payment_id, sum(lp.amount)::bigint as fee
       from ledger_transactions lt join unnest($3::text[]) x(v) on lt.provider_payment_id = x.v join ledger_postings lp on lp.transaction_id = lt.id
      where lt.merchant_id = $1 and lt.provider = $2 and lp.account in ('provider_fees', 'provider_fee_tax')
      group by lt.provider_payment_id`,
    [merchantId, provider, ids],
  );
  return new Map(rows.map((r) => [r.provider_payment_id, Number(r.fee)]));
}

/** Our disputes a report's dispute rows name, by provider dispute id or by provider payment id. */
export async function loadOurDisputes(q: Queryable, merchantId: string, provider: string, disputeIds: string[], paymentIds: string[]): Promise<OurDispute[]> {
  if (!disputeIds.length && !paymentIds.length) return [];
  const rows = await q.query<{
    provider_dispute_id: string;
    provider_payment_id: string | null;
    order_id: string | null;
    payment_id: string | null;
    amount: number | null;
    currency: string | null;
    status: string;
  }>(
    `select provider_dispute_id, provider_payment_id, order_id, payment_id, amount, currency, status from disputes
      where merchant_id = $1 and provider = $2 and (provider_dispute_id = any($3::text[]) or provider_payment_id = any($4::text[]))
      order by id`,
    [merchantId, provider, disputeIds, paymentIds],
  );
  return rows.map((r) => ({
    providerDisputeId: r.provider_dispute_id,
    providerPaymentId: r.provider_payment_id,
    orderId: r.order_id,
    paymentId: r.payment_id,
    amount: r.amount === null ? null : Number(r.amount),
    currency: r.currency,
    status: r.status,
  }));
}
