import type { Queryable } from '../host.ts';
// sandbox_wa_media (0030): files the simulated phone sent, served by the Graph media endpoint double.

export interface SandboxMediaRow {
  id: string;
  phone_number_id: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  created_at: Date;
}

export async function insertSandboxMedia(q: Queryable, m: SandboxMediaRow & { data: Buffer }): Promise<void> {
  await q.query(`insert into sandbox_wa_media (id, phone_number_id, mime_type, sha256, file_size, data, created_at) values ($1, $2, $3, $4, $5, $6, $7)`, [
    m.id,
    m.phone_number_id,
    m.mime_type,
    m.sha256,
    m.file_size,
    m.data,
    m.created_at,
  ]);
}

export async function getSandboxMedia(q: Queryable, id: string): Promise<SandboxMediaRow | undefined> {
  const r = (
    await q.query<SandboxMediaRow>(`select id, phone_number_id, mime_type, sha256, file_size, created_at from sandbox_wa_media where id = $1`, [id])
  )[0];
  return r ? { ...r, file_size: Number(r.file_size) } : undefined;
}

export async function getSandboxMediaData(q: Queryable, id: string): Promise<Uint8Array | undefined> {
  return (await q.query<{ data: Uint8Array }>(`select data from sandbox_wa_media where id = $1`, [id]))[0]?.data;
}
