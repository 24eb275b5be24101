// Runs one state-changing request: the use case in a transaction, with the
// Idempotency-Key semantics of the API contract. The key is claimed in that same
// transaction (an advisory lock first, so a concurrent retry gets 409 at once), and its
// response is written before the commit, so the record exists exactly when the effect
// does. A request refused by validation or by the use case rolls back: nothing stays.
// One transaction, not a reservation plus the effect: a commit (an fsync) less per request.
// A route that requires the key says so in its config (`idempotencyKey: 'required'`), which
// /openapi.json shows too.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../context.ts';
import { domainError } from '../../domain/errors.ts';
import type { Result } from '../../domain/result.ts';
import type { Tx } from '../store/db.ts';
import { claimKey, completeKey, type IdempotencyRow } from './idempotency.repository.ts';
import { RollbackWith, sendError } from './errors.ts';
import { keyRequired } from './openapi.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Only for rows left "running" by the earlier two-transaction scheme: when they count as abandoned. */
const RESERVATION_MS = 60_000;

/** Canonical JSON (sorted keys) so that key order and whitespace do not change the fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function fingerprint(method: string, url: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${method}\n${url}\n${canonical(body ?? null)}`)
    .digest('hex');
}

export interface MutationOptions<T> {
  status: number;
  run: (tx: Tx) => Promise<Result<T>>;
  /** Builds the response body inside the transaction (it may read with tx). */
  present: (value: T, tx: Tx) => Promise<unknown> | unknown;
  /**
   * What the Idempotency-Key record keeps of the response, when that must differ from what
   * is sent (a one-time secret in the answer is kept hashed elsewhere, never here): a replay
   * answers this.
   */
  stored?: (presented: unknown) => unknown;
}

export async function mutate<T>(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, merchantId: string, o: MutationOptions<T>) {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined && keyRequired(req)) {
    return sendError(req, reply, domainError('validation_error', 'The Idempotency-Key header is required on this request', { header: 'Idempotency-Key' }));
  }
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    return sendError(req, reply, domainError('validation_error', 'Idempotency-Key must be 1 to 255 printable ASCII characters', { header: 'Idempotency-Key' }));
  }

  const fp = key === undefined ? '' : fingerprint(req.method, req.url, req.body);
  try {
    const body = await inTransaction(ctx, async (tx) => {
      if (key !== undefined) {
        const r = await claimKey(tx, { merchantId, key, fingerprint: fp, now: ctx.clock.now(), lockMs: RESERVATION_MS });
        if (r.kind === 'in_use') throw new KeyInUse();
        if (r.kind === 'existing') throw new KeyUsed(r.row);
      }
      const result = await o.run(tx);
      if (!result.ok) throw new RollbackWith(result.error);
      // The audit entry the route's rule calls for (modules/users), in this same transaction.
      if (req.auditChange) await req.auditChange(tx, result.value);
      const presented = await o.present(result.value, tx);
      if (key !== undefined) await completeKey(tx, merchantId, key, o.status, o.stored ? o.stored(presented) : presented);
      return presented;
    });
    return reply.code(o.status).send(body);
  } catch (e) {
    if (e instanceof RollbackWith) return sendError(req, reply, e.domain);
    if (e instanceof KeyInUse) return sendError(req, reply, inUse());
    if (e instanceof KeyUsed) {
      if (e.row.fingerprint !== fp) {
        return sendError(req, reply, domainError('idempotency_key_mismatch', 'This Idempotency-Key was used with a different method, path or body'));
      }
      if (e.row.state === 'running') return sendError(req, reply, inUse());
      return reply
        .code(e.row.response_status ?? 200)
        .header('idempotent-replayed', 'true')
        .send(e.row.response_body);
    }
    throw e;
  }
}

const inUse = () => domainError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry later');

/** Leaves the transaction (nothing was done yet): another request holds the key now. */
class KeyInUse extends Error {}

/** Leaves the transaction (nothing was done yet): the key has a record to answer from. */
class KeyUsed extends Error {
  constructor(readonly row: IdempotencyRow) {
    super('idempotency key already used');
  }
}
