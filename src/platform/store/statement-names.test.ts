import { describe, expect, it } from 'vitest';
import { StatementNames } from './statement-names.ts';

describe('StatementNames', () => {
  it('names a text from its third use, always with the same name, derived from the text', () => {
    const names = new StatementNames({ prepareAfter: 3, maxNamed: 10, maxCounted: 10 });
    expect(names.nameFor('select $1')).toBeUndefined();
    expect(names.nameFor('select $1')).toBeUndefined();
    const name = names.nameFor('select $1');
    expect(name).toMatch(/^cc_[0-9a-f]{24}$/);
    expect(names.nameFor('select $1')).toBe(name);
    const again = new StatementNames({ prepareAfter: 1, maxNamed: 10, maxCounted: 10 });
    expect(again.nameFor('select $1')).toBe(name);
    expect(again.nameFor('select $2')).not.toBe(name);
  });

  it('names at most maxNamed texts; the rest stay unnamed', () => {
    const names = new StatementNames({ prepareAfter: 1, maxNamed: 2, maxCounted: 10 });
    const got = ['a', 'b', 'c', 'd', 'a', 'b', 'c'].map((t) => names.nameFor(t));
    expect(got.filter(Boolean)).toHaveLength(4);
    expect(got.slice(2, 4)).toEqual([undefined, undefined]);
    expect(got[6]).toBeUndefined();
    expect(names.size).toBe(2);
  });

  it('counts at most maxCounted waiting texts (a stream of one-off texts costs bounded memory)', () => {
    const names = new StatementNames({ prepareAfter: 2, maxNamed: 10, maxCounted: 3 });
    expect(names.nameFor('x')).toBeUndefined();
    for (const t of ['a', 'b', 'c']) names.nameFor(t); // the counts start over: x is forgotten
    expect(names.nameFor('x')).toBeUndefined();
    expect(names.nameFor('x')).toBeDefined();
  });
});
