// Expected failures are values: use cases return a Result and the HTTP layer maps
// the error code to a status in one place (src/http/errors.ts). Throw only for bugs.
import type { DomainError } from './errors.ts';

export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

/** A refused input value, named by its path (a pure check's failure, before it becomes a DomainError). */
export interface FieldError<P extends string = string> {
  path: P;
  message: string;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
