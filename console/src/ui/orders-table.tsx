// Orders as a list: a table on a desktop, stacked rows on a phone (CSS), each row a link.
import { Link } from 'react-router';
import { usePresentation } from '../api/hooks.ts';
import type { Order } from '../api/types.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { Badge } from './field.tsx';

const t = { reference: 'Reference', customer: 'Customer', total: 'Total', status: 'Status', payment: 'Payment', created: 'Created' };

export function OrdersTable({ orders, caption, testId }: { orders: Order[]; caption: string; testId?: string }) {
  const p = usePresentation();
  return (
    <table className="list" data-testid={testId}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.reference}</th>
          <th scope="col">{t.customer}</th>
          <th scope="col" className="num">
            {t.total}
          </th>
          <th scope="col">{t.status}</th>
          <th scope="col">{t.payment}</th>
          <th scope="col">{t.created}</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} data-order={o.id}>
            <td data-label={t.reference}>
              <Link to={`/orders/${o.id}`}>{o.reference_id}</Link>
            </td>
            <td data-label={t.customer}>{o.customer.name || o.customer.wa_id || '—'}</td>
            <td data-label={t.total} className="num">
              {formatMoney(o.total, o.currency, p.locale)}
            </td>
            <td data-label={t.status}>
              <Badge value={o.status} />
            </td>
            <td data-label={t.payment}>
              <Badge value={o.payment_status} />
            </td>
            <td data-label={t.created}>{formatDateTime(o.created_at, p)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
