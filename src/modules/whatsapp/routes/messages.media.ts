// GET /v1/messages/{id}/media: the file a customer sent, to the merchant's people (role
// conversations). Only PNG, JPEG and WebP, known by their bytes, are shown inline; anything
// else is an attachment named by our id (never the customer's filename). nosniff and a
// sandbox CSP whatever the type. Another merchant's message, or media not stored: 404.
import { z } from 'zod';
import { attachmentName, inlineImageType } from '../../../domain/media.ts';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { getInboundMediaData } from '../whatsapp.queries.ts';

const binary = z.string().describe('The bytes');

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/messages/:id/media',
    {
      schema: {
        tags: ['conversations'],
        summary: 'The image or file a customer sent (when its media.status is stored)',
        description:
          'PNG, JPEG and WebP images (detected from the bytes) are served inline with their type; everything else as `application/octet-stream` with `Content-Disposition: attachment` and a generated filename. Always `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`.',
        params: idParam('msg'),
        response: {
          200: {
            description: 'The file',
            content: {
              'image/png': { schema: binary },
              'image/jpeg': { schema: binary },
              'image/webp': { schema: binary },
              'application/octet-stream': { schema: binary },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const m = await getInboundMediaData(ctx.db, req.merchantId, req.params.id);
      if (!m) return sendError(req, reply, domainError('not_found', `No stored media for message ${req.params.id}`));
      const bytes = Buffer.from(m.data);
      const inline = inlineImageType(bytes);
      reply
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, max-age=300')
        .header('cross-origin-resource-policy', 'same-origin');
      if (inline) reply.header('content-type', inline).header('content-disposition', 'inline');
      else
        reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${attachmentName(m.message_id, m.mime_type?.startsWith('image/') ? null : m.mime_type)}"`);
      return reply.send(bytes as never); // the declared binary (the schema types the body as a string)
    },
  );
}
