// The one closed list of error codes clients see. HTTP statuses live in src/http/errors.ts.
export const ERROR_CODES = [
  'validation_error',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_transition',
  'customer_opted_out',
  'window_closed',
  'idempotency_key_in_use',
  'idempotency_key_mismatch',
  'payload_too_large',
  'position_expired',
  'unsupported_media_type',
  'rate_limited',
  'unprocessable',
  'internal_error',
  'service_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export const domainError = (code: ErrorCode, message: string, details?: unknown): DomainError =>
  details === undefined ? { code, message } : { code, message, details };
