// Small validation helpers shared by the payload checks. Meta's convention: a missing
// required field is 131008, a present but invalid one is 131009, and a Graph-level
// parameter problem (unknown key, wrong enum on the envelope) is 100.
import { fail, type Checked, type GraphFailure } from './wa.errors.ts';

export type Obj = Record<string, any>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const missing = (path: string): GraphFailure => fail(131008, `The parameter ${path} is required.`);
export const invalid = (path: string, why: string): GraphFailure => fail(131009, `${path} ${why}`);

/** A required or optional string with Meta's length limit (characters, counted as UTF-16 units). */
export function text(path: string, v: unknown, max: number, required = true): GraphFailure | undefined {
  if (v === undefined || v === null) return required ? missing(path) : undefined;
  if (typeof v !== 'string') return invalid(path, 'must be a string');
  if (required && v.trim().length === 0) return invalid(path, 'must not be empty');
  if (v.length > max) return invalid(path, `must be at most ${max} characters long`);
  return undefined;
}

export function object(path: string, v: unknown, required = true): GraphFailure | undefined {
  if (v === undefined || v === null) return required ? missing(path) : undefined;
  return isObj(v) ? undefined : invalid(path, 'must be an object');
}

export function httpUrl(path: string, v: unknown): GraphFailure | undefined {
  const t = text(path, v, 2000);
  if (t) return t;
  try {
    const u = new URL(v as string);
    if (u.protocol === 'http:' || u.protocol === 'https:') return undefined;
  } catch {
    /* falls through */
  }
  return invalid(path, 'must be an http(s) URL');
}

/** The first failure of a list of checks, evaluated lazily. */
export function first(...checks: (() => GraphFailure | undefined)[]): GraphFailure | undefined {
  for (const c of checks) {
    const f = c();
    if (f) return f;
  }
  return undefined;
}

export interface Money {
  value: number;
  offset: number;
}

const intLike = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  return undefined;
};

/** {value, offset} with integer value ≥ 0 (Meta's examples use numbers; strings are tolerated). */
export function money(path: string, v: unknown, required = true): Checked<Money | undefined> {
  if (v === undefined || v === null) return required ? { ok: false, error: missing(path) } : { ok: true, value: undefined };
  if (!isObj(v)) return { ok: false, error: invalid(path, 'must be an object with value and offset') };
  const value = intLike(v['value']);
  const offset = intLike(v['offset']);
  if (v['value'] === undefined) return { ok: false, error: missing(`${path}.value`) };
  if (v['offset'] === undefined) return { ok: false, error: missing(`${path}.offset`) };
  if (value === undefined || value < 0) return { ok: false, error: invalid(`${path}.value`, 'must be a non-negative integer') };
  if (offset === undefined || offset <= 0 || !/^10*$/.test(String(offset))) return { ok: false, error: invalid(`${path}.offset`, 'must be 1, 10, 100, …') };
  return { ok: true, value: { value, offset } };
}

export { intLike };
