// Reads a settlement report (CSV text) into normalised rows. The CSV itself is read by
// csv-parse (BOM, quoted fields with commas and newlines, CRLF); the format modules map
// each record's columns to a ReportRow. Every refusal names the line it is about.
import { parse } from 'csv-parse/sync';
import { currencyExponent, MAX_MINOR, parseDecimal } from '../money.ts';
import { domainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { genericFormat, type GenericMapping } from './format.generic.ts';
import { razorpayFormat } from './format.razorpay.ts';
import { stripeFormat } from './format.stripe.ts';
import type { AmountUnit, ReportFormat, ReportRow } from './report.ts';
import { type Money, type Record_, RowError } from './format.spec.ts';

const invalid = (message: string, details?: unknown) => err(domainError('validation_error', message, details));

export interface ParseOptions {
  format: ReportFormat;
  /** Our provider name the rows belong to (defaults to the format's provider; `generic` needs one). */
  provider: string;
  amountUnit?: AmountUnit | undefined;
  mapping?: GenericMapping | undefined;
}

export const DEFAULT_PROVIDER: Record<ReportFormat, string | null> = { razorpay: 'razorpay', stripe: 'stripe', generic: null };

export interface ParsedReport {
  rows: ReportRow[];
  columns: string[];
}

/** The csv-parse options every report is read with (the sync parser in tests, the streaming one in the import job). */
export const CSV_OPTIONS = { bom: true, info: true, skip_empty_lines: true, relax_column_count: false, trim: true } as const;

/** A csv-parse error as a refusal naming the line. */
export function csvFailure(e: unknown): Result<never> {
  const err = e as { code?: string; message?: string; lines?: number; records?: number; empty_lines?: number };
  // An unclosed quote is only noticed at the end of the file: point at the record it opened.
  const line =
    err.code === 'CSV_QUOTE_NOT_CLOSED' && typeof err.records === 'number'
      ? err.records + 1 + (err.empty_lines ?? 0)
      : typeof err.lines === 'number'
        ? err.lines
        : undefined;
  return invalid(`the file is not valid CSV${line ? ` (line ${line})` : ''}: ${String(err.message ?? e).replace(/^Invalid [^:]*: /, '')}`, { line });
}

/**
 * Reads one record at a time, as the streaming parser hands them out: the first is the
 * header (checked against the format), each later one becomes a ReportRow (or null for a
 * record the format skips). Holds nothing but the header's index.
 */
export interface ReportReader {
  header(record: readonly string[], line: number): Result<string[]>;
  /** Throws RowError for a bad record; call header() first. */
  row(record: string[], line: number): ReportRow | null;
}

/** A reader for the options, or a refusal when the options cannot read any file (a generic report without a mapping). */
export function reportReader(o: ParseOptions): Result<ReportReader> {
  const spec = o.format === 'razorpay' ? razorpayFormat : o.format === 'stripe' ? stripeFormat : o.mapping ? genericFormat(o.mapping) : undefined;
  if (!spec) return invalid('a generic report needs a column mapping (at least amount, currency and provider_payment_id or reference_id)', { path: 'mapping' });
  const index = new Map<string, number>();
  const money = moneyReader(o.amountUnit ?? spec.defaultUnit);
  // One accessor, pointed at each record in turn (toRow is synchronous): no closure per row.
  let cells: readonly string[] = [];
  const rec: Record_ = {
    line: 0,
    get: (c) => {
      const at = index.get(c);
      const v = at === undefined ? undefined : cells[at];
      return v === '' ? undefined : v;
    },
  };
  return ok({
    header(record, line) {
      const header = record.map((h) => h.trim().toLowerCase());
      index.clear();
      header.forEach((h, i) => {
        if (!index.has(h)) index.set(h, i);
      });
      const missing = spec.required.filter((alts) => !alts.some((a) => index.has(a))).map((alts) => alts.join(' or '));
      if (missing.length) return invalid(`this is not a ${spec.label}: the header (line ${line}) lacks ${missing.join(', ')}`, { line, missing });
      return ok(header);
    },
    row(record, line) {
      cells = record;
      rec.line = line;
      return spec.toRow(rec, money, o.provider);
    },
  });
}

export const EMPTY_FILE = 'the file is empty: expected a header line and at least one row';
export const HEADER_ONLY = 'the report has a header but no rows';

/** Reads a whole report held in memory (tests and small inputs; the import job streams through reportReader). */
export function parseReport(text: string, o: ParseOptions): Result<ParsedReport> {
  const reader = reportReader(o);
  if (!reader.ok) return reader;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, CSV_OPTIONS) as never;
  } catch (e) {
    return csvFailure(e);
  }
  if (records.length === 0) return invalid(EMPTY_FILE, { line: 1 });
  const header = reader.value.header(records[0]!.record, records[0]!.info.lines);
  if (!header.ok) return header;
  if (records.length === 1) return invalid(HEADER_ONLY, { line: 1 });
  const rows: ReportRow[] = [];
  try {
    for (let i = 1; i < records.length; i++) {
      const { record, info } = records[i]!;
      const row = reader.value.row(record, info.lines);
      if (row) rows.push(row);
    }
  } catch (e) {
    return rowFailure(e);
  }
  return ok({ rows, columns: header.value });
}

