// CSV cells and rows for exports: RFC 4180 quoting plus the OWASP defence against
// spreadsheet formula injection (owasp.org/www-community/attacks/CSV_Injection).
// Hand-written rather than a library: quoting is a few lines, and the formula rule has
// to know which columns hold free text (a library's escape-everything switch would
// also turn a plain "-12.50" into text).
//
// Policy: a `text` cell (anything a customer, merchant or provider could have typed:
// names, descriptions, reasons, metadata, ids that came from outside) that starts with
// = + - @ TAB or CR gets a leading single quote, so Excel, LibreOffice and Google
// Sheets show it as text instead of evaluating it. `number` cells (our integer minor
// units and their decimal form) and `fixed` cells (our ids, enums, timestamps) are
// written unchanged: they are produced by us in a known shape.

export type CellKind = 'text' | 'number' | 'fixed';

const FORMULA_START = /^[=+\-@\t\r]/;

/** The value a spreadsheet will show as text, for a cell that came from outside. */
export function neutralizeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** One field, quoted when RFC 4180 needs it (comma, quote, CR or LF) or when it has edge spaces some readers trim. */
export function csvField(value: string | number | null | undefined, kind: CellKind = 'text'): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (kind === 'text') s = neutralizeFormula(s);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvColumn<T> {
  name: string;
  kind: CellKind;
  get: (row: T) => string | number | null | undefined;
}

/** A record ends with CRLF (RFC 4180). */
export function csvHeader<T>(cols: readonly CsvColumn<T>[]): string {
  return `${cols.map((c) => csvField(c.name, 'fixed')).join(',')}\r\n`;
}

export function csvRow<T>(cols: readonly CsvColumn<T>[], row: T): string {
  return `${cols.map((c) => csvField(c.get(row), c.kind)).join(',')}\r\n`;
}
