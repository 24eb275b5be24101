// GET /media/{token}: an upload's bytes, for WhatsApp to fetch (public: the 256-bit token is
// the secret, and no file name is ever in the path). Only PNG and JPEG are shown inline;
// everything else is an attachment; nosniff and a sandbox CSP whatever the type.
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { getUploadByToken } from '../whatsapp.queries.ts';

const INLINE = new Set(['image/png', 'image/jpeg']);

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/media/:token', { schema: { hide: true, params: z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43,64}$/) }) } }, async (req, reply) => {
    const u = await getUploadByToken(ctx.db, req.params.token);
    if (!u) return sendError(req, reply, domainError('not_found', 'No such media'));
    reply
      .header('content-type', u.mime_type)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox; default-src none')
      .header('cache-control', 'private, max-age=300');
    if (!INLINE.has(u.mime_type)) reply.header('content-disposition', `attachment; filename="${u.id}"`);
    return reply.send(Buffer.from(u.data));
  });
}
