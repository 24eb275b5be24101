import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOOKING_STATUSES } from './booking/booking.machine.ts';
import { ORDER_STATUSES } from './order/order.machine.ts';
import { ATTEMPT_STATUSES, PAYMENT_STATUSES } from './payment/payment.machine.ts';
import { renderTransitionsMarkdown } from './transitions.doc.ts';

const DOC = new URL('../../docs/state-machines.md', import.meta.url);

describe('docs/state-machines.md', () => {
  it('is exactly what the code renders (regenerate with `npm run docs:transitions`)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderTransitionsMarkdown());
  });

  it('has one row per from-state in each table', () => {
    const md = renderTransitionsMarkdown();
    for (const s of [...ORDER_STATUSES, ...ATTEMPT_STATUSES, ...PAYMENT_STATUSES, ...BOOKING_STATUSES]) {
      expect(md).toContain(`| \`${s}\` |`);
    }
    const rows = md.split('\n').filter((l) => /^\| `/.test(l));
    expect(rows).toHaveLength(ORDER_STATUSES.length + ATTEMPT_STATUSES.length + PAYMENT_STATUSES.length + BOOKING_STATUSES.length);
    expect(md).toContain('npm run docs:transitions');
  });
});
