// Media in the WhatsApp double: the simulated phone sends an image, a document, audio, video
// or a sticker (bytes as base64); the webhook carries {id, mime_type, sha256, caption, …} like
// Meta's, and the business fetches it as from Meta: GET /{media_id} → {url, mime_type, sha256,
// file_size, id} with its token, then GET that url with the same Bearer token (5 minutes).
// Test knob: a `sha256` in the phone's message is what "Meta" declares (a corrupt transfer).
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sniffMedia } from '../../../../src/domain/media.ts';
import { invalid, missing, text, type Obj } from './wa.check.ts';
import { bad, fail, invalidToken, okv, sendGraphError, unknownObject, type Checked } from './wa.errors.ts';

import { getSandboxMedia, getSandboxMediaData, insertSandboxMedia } from './wa-media.repository.ts';
import type { Queryable, SandboxContext, SandboxNumber } from '../host.ts';

export const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
/** The largest file the simulated phone sends (WhatsApp's document limit is 100 MB; 20 MB here). */
export const SANDBOX_MEDIA_MAX = 20 * 1024 * 1024;
const URL_TTL_MS = 5 * 60_000;
const MIME = /^[a-z]+\/[a-z0-9.+-]{1,100}$/i;

const defaultMime: Record<string, string> = {
  image: 'image/jpeg',
  document: 'application/pdf',
  audio: 'audio/ogg',
  video: 'video/mp4',
  sticker: 'image/webp',
};

/** Checks the phone's {data (base64), mime_type?, caption?, filename?, sha256?} and stores the file; the webhook's media object. */
export async function mediaPayload(ctx: SandboxContext, tx: Queryable, n: SandboxNumber, type: string, v: Obj): Promise<Checked<Obj>> {
  const f =
    text(`${type}.data`, v['data'], 30_000_000) ?? text(`${type}.caption`, v['caption'], 1024, false) ?? text(`${type}.filename`, v['filename'], 240, false);
  if (f) return { ok: false, error: f };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v['data'])) return { ok: false, error: invalid(`${type}.data`, 'must be base64') };
  const bytes = Buffer.from(v['data'], 'base64');
  if (bytes.length === 0) return { ok: false, error: missing(`${type}.data`) };
  if (bytes.length > SANDBOX_MEDIA_MAX) return bad(100, `${type}: the file is larger than ${SANDBOX_MEDIA_MAX} bytes`);
  if (v['mime_type'] !== undefined && (typeof v['mime_type'] !== 'string' || !MIME.test(v['mime_type'])))
    return { ok: false, error: invalid(`${type}.mime_type`, 'must look like image/png') };
  if (v['sha256'] !== undefined && (typeof v['sha256'] !== 'string' || !/^[A-Za-z0-9+/=]{1,128}$/.test(v['sha256'])))
    return { ok: false, error: invalid(`${type}.sha256`, 'must be hex or base64') };
  const mime = (v['mime_type'] as string | undefined) ?? sniffMedia(bytes, '')?.mime ?? defaultMime[type]!;
  const sha256 = (v['sha256'] as string | undefined) ?? crypto.createHash('sha256').update(bytes).digest('hex');
  const id = String(10n ** 15n + BigInt('0x' + crypto.randomBytes(6).toString('hex')));
  await insertSandboxMedia(tx, {
    id,
    phone_number_id: n.phone_number_id,
    mime_type: mime,
    sha256,
    file_size: bytes.length,
    data: bytes,
    created_at: ctx.clock.now(),
  });
  const out: Obj = { mime_type: mime, sha256, id };
  if (typeof v['caption'] === 'string' && (type === 'image' || type === 'document' || type === 'video')) out['caption'] = v['caption'];
  if (type === 'document') out['filename'] = typeof v['filename'] === 'string' ? v['filename'] : 'document';
  if (type === 'audio') out['voice'] = false;
  if (type === 'sticker') out['animated'] = false;
  return okv(out);
}

/** Whether this id is a media file the phone sent (GET /{id} shares its path with GET /{phone_number_id}). */
export async function isSandboxMedia(ctx: SandboxContext, id: string): Promise<boolean> {
  return /^\d{1,32}$/.test(id) && !!(await getSandboxMedia(ctx.db, id));
}

async function owner(ctx: SandboxContext, req: FastifyRequest): Promise<SandboxNumber | undefined> {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(h) : null;
  return m ? ctx.business.numberByToken(ctx.db, m[1]!) : undefined;
}

const sign = (ctx: SandboxContext, id: string, exp: number) =>
  crypto.createHmac('sha256', `sandbox-media:${ctx.publicUrl}`).update(`${id}.${exp}`).digest('hex').slice(0, 32);

/** GET /{version}/{media_id}: the download URL and what the file is; the media must be the token's number's. */
export async function mediaInfo(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, mediaId: string) {
  const n = await owner(ctx, req);
  if (!n) return sendGraphError(reply, invalidToken());
  const m = /^\d{1,32}$/.test(mediaId) ? await getSandboxMedia(ctx.db, mediaId) : undefined;
  if (!m || m.phone_number_id !== n.phone_number_id) return sendGraphError(reply, unknownObject('get', mediaId));
  const exp = Math.floor((ctx.clock.now().getTime() + URL_TTL_MS) / 1000);
  return reply.send({
    messaging_product: 'whatsapp',
    url: `${ctx.publicUrl}/sandbox/graph/whatsapp_business/attachments/?mid=${m.id}&ext=${exp}&hash=${sign(ctx, m.id, exp)}`,
    mime_type: m.mime_type,
    sha256: m.sha256,
    file_size: String(m.file_size),
    id: m.id,
  });
}

/** GET the URL mediaInfo gave: the bytes, with the number's token, before it expires. */
export async function mediaDownload(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, q: Record<string, string | undefined>) {
  const n = await owner(ctx, req);
  if (!n) return sendGraphError(reply, invalidToken());
  const id = q['mid'] ?? '';
  const exp = Number(q['ext']);
  const valid = /^\d{1,32}$/.test(id) && Number.isSafeInteger(exp) && exp * 1000 >= ctx.clock.now().getTime() && q['hash'] === sign(ctx, id, exp);
  const m = valid ? await getSandboxMedia(ctx.db, id) : undefined;
  if (!m || m.phone_number_id !== n.phone_number_id) return sendGraphError(reply, fail(100, 'The media URL is invalid or has expired', { status: 404 }));
  const data = (await getSandboxMediaData(ctx.db, id))!;
  return reply.header('content-type', m.mime_type).header('content-length', String(data.length)).send(Buffer.from(data));
}
