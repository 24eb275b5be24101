// inbound_media (0030): media a customer sent, fetched from Meta by a job, bytes in the database
// so every node serves them. Rows go with their message's redaction (a trigger in 0030).
import type { Queryable } from '../../platform/store/db.ts';

import type { InboundMediaKind } from '../../domain/media.ts';

export type { InboundMediaKind };
export type InboundMediaStatus = 'pending' | 'stored' | 'failed' | 'too_large';

export interface InboundMediaRow {
  message_id: string;
  merchant_id: string;
  phone_number_id: string;
  media_id: string;
  kind: InboundMediaKind;
  status: InboundMediaStatus;
  declared_mime: string | null;
  declared_sha256: string | null;
  mime_type: string | null;
  size: number | null;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'message_id, merchant_id, phone_number_id, media_id, kind, status, declared_mime, declared_sha256, mime_type, size, note, created_at, updated_at';
const norm = (r: InboundMediaRow): InboundMediaRow => ({ ...r, size: r.size === null ? null : Number(r.size) });

export async function insertInboundMedia(
  q: Queryable,
  m: Pick<InboundMediaRow, 'message_id' | 'merchant_id' | 'phone_number_id' | 'media_id' | 'kind' | 'declared_mime' | 'declared_sha256'> & { now: Date },
): Promise<void> {
  await q.query(
    `insert into inbound_media (message_id, merchant_id, phone_number_id, media_id, kind, status, declared_mime, declared_sha256, created_at, updated_at)
     values ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $8) on conflict (message_id) do nothing`,
    [m.message_id, m.merchant_id, m.phone_number_id, m.media_id, m.kind, m.declared_mime, m.declared_sha256, m.now],
  );
}

export async function getInboundMedia(q: Queryable, messageId: string): Promise<InboundMediaRow | undefined> {
  const r = (await q.query<InboundMediaRow>(`select ${COLUMNS} from inbound_media where message_id = $1`, [messageId]))[0];
  return r ? norm(r) : undefined;
}

export async function listInboundMedia(q: Queryable, merchantId: string, messageIds: string[]): Promise<InboundMediaRow[]> {
  if (messageIds.length === 0) return [];
  return (
    await q.query<InboundMediaRow>(`select ${COLUMNS} from inbound_media where merchant_id = $1 and message_id = any($2::text[])`, [merchantId, messageIds])
  ).map(norm);
}

/** The stored bytes of a merchant's message's media (only when stored). */
export async function getInboundMediaData(q: Queryable, merchantId: string, messageId: string): Promise<(InboundMediaRow & { data: Uint8Array }) | undefined> {
  const r = (
    await q.query<InboundMediaRow & { data: Uint8Array }>(
      `select ${COLUMNS}, data from inbound_media where merchant_id = $1 and message_id = $2 and status = 'stored' and data is not null`,
      [merchantId, messageId],
    )
  )[0];
  return r ? { ...norm(r), data: r.data } : undefined;
}

/** Settles a pending row: stored (with the bytes) or failed / too_large (never bytes). */
export async function settleInboundMedia(
  q: Queryable,
  messageId: string,
  s: { status: Exclude<InboundMediaStatus, 'pending'>; mime_type?: string | null; size?: number | null; note?: string | null; data?: Buffer | null; now: Date },
): Promise<boolean> {
  const r = await q.query<{ message_id: string }>(
    `update inbound_media set status = $2, mime_type = coalesce($3, mime_type), size = coalesce($4, size), note = $5, data = $6, updated_at = $7
      where message_id = $1 and status = 'pending' returning message_id`,
    [messageId, s.status, s.mime_type ?? null, s.size ?? null, s.note ?? null, s.status === 'stored' ? (s.data ?? null) : null, s.now],
  );
  return r.length > 0;
}
