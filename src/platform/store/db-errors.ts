// What a database error says about its cause, on both handles (pg's DatabaseError and
// PGlite's carry the same SQLSTATE `code` and `severity`). A data exception (class 22:
// a NUL in text, a number out of range, a bad timestamp) or a program limit (class 54:
// an index row too large, nesting too deep) comes from the values a statement was given:
// retrying the same values cannot succeed, and when they came from a request the
// request is at fault, not the server.

/** The SQLSTATE of a database error, or undefined for any other error. */
export function sqlState(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string' ? code : undefined;
}

/** A statement refused for the values it was given (SQLSTATE class 22 or 54). */
export function isDataError(e: unknown): boolean {
  const s = sqlState(e);
  return s !== undefined && (s.startsWith('22') || s.startsWith('54'));
}

export type InputFault = { kind: 'invalid' | 'conflict'; message: string };

/**
 * What to tell a client whose request made the database refuse a statement, or undefined
 * when the error does not come from the input (a bug or an outage: a 500 or 503).
 */
export function inputFault(e: unknown): InputFault | undefined {
  const s = sqlState(e);
  if (s === undefined) return undefined;
  const invalid = (message: string): InputFault => ({ kind: 'invalid', message });
  switch (s) {
    case '22P05':
    case '22021':
      return invalid('A text in the request holds a character that cannot be stored (U+0000 or an unpaired surrogate)');
    case '22001':
      return invalid('A text in the request is too long');
    case '22003':
      return invalid('A number in the request is out of range');
    case '22007':
    case '22008':
      return invalid('A date or time in the request is not valid or out of range');
    case '22P02':
      return invalid('A value in the request does not have the expected format');
    case '23514':
      return invalid('A value in the request is not allowed');
    case '23505':
    case '23P01':
      return { kind: 'conflict', message: 'The request conflicts with existing data (a duplicate); check and retry' };
    case '23503':
      return { kind: 'conflict', message: 'The request refers to something that does not exist (any more)' };
  }
  if (s.startsWith('22')) return invalid('A value in the request is not valid');
  if (s.startsWith('54')) return invalid('The request is too large or too deeply nested to process');
  return undefined;
}
