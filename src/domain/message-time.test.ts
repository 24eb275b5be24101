import { describe, expect, it } from 'vitest';
import { messageTime } from './message-time.ts';

const now = new Date('2026-12-07T10:00:00.000Z');
const second = String(Date.parse('2026-12-07T09:59:30.000Z') / 1000);

describe('messageTime', () => {
  it('orders two messages stamped in the same second by when their bodies were received', () => {
    const first = messageTime(second, new Date('2026-12-07T09:59:30.120Z'), now);
    const next = messageTime(second, new Date('2026-12-07T09:59:30.480Z'), now);
    expect(first.toISOString()).toBe('2026-12-07T09:59:30.120Z');
    expect(next.getTime()).toBeGreaterThan(first.getTime());
  });

  it('stays inside the stamped second when the body came later (a redelivery) or early (a skewed clock)', () => {
    expect(messageTime(second, new Date('2026-12-07T09:59:45.000Z'), now).toISOString()).toBe('2026-12-07T09:59:30.999Z');
    expect(messageTime(second, new Date('2026-12-07T09:59:29.500Z'), now).toISOString()).toBe('2026-12-07T09:59:30.000Z');
  });

  it('takes the stamped second when the receipt is unknown, and now for a stamp that is not a past instant', () => {
    expect(messageTime(second, undefined, now).toISOString()).toBe('2026-12-07T09:59:30.000Z');
    for (const bad of ['0', '-5', 'abc', '99999999999', String(now.getTime() / 1000 + 60), undefined]) expect(messageTime(bad, undefined, now)).toEqual(now);
  });
});
