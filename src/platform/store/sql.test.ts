import { describe, expect, it } from 'vitest';
import { containsPattern } from './sql.ts';

describe('containsPattern', () => {
  it.each([
    ['asha', '%asha%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
    ['%_\\', '%\\%\\_\\\\%'],
    ["' or 1=1 --", "%' or 1=1 --%"],
  ])('%s → %s', (text, pattern) => expect(containsPattern(text)).toBe(pattern));
});
