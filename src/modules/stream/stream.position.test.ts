import { describe, expect, it } from 'vitest';
import { formatPosition, parsePosition } from './stream.position.ts';

describe('stream positions', () => {
  it('round-trip', () => {
    const p = { tx: '123456', id: 'evt_01J0000000000000000000000A' };
    expect(parsePosition(formatPosition(p))).toEqual(p);
    expect(parsePosition('77-')).toEqual({ tx: '77', id: '' });
  });
  it.each(['', '-', 'abc', '01-', '1-evt_x', '1-evt_01J0000000000000000000000A\n', '99999999999999999999-', "1-'; drop table events"])('refuse %j', (raw) => {
    expect(parsePosition(raw)).toBeUndefined();
  });
});
