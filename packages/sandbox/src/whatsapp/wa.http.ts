// HTTP plumbing of the Graph API double: Bearer auth with the number's
// sandbox_access_token (Graph's 190 when it is wrong, 100/33 when the token is fine but
// the number is not its own or does not exist) and answering Checked results.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidToken, sendGraphError, unknownObject, type Checked } from './wa.errors.ts';

import type { SandboxContext, SandboxNumber } from '../host.ts';

const VERSION = /^v\d{1,3}\.\d{1,3}$/;

function tokenOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(h) : null;
  if (m) return m[1];
  // Graph also takes ?access_token=.
  const q = (req.query ?? {}) as Record<string, unknown>;
  return typeof q['access_token'] === 'string' && q['access_token'] !== '' ? q['access_token'] : undefined;
}

/**
 * The number a request may act on, or undefined after answering Meta's error.
 * Any version shaped like v27.0 is accepted (Graph maps recent unknown ones too).
 */
export async function authorize(
  ctx: SandboxContext,
  req: FastifyRequest,
  reply: FastifyReply,
  phoneNumberId: string,
  version?: string,
): Promise<SandboxNumber | undefined> {
  if (version !== undefined && !VERSION.test(version)) {
    await sendGraphError(reply, { code: 2500, message: `Unknown path components: /${version}`, errorData: false });
    return undefined;
  }
  const token = tokenOf(req);
  const owner = token ? await ctx.business.numberByToken(ctx.db, token) : undefined;
  if (!owner) {
    await sendGraphError(reply, invalidToken());
    return undefined;
  }
  if (owner.phone_number_id !== phoneNumberId) {
    await sendGraphError(reply, unknownObject(req.method, phoneNumberId));
    return undefined;
  }
  return owner;
}

/** 200 (or `status`) with the value, or Meta's error envelope. */
export function answer<T>(reply: FastifyReply, r: Checked<T>, status = 200) {
  if (!r.ok) return sendGraphError(reply, r.error);
  return reply.code(status).send(r.value);
}
