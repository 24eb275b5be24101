// The one place where error codes become HTTP statuses, and the envelope every
// error response uses: {"error":{"code","message","details"?,"request_id"}}.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainError, ErrorCode } from '../../domain/errors.ts';

export const STATUS_OF: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  customer_opted_out: 409,
  window_closed: 422,
  idempotency_key_in_use: 409,
  idempotency_key_mismatch: 422,
  unprocessable: 422,
  payload_too_large: 413,
  position_expired: 410,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

export function envelope(req: FastifyRequest, e: DomainError) {
  return { error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }), request_id: req.id } };
}

export function sendError(req: FastifyRequest, reply: FastifyReply, e: DomainError) {
  return reply.code(STATUS_OF[e.code]).type('application/json').send(envelope(req, e));
}

/** Thrown inside a transaction to roll it back and answer with an expected error. */
export class RollbackWith extends Error {
  constructor(readonly domain: DomainError) {
    super(domain.message);
  }
}
