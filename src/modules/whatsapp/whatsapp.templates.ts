// The merchant's message templates as Meta knows them: what the composer offers outside the
// 24-hour window (approved ones only can be sent). Stored (whatsapp_templates), refreshed
// from GET /{waba_id}/message_templates (every page) when the copy is older than
// TEMPLATES_STALE_MS or belongs to another WABA, and kept current between refreshes by the
// message_template_status_update webhook (whatsapp.inbound-items.ts).
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import { getTemplateSync, listStoredTemplates, replaceTemplates, type TemplateFromGraph, type TemplateRow } from './whatsapp-templates.repository.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';

export const MAX_TEMPLATE_PAGES = 20;
/** How old the stored copy may be before GET /v1/templates reads Graph again. */
export const TEMPLATES_STALE_MS = 15 * 60_000;

export interface Template {
  name: string;
  language: string;
  status: string;
  category: string | null;
  body: string | null;
  /** How many {{n}} parameters the body takes. */
  body_parameters: number;
  /** Meta's reason for the last status change, when a webhook gave one. */
  reason: string | null;
  updated_at: string;
}

function present(t: TemplateRow): Template {
  const comps = Array.isArray(t.components) ? (t.components as { type?: unknown; text?: unknown }[]) : [];
  const bodyText = comps.find((c) => typeof c?.type === 'string' && c.type.toUpperCase() === 'BODY')?.text;
  const body = typeof bodyText === 'string' ? bodyText : null;
  const params = new Set([...(body ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
  return {
    name: t.name,
    language: t.language,
    status: t.status.toLowerCase(),
    category: t.category?.toLowerCase() ?? null,
    body,
    body_parameters: params.size,
    reason: t.reason,
    updated_at: t.status_at.toISOString(),
  };
}

/** Reads every page from Graph. */
async function readFromGraph(ctx: AppContext, number: WhatsAppNumberRow & { waba_id: string }, token: string): Promise<Result<TemplateFromGraph[]>> {
  const graph = graphFor(ctx, number);
  const out: TemplateFromGraph[] = [];
  let after: string | undefined;
  for (let i = 0; i < MAX_TEMPLATE_PAGES; i++) {
    const r = await graph.listTemplates(number.waba_id, token, { limit: 100, after });
    if (!r.ok)
      return err(domainError('service_unavailable', `WhatsApp did not list the templates: ${r.error.message ?? r.error.title}`, { graph_code: r.error.code }));
    for (const t of r.value.data) {
      out.push({
        name: t.name,
        language: t.language,
        template_id: t.id ?? null,
        status: t.status.toUpperCase(),
        category: t.category?.toUpperCase() ?? null,
        components: t.components ?? null,
      });
    }
    after = r.value.paging?.next ? r.value.paging.cursors?.after : undefined;
    if (!after) break;
  }
  return ok(out);
}

/**
 * The stored templates, refreshed from Graph first when stale (or `refresh`). When Graph
 * fails and a copy exists, the copy is served (the webhook kept its statuses current).
 */
export async function listMerchantTemplates(ctx: AppContext, q: Queryable, merchantId: string, opts: { refresh?: boolean } = {}): Promise<Result<Template[]>> {
  const number = await getNumberByMerchant(q, merchantId);
  if (!number) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  const wabaId = number.waba_id;
  if (!wabaId) return err(domainError('conflict', 'The WhatsApp number has no waba_id: set it with PATCH /v1/settings/whatsapp'));
  const sync = await getTemplateSync(q, merchantId);
  const now = ctx.clock.now();
  const fresh = !!sync && sync.waba_id === wabaId && now.getTime() - sync.synced_at.getTime() < TEMPLATES_STALE_MS;
  if (!fresh || opts.refresh) {
    const token = tokenFor(ctx, number);
    const read = token
      ? await readFromGraph(ctx, { ...number, waba_id: wabaId }, token)
      : err(domainError('conflict', 'The WhatsApp number has no access token: set it with PATCH /v1/settings/whatsapp'));
    if (read.ok) await replaceTemplates(q, merchantId, wabaId, read.value, now);
    else if (!sync || sync.waba_id !== wabaId) return read;
    else ctx.log.warn({ merchant: merchantId, err: read.error.message }, 'templates not refreshed from WhatsApp; serving the stored copy');
  }
  const rows = await listStoredTemplates(q, merchantId, wabaId);
  return ok(rows.map(present).sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language)));
}

/** The stored approved templates (no Graph call: used inside transactions). */
export async function approvedTemplates(q: Queryable, number: WhatsAppNumberRow): Promise<{ name: string; language: string }[] | undefined> {
  if (!number.waba_id) return undefined;
  const sync = await getTemplateSync(q, number.merchant_id);
  const rows = await listStoredTemplates(q, number.merchant_id, number.waba_id);
  if (!sync && rows.length === 0) return undefined;
  return rows.filter((r) => r.status.toUpperCase() === 'APPROVED').map((r) => ({ name: r.name, language: r.language }));
}
