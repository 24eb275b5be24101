// Money: ledger balances and transactions, reconciliation of settlement files, and CSV
// exports by date range (business days, in its time zone). Each part shows for the roles
// that may use it.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../api/client.ts';
import { useCan, usePresentation } from '../api/hooks.ts';
import type { LedgerBalance, LedgerTransaction, List } from '../api/types.ts';
import { addDays, dayIn, formatDateTime, formatMoney, humanize, startOfDay } from '../format.ts';
import { Field } from '../ui/field.tsx';
import { ErrorNote, Loaded, Loading } from '../ui/states.tsx';
import { Reconciliation } from './reconciliation.tsx';

const t = {
  title: 'Money',
  balances: 'Ledger balances',
  account: 'Account',
  debits: 'Debits',
  credits: 'Credits',
  balance: 'Balance',
  noBalances: 'Nothing booked yet.',
  transactions: 'Ledger transactions',
  noTransactions: 'No transactions yet.',
  when: 'When',
  kind: 'Kind',
  postings: 'Postings',
  more: 'Load more',
  exports: 'CSV exports',
  from: 'From (first day)',
  to: 'To (last day)',
  orders: 'Orders CSV',
  payments: 'Payments CSV',
  refunds: 'Refunds CSV',
  exportHint: (tz: string) => `Days in ${tz}. The file downloads; the download is recorded in the audit log.`,
};

export function MoneyPage() {
  const can = useCan();
  return (
    <>
      <h1>{t.title}</h1>
      {can('money.read') ? <Balances /> : null}
      {can('reconciliation') ? <Reconciliation /> : null}
      {can('exports') ? <Exports /> : null}
      {can('money.read') ? <Transactions /> : null}
    </>
  );
}

function Balances() {
  const p = usePresentation();
  const q = useQuery({ queryKey: ['ledger', 'balances'], queryFn: () => body<List<LedgerBalance>>(api.GET('/v1/ledger/balances')) });
  return (
    <section className="card" aria-labelledby="balances-h">
      <h2 id="balances-h">{t.balances}</h2>
      <Loaded q={q} isEmpty={(l) => l.data.length === 0} empty={t.noBalances}>
        {(l) => (
          <table className="list" data-testid="balances">
            <caption className="sr-only">{t.balances}</caption>
            <thead>
              <tr>
                <th scope="col">{t.account}</th>
                <th scope="col" className="num">
                  {t.debits}
                </th>
                <th scope="col" className="num">
                  {t.credits}
                </th>
                <th scope="col" className="num">
                  {t.balance}
                </th>
              </tr>
            </thead>
            <tbody>
              {l.data.map((b) => (
                <tr key={`${b.account}|${b.currency}`}>
                  <td data-label={t.account}>{b.account}</td>
                  <td data-label={t.debits} className="num">
                    {formatMoney(b.debits, b.currency, p.locale)}
                  </td>
                  <td data-label={t.credits} className="num">
                    {formatMoney(b.credits, b.currency, p.locale)}
                  </td>
                  <td data-label={t.balance} className="num">
                    {formatMoney(b.balance, b.currency, p.locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}

function Transactions() {
  const p = usePresentation();
  const q = useInfiniteQuery({
    queryKey: ['ledger', 'transactions'],
    queryFn: ({ pageParam }) =>
      body<List<LedgerTransaction>>(
        api.GET('/v1/ledger/transactions', { params: { query: { limit: 25, ...(pageParam ? { starting_after: pageParam } : {}) } } }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
  });
  const rows = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  return (
    <section className="card" aria-labelledby="tx-h">
      <h2 id="tx-h">{t.transactions}</h2>
      {q.isPending ? <Loading /> : null}
      <ErrorNote error={q.error} />
      {!q.isPending && !q.error && rows.length === 0 ? <p className="state empty">{t.noTransactions}</p> : null}
      {rows.length ? (
        <table className="list">
          <caption className="sr-only">{t.transactions}</caption>
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.postings}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => (
              <tr key={x.id}>
                <td data-label={t.when}>{formatDateTime(x.created_at, p)}</td>
                <td data-label={t.kind}>{humanize(x.kind)}</td>
                <td data-label={t.postings}>
                  <span className="stack">
                    {x.postings.map((po) => (
                      <span key={po.line}>
                        {po.side === 'debit' ? '+' : '−'}
                        {formatMoney(Math.abs(po.amount), x.currency, p.locale)} {po.account}
                      </span>
                    ))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()}>
          {t.more}
        </button>
      ) : null}
    </section>
  );
}

function Exports() {
  const p = usePresentation();
  const today = dayIn(new Date(), p.timeZone);
  const [from, setFrom] = useState(addDays(today, -29));
  const [to, setTo] = useState(today);
  const range = `from=${encodeURIComponent(startOfDay(from, p.timeZone).toISOString())}&to=${encodeURIComponent(startOfDay(addDays(to, 1), p.timeZone).toISOString())}`;
  return (
    <section className="card" aria-labelledby="exports-h">
      <h2 id="exports-h">{t.exports}</h2>
      <div className="row2">
        <Field label={t.from} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <Field label={t.to} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <p className="actions">
        <a className="button" href={`/v1/exports/orders.csv?${range}`} download data-testid="export-orders">
          {t.orders}
        </a>
        <a className="button" href={`/v1/exports/payments.csv?${range}`} download>
          {t.payments}
        </a>
        <a className="button" href={`/v1/exports/refunds.csv?${range}`} download>
          {t.refunds}
        </a>
      </p>
      <p className="muted">{t.exportHint(p.timeZone)}</p>
    </section>
  );
}
