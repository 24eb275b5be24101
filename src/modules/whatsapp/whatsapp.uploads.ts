// POST /v1/uploads: media the merchant sends (an image or a document), known by its bytes,
// stored in the database (every node serves it), sent to WhatsApp as a link WhatsApp fetches
// (GET /media/{token}: an unguessable token, never a file name in the path).
import crypto from 'node:crypto';
import { MAX_BYTES, safeFilename, sniffMedia } from '../../domain/media.ts';
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { insertUpload, type UploadRow } from './media-uploads.repository.ts';

export type { UploadRow };

export async function storeUpload(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  file: { bytes: Buffer; declaredType: string; name: string | null },
): Promise<Result<UploadRow>> {
  if (file.bytes.length === 0) return err(domainError('validation_error', 'file: empty', { path: 'file' }));
  const t = sniffMedia(file.bytes, file.declaredType);
  if (!t)
    return err(
      domainError('unsupported_media_type', 'file: send a JPEG or PNG image, or a PDF, text or Office document (known by its content, not its name)', {
        path: 'file',
      }),
    );
  if (file.bytes.length > MAX_BYTES[t.kind])
    return err(domainError('payload_too_large', `file: a ${t.kind} may be at most ${MAX_BYTES[t.kind]} bytes`, { path: 'file', limit: MAX_BYTES[t.kind] }));
  return ok(
    await insertUpload(tx, {
      id: newId('upl'),
      merchant_id: merchantId,
      kind: t.kind,
      mime_type: t.mime,
      size: file.bytes.length,
      sha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
      filename: t.kind === 'document' ? safeFilename(file.name) : null,
      token: newSecretToken(32),
      created_by: actor.id ?? null,
      created_at: ctx.clock.now(),
      data: file.bytes,
    }),
  );
}

/** Where WhatsApp fetches an upload. */
export const mediaUrl = (ctx: AppContext, u: Pick<UploadRow, 'token'>) => `${ctx.publicUrl}/media/${u.token}`;
