// media_uploads (0026): media the merchant sends, in the database so every node serves it.
import type { Queryable } from '../../platform/store/db.ts';

export interface UploadRow {
  id: string;
  merchant_id: string;
  kind: 'image' | 'document';
  mime_type: string;
  size: number;
  sha256: string;
  filename: string | null;
  token: string;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = 'id, merchant_id, kind, mime_type, size, sha256, filename, token, created_by, created_at';

export async function insertUpload(q: Queryable, u: UploadRow & { data: Buffer }): Promise<UploadRow> {
  return (
    await q.query<UploadRow>(
      `insert into media_uploads (id, merchant_id, kind, mime_type, size, sha256, filename, token, data, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
      [u.id, u.merchant_id, u.kind, u.mime_type, u.size, u.sha256, u.filename, u.token, u.data, u.created_by, u.created_at],
    )
  )[0]!;
}

export async function getUpload(q: Queryable, merchantId: string, id: string): Promise<UploadRow | undefined> {
  return (await q.query<UploadRow>(`select ${COLUMNS} from media_uploads where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

export async function getUploadByToken(q: Queryable, token: string): Promise<(UploadRow & { data: Uint8Array }) | undefined> {
  return (await q.query<UploadRow & { data: Uint8Array }>(`select ${COLUMNS}, data from media_uploads where token = $1`, [token]))[0];
}
