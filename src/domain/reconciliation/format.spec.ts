// What a report format is: the columns it needs and how one record becomes a ReportRow.
// parse.ts reads the CSV and calls a format; the formats (format.*.ts) implement this,
// so neither imports the other.
import type { AmountUnit, ReportRow } from './report.ts';

/** Thrown by format code for one bad record; parseReport turns it into a 400 with the line. */
export class RowError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Column lookup for one record, by lower-cased header name. */
export interface Record_ {
  line: number;
  get(column: string): string | undefined;
}

export interface FormatSpec {
  label: string;
  defaultUnit: AmountUnit;
  /** Each entry is a set of alternative header names; one of each set must be present. */
  required: readonly (readonly string[])[];
  toRow(r: Record_, money: Money, provider: string): ReportRow | null;
}

/** Amount and date readers bound to the report's unit. */
export interface Money {
  amount(r: Record_, column: string, currency: string, opts?: { optional?: boolean }): number;
  currency(r: Record_, column: string): string;
  time(r: Record_, column: string): Date | null;
}
