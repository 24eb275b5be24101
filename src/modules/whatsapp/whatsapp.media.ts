// Media a customer sends (image, document, audio, video, sticker): recorded with the message
// (status pending) and fetched by a job through the Graph media endpoint: GET /{media_id} →
// {url, mime_type, sha256, file_size}, then the url with the number's token. Over the size cap
// → too_large (not downloaded, or the download stops at the cap); bytes that do not match
// Meta's sha256 → failed, never stored; else stored in the database so every node serves them.
import crypto from 'node:crypto';
import { cleanMime, inlineImageType, isMediaType, sha256Matches, type InboundMediaKind } from '../../domain/media.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getNumber } from './whatsapp-numbers.repository.ts';
import { isInertNumber } from './whatsapp.numbers.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';
import { TOO_LARGE } from '../../adapters/whatsapp/graph.client.ts';
import { getInboundMedia, insertInboundMedia, settleInboundMedia, type InboundMediaRow } from './inbound-media.repository.ts';

export const MEDIA_FETCH_JOB = 'whatsapp.media.fetch';
export const MEDIA_FETCH_ATTEMPTS = 6;
const DEFAULT_MAX = { image: 5 * 1024 * 1024, document: 16 * 1024 * 1024 };

export { isMediaType };

/** The cap for a kind: images and stickers under the image cap, the rest under the document cap. */
export function mediaCap(ctx: AppContext, kind: InboundMediaKind): number {
  const caps = ctx.inboundMediaMaxBytes ?? DEFAULT_MAX;
  return kind === 'image' || kind === 'sticker' ? caps.image : caps.document;
}

/** In the message's transaction: the media row (pending) and the job that fetches it. */
export async function recordInboundMedia(
  ctx: AppContext,
  tx: Tx,
  m: { messageId: string; merchantId: string; phoneNumberId: string; kind: InboundMediaKind; raw: Record<string, unknown> },
): Promise<void> {
  const o = (m.raw[m.kind] ?? {}) as Record<string, unknown>;
  const mediaId = typeof o['id'] === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(o['id']) ? o['id'] : null;
  const now = ctx.clock.now();
  await insertInboundMedia(tx, {
    message_id: m.messageId,
    merchant_id: m.merchantId,
    phone_number_id: m.phoneNumberId,
    media_id: mediaId ?? '',
    kind: m.kind,
    declared_mime: cleanMime(o['mime_type']),
    declared_sha256: typeof o['sha256'] === 'string' ? o['sha256'].slice(0, 128) : null,
    now,
  });
  if (!mediaId) {
    await settleInboundMedia(tx, m.messageId, { status: 'failed', note: 'WhatsApp sent no media id', now });
    return;
  }
  await enqueueJob(tx, {
    kind: MEDIA_FETCH_JOB,
    merchantId: m.merchantId,
    payload: { message_id: m.messageId },
    runAt: now,
    dedupeKey: `${MEDIA_FETCH_JOB}:${m.messageId}`,
    maxAttempts: MEDIA_FETCH_ATTEMPTS,
  });
}

/** The job. Transient trouble (network, 5xx, rate limits) is retried; on the last try the media is failed. */
export async function fetchInboundMedia(ctx: AppContext, messageId: string, attempt: number): Promise<void> {
  const media = await getInboundMedia(ctx.db, messageId);
  if (!media || media.status !== 'pending') return;
  const settle = (s: Parameters<typeof settleInboundMedia>[2]) => settleInboundMedia(ctx.db, messageId, s);
  const now = () => ctx.clock.now();
  const number = await getNumber(ctx.db, media.phone_number_id);
  const token = number && !isInertNumber(ctx, number) ? tokenFor(ctx, number) : undefined;
  if (!number || !token) {
    await settle({ status: 'failed', note: 'the number has no access token to fetch media with', now: now() });
    return;
  }
  const graph = graphFor(ctx, number);
  const retryOr = async (why: string, transient: boolean) => {
    if (transient && attempt < MEDIA_FETCH_ATTEMPTS) throw new Error(`media fetch: ${why}; will retry`);
    await settle({ status: 'failed', note: why.slice(0, 500), now: now() });
  };
  const info = await graph.getMediaInfo(media.media_id, token);
  if (!info.ok) return retryOr(`GET /{media_id}: ${info.error.code} ${info.error.title}`, info.error.class !== 'permanent');
  const cap = mediaCap(ctx, media.kind);
  const declaredSize = info.value.file_size;
  if (declaredSize > cap) {
    await settle({
      status: 'too_large',
      size: declaredSize,
      mime_type: cleanMime(info.value.mime_type),
      note: `larger than ${cap} bytes: not fetched`,
      now: now(),
    });
    return;
  }
  const dl = await graph.downloadMedia(info.value.url, token, cap);
  if (!dl.ok) {
    const e = dl.error;
    if (e === TOO_LARGE) {
      await settle({ status: 'too_large', mime_type: cleanMime(info.value.mime_type), note: `larger than ${cap} bytes: download stopped`, now: now() });
      return;
    }
    return retryOr(`download: ${e.code} ${e.title}`, e.class !== 'permanent');
  }
  const hex = crypto.createHash('sha256').update(dl.value).digest('hex');
  const declared = [info.value.sha256, media.declared_sha256].filter((s): s is string => !!s);
  if (declared.length === 0 || !declared.every((d) => sha256Matches(hex, d))) {
    await settle({ status: 'failed', size: dl.value.length, note: "the file does not match WhatsApp's sha256: not stored", now: now() });
    return;
  }
  await settle({ status: 'stored', data: dl.value, size: dl.value.length, mime_type: storedMime(media, dl.value, info.value.mime_type), now: now() });
}

/** The type we show: an inline image type from the bytes, else what WhatsApp declared (served as an attachment). */
function storedMime(m: InboundMediaRow, bytes: Buffer, declared: string): string {
  return inlineImageType(bytes) ?? cleanMime(declared) ?? m.declared_mime ?? 'application/octet-stream';
}
