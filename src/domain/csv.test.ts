import { describe, expect, it } from 'vitest';
import { csvField, csvHeader, csvRow, neutralizeFormula, type CsvColumn } from './csv.ts';

describe('neutralizeFormula (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['Asha', 'Asha'],
    ['a=b', 'a=b'],
    ['', ''],
    [" 'quoted", " 'quoted"],
  ])('%j → %j', (input, out) => {
    expect(neutralizeFormula(input)).toBe(out);
  });
});

describe('csvField (RFC 4180)', () => {
  it.each([
    ['plain', 'text', 'plain'],
    ['a,b', 'text', '"a,b"'],
    ['say "hi"', 'text', '"say ""hi"""'],
    ['line1\nline2', 'text', '"line1\nline2"'],
    ['line1\r\nline2', 'text', '"line1\r\nline2"'],
    [' padded ', 'text', '" padded "'],
    ['=1+1', 'text', "'=1+1"],
    ['=cmd|"/c calc"!A1', 'text', `"'=cmd|""/c calc""!A1"`],
    ['\t=1', 'text', "'\t=1"],
    ['-12.50', 'number', '-12.50'],
    [-1250, 'number', '-1250'],
    [0, 'number', '0'],
    ['-fixed', 'fixed', '-fixed'],
    [null, 'text', ''],
    [undefined, 'number', ''],
  ] as const)('%j (%s) → %j', (value, kind, out) => {
    expect(csvField(value, kind)).toBe(out);
  });
});

describe('rows', () => {
  const cols: CsvColumn<{ n: string; a: number }>[] = [
    { name: 'name', kind: 'text', get: (r) => r.n },
    { name: 'amount', kind: 'number', get: (r) => r.a },
  ];
  it('end with CRLF and keep the column order', () => {
    expect(csvHeader(cols)).toBe('name,amount\r\n');
    expect(csvRow(cols, { n: '+91 98', a: 5 })).toBe("'+91 98,5\r\n");
  });
});
