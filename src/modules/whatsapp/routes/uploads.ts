// POST /v1/uploads (multipart/form-data, field "file") → 201 {id, upload_id, kind, …}: an
// image or document to send with POST /v1/messages ({image|document: {upload_id}}).
// WhatsApp fetches it from GET /media/{token} (media.get.ts).
import crypto from 'node:crypto';
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { iso, isoTime } from '../../../platform/http/page.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { MAX_BYTES } from '../../../domain/media.ts';
import type { UploadRow } from '../whatsapp.uploads.ts';
import { storeUpload } from '../whatsapp.uploads.ts';

/** The largest body: the largest file plus room for the multipart framing. */
const BODY_LIMIT = MAX_BYTES.document + 64 * 1024;

export const uploadSchema = z
  .object({
    id: z.string().describe('upl_…'),
    object: z.literal('upload'),
    upload_id: z.string().describe('The same id, as POST /v1/messages takes it'),
    kind: z.enum(['image', 'document']),
    mime_type: z.string().describe('From the content, not the name'),
    size: z.number().int(),
    sha256: z.string(),
    filename: z.string().nullable().describe("A document's name as WhatsApp shows it"),
    created_at: isoTime,
  })
  .meta({ id: 'Upload', description: 'Media to send' });

export const presentUpload = (u: UploadRow): z.infer<typeof uploadSchema> => ({
  id: u.id,
  object: 'upload',
  upload_id: u.id,
  kind: u.kind,
  mime_type: u.mime_type,
  size: u.size,
  sha256: u.sha256,
  filename: u.filename,
  created_at: iso(u.created_at)!,
});

const documentedBody = z.object({ file: z.string().describe('multipart/form-data: the file (JPEG or PNG ≤ 5 MB; PDF, text or Office ≤ 16 MB)') });

export function register(app: App, { ctx }: RouteDeps) {
  app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(
      '/v1/uploads',
      {
        bodyLimit: BODY_LIMIT,
        config: { documentedBody },
        schema: { summary: 'Upload an image or a document to send (multipart/form-data, field "file")', response: { 201: uploadSchema } },
      },
      async (req, reply) => {
        const ct = req.headers['content-type'] ?? '';
        if (!/^multipart\/form-data\b/i.test(ct) || !Buffer.isBuffer(req.body))
          return sendError(req, reply, domainError('unsupported_media_type', 'Send multipart/form-data with a "file" field'));
        let file: File | undefined;
        try {
          const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': ct } }).formData();
          const f = form.get('file');
          file = f instanceof File ? f : undefined;
        } catch {
          return sendError(req, reply, domainError('validation_error', 'The multipart body could not be read', { path: 'file' }));
        }
        if (!file) return sendError(req, reply, domainError('validation_error', 'file: a file field named "file" is required', { path: 'file' }));
        const bytes = Buffer.from(await file.arrayBuffer());
        const name = file.name || null;
        // What Idempotency-Key fingerprints: the file's digest and name, not its bytes.
        req.body = { file_sha256: crypto.createHash('sha256').update(bytes).digest('hex'), name, type: file.type };
        return mutate(ctx, req, reply, req.merchantId, {
          status: 201,
          run: (tx) => storeUpload(ctx, tx, apiActor(req), req.merchantId, { bytes, declaredType: file.type, name }),
          present: presentUpload,
        });
      },
    );
  });
}