/** A RowError as a refusal naming its line; anything else is rethrown. */
export function rowFailure(e: unknown): Result<never> {
  if (e instanceof RowError) return invalid(`line ${e.line}: ${e.message}`, { line: e.line });
  throw e;
}

const MINOR_SHAPE = /^-?\d+$/;

function moneyReader(unit: AmountUnit): Money {
  return {
    amount(r, column, currency, opts = {}) {
      const raw = r.get(column);
      if (raw === undefined) {
        if (opts.optional) return 0;
        throw new RowError(`column ${column} is empty`, r.line);
      }
      const s = raw.replace(/^\((.*)\)$/, '-$1');
      const negative = s.startsWith('-');
      const body = negative ? s.slice(1) : s;
      if (unit === 'minor') {
        if (!MINOR_SHAPE.test(s)) {
          const hint = /^\d[\d,]*\.\d+$/.test(body) ? ' (it looks like a decimal in major units: send amount_unit=major)' : '';
          throw new RowError(`${column} "${raw}" is not an integer amount in minor units${hint}`, r.line);
        }
        const n = Math.abs(Number(s));
        if (!Number.isSafeInteger(n) || n > MAX_MINOR) throw new RowError(`${column} "${raw}" is out of range`, r.line);
        return n;
      }
      const parsed = parseDecimal(body.replace(/,/g, ''), currency);
      if (!parsed.ok) throw new RowError(`${column} "${raw}": ${parsed.error.message}`, r.line);
      return parsed.value;
    },
    currency(r, column) {
      const raw = r.get(column);
      const c = raw?.toUpperCase();
      if (!c || currencyExponent(c) === undefined) throw new RowError(`${column} "${raw ?? ''}" is not an ISO 4217 currency code`, r.line);
      return c;
    },
    time(r, column) {
      const raw = r.get(column);
      if (raw === undefined) return null;
      const d = parseTime(raw);
      if (!d) throw new RowError(`${column} "${raw}" is not a time (Unix seconds, ISO 8601, or YYYY-MM-DD HH:MM:SS / DD/MM/YYYY HH:MM:SS in UTC)`, r.line);
      return d;
    },
  };
}

/** Unix seconds, ISO 8601, or a zone-less "YYYY-MM-DD HH:MM[:SS]" / "DD/MM/YYYY HH:MM[:SS]" read as UTC. */
export function parseTime(raw: string): Date | null {
  const s = raw.trim();
  if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000);
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) {
    const dmy = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
    if (dmy) m = [dmy[0], dmy[3]!, dmy[2]!, dmy[1]!, dmy[4]!, dmy[5]!, dmy[6]!] as unknown as RegExpExecArray;
  }
  if (m) {
    const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)));
    return Number.isNaN(d.getTime()) || d.getUTCDate() !== +m[3]! || d.getUTCMonth() !== +m[2]! - 1 ? null : d;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
