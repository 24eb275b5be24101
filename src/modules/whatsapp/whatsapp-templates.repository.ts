// SQL of the stored copy of the merchant's message templates (whatsapp_templates) and of
// its last refresh from the Graph API (whatsapp_template_syncs).
import type { Queryable } from '../../platform/store/db.ts';

export interface TemplateRow {
  merchant_id: string;
  waba_id: string;
  name: string;
  language: string;
  template_id: string | null;
  status: string;
  category: string | null;
  components: unknown[] | null;
  reason: string | null;
  status_at: Date;
  updated_at: Date;
}

export interface TemplateFromGraph {
  name: string;
  language: string;
  template_id: string | null;
  status: string;
  category: string | null;
  components: unknown[] | null;
}

export async function listStoredTemplates(q: Queryable, merchantId: string, wabaId: string): Promise<TemplateRow[]> {
  return q.query<TemplateRow>(`select * from whatsapp_templates where merchant_id = $1 and waba_id = $2 order by name, language`, [merchantId, wabaId]);
}

export async function getTemplateSync(q: Queryable, merchantId: string): Promise<{ waba_id: string; synced_at: Date } | undefined> {
  return (
    await q.query<{ waba_id: string; synced_at: Date }>(`select waba_id, synced_at from whatsapp_template_syncs where merchant_id = $1`, [merchantId])
  )[0];
}

/**
 * Replaces the stored copy with what Graph listed: templates it no longer lists are gone;
 * a status a webhook reported after `now` (its entry time) is kept.
 */
export async function replaceTemplates(q: Queryable, merchantId: string, wabaId: string, list: TemplateFromGraph[], now: Date): Promise<void> {
  await q.query(
    `delete from whatsapp_templates w where merchant_id = $1 and (waba_id <> $2 or not exists (
       select 1 from jsonb_to_recordset($3::jsonb) as t(name text, language text) where t.name = w.name and t.language = w.language))`,
    [merchantId, wabaId, JSON.stringify(list.map((t) => ({ name: t.name, language: t.language })))],
  );
  for (const t of list) {
    await q.query(
      `insert into whatsapp_templates (merchant_id, waba_id, name, language, template_id, status, category, components, reason, status_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9, $9)
       on conflict (merchant_id, waba_id, name, language) do update set
         template_id = coalesce(excluded.template_id, whatsapp_templates.template_id),
         category = coalesce(excluded.category, whatsapp_templates.category),
         components = excluded.components,
         status = case when whatsapp_templates.status_at > excluded.status_at then whatsapp_templates.status else excluded.status end,
         reason = case when whatsapp_templates.status_at > excluded.status_at then whatsapp_templates.reason else null end,
         status_at = greatest(whatsapp_templates.status_at, excluded.status_at),
         updated_at = excluded.updated_at`,
      [merchantId, wabaId, t.name, t.language, t.template_id, t.status, t.category, t.components === null ? null : JSON.stringify(t.components), now],
    );
  }
  await q.query(
    `insert into whatsapp_template_syncs (merchant_id, waba_id, synced_at) values ($1, $2, $3)
     on conflict (merchant_id) do update set waba_id = excluded.waba_id, synced_at = excluded.synced_at`,
    [merchantId, wabaId, now],
  );
}

/**
 * A status update from the webhook: applied when it is not older than the stored status
 * (a redelivered or late webhook never turns the clock back). A template not known yet is
 * stored with what the webhook says (its components arrive with the next refresh).
 * Returns the previous status, or undefined when nothing changed.
 */
export async function applyTemplateStatus(
  q: Queryable,
  u: {
    merchantId: string;
    wabaId: string;
    name: string;
    language: string;
    templateId: string | null;
    status: string;
    category: string | null;
    reason: string | null;
    at: Date;
    now: Date;
  },
): Promise<{ changed: boolean; previous: string | null }> {
  const prev = (
    await q.query<{ status: string; status_at: Date }>(
      `select status, status_at from whatsapp_templates where merchant_id = $1 and waba_id = $2 and name = $3 and language = $4 for update`,
      [u.merchantId, u.wabaId, u.name, u.language],
    )
  )[0];
  if (prev && prev.status_at.getTime() > u.at.getTime()) return { changed: false, previous: prev.status };
  await q.query(
    `insert into whatsapp_templates (merchant_id, waba_id, name, language, template_id, status, category, components, reason, status_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, null, $8, $9, $10)
     on conflict (merchant_id, waba_id, name, language) do update set
       template_id = coalesce(excluded.template_id, whatsapp_templates.template_id),
       category = coalesce(excluded.category, whatsapp_templates.category),
       status = excluded.status, reason = excluded.reason, status_at = excluded.status_at, updated_at = excluded.updated_at`,
    [u.merchantId, u.wabaId, u.name, u.language, u.templateId, u.status, u.category, u.reason, u.at, u.now],
  );
  return { changed: prev?.status !== u.status, previous: prev?.status ?? null };
}
