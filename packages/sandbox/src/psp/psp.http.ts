// HTTP plumbing of the sandbox PSP's API: Basic auth with the account's key pair, its
// own error envelope {"error":{"code","message"}} (a PSP's wire format, not chatcart's),
// and the small helpers its routes share.
import { err, ok, type Result } from '../../../../src/domain/result.ts';
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { presentCheckout } from './psp.present.ts';
import { findAccountByKeyId, getAccount, listPayments } from './psp.repository.ts';
import { chaosOf, PSP_ERROR_STATUS, type PspAccount, type PspCheckout, type PspErrorCode, type PspResult } from './psp.types.ts';
import type { Queryable, SandboxContext } from '../host.ts';

export function sendPspError(reply: FastifyReply, code: PspErrorCode, message: string) {
  return reply.code(PSP_ERROR_STATUS[code]).type('application/json').send({ error: { code, message } });
}

/** Sends the value with 200, or the error in the PSP's envelope. */
export function answer<T>(reply: FastifyReply, r: PspResult<T>, present: (v: T) => unknown | Promise<unknown>) {
  if (!r.ok) return sendPspError(reply, r.error.code, r.error.message);
  return Promise.resolve(present(r.value)).then((body) => reply.code(200).send(body));
}

const accounts = new WeakMap<FastifyRequest, PspAccount>();

/** The authenticated account of a request that passed pspAuthHook. */
export function accountOf(req: FastifyRequest): PspAccount {
  const a = accounts.get(req);
  if (!a) throw new Error('sandbox PSP route without authentication');
  return a;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
const NO_SECRET = digest(crypto.randomBytes(32).toString('hex'));

export function pspAuthHook(ctx: SandboxContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(h.trim()) : null;
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const deny = (message: string) => sendPspError(reply.header('www-authenticate', 'Basic realm="chatcart sandbox PSP"'), 'unauthorized', message);
    if (colon <= 0) return deny('Send your sandbox key as HTTP Basic auth: key_id as the user, key_secret as the password');
    const account = await findAccountByKeyId(ctx.db, decoded.slice(0, colon));
    // Compare even when the key id is unknown, so timing does not reveal which ids exist.
    const same = crypto.timingSafeEqual(account ? digest(account.key_secret) : NO_SECRET, digest(decoded.slice(colon + 1)));
    if (!account || !same) return deny('The key id or key secret is wrong');
    accounts.set(req, account);
  };
}

/** Maps framework errors (schema validation, bad JSON, body size) to the PSP's envelope. */
export function pspErrorHandler(error: any, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const v: any = error.validation[0];
    const keys: unknown[] = v?.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) ? v.params.keys : [];
    const path = [
      error.validationContext,
      ...String(v?.instancePath ?? '')
        .split('/')
        .filter(Boolean),
    ].join('.');
    const message = keys.length ? `${path}: unknown field(s) ${keys.join(', ')}` : `${path}: ${v?.message ?? 'invalid'}`;
    return sendPspError(reply, 'bad_request', message);
  }
  const code = error?.code as string | undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendPspError(reply, 'payload_too_large', 'The request body is too large');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendPspError(reply, 'unsupported_media_type', 'Send the body as application/json');
  const status = typeof error?.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) return sendPspError(reply, status === 404 ? 'not_found' : 'bad_request', String(error?.message ?? 'Bad request'));
  req.log.error({ err: error }, 'sandbox PSP: unhandled error');
  return sendPspError(reply, 'internal_error', 'Something went wrong in the sandbox PSP');
}

/** The Idempotency-Key header, or why it is unusable. */
export function idempotencyKeyOf(req: FastifyRequest): Result<string, string> {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') return err('The Idempotency-Key header is required on this request');
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) return err('Idempotency-Key must be 1 to 255 printable ASCII characters');
  return ok(key);
}

export const idParams = z.strictObject({ id: z.string().min(1).max(64) });

export async function checkoutView(ctx: SandboxContext, q: Queryable, c: PspCheckout) {
  const account = await getAccount(q, c.account_id);
  return presentCheckout(c, await listPayments(q, c.id), ctx.clock.now(), ctx.publicUrl, chaosOf(account ?? { chaos: {} }));
}
