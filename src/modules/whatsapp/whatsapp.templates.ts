// The merchant's message templates as Meta knows them (GET /{waba_id}/message_templates, every
// page): what the composer offers outside the 24-hour window (approved ones only can be sent).
// Read from the Graph API on each call (the sandbox's double for sandbox numbers).
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';

export const MAX_TEMPLATE_PAGES = 20;

export interface Template {
  name: string;
  language: string;
  status: string;
  category: string | null;
  body: string | null;
  /** How many {{n}} parameters the body takes. */
  body_parameters: number;
}

export async function listMerchantTemplates(ctx: AppContext, q: Queryable, merchantId: string): Promise<Result<Template[]>> {
  const number = await getNumberByMerchant(q, merchantId);
  if (!number) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  if (!number.waba_id) return err(domainError('conflict', 'The WhatsApp number has no waba_id: set it with PATCH /v1/settings/whatsapp'));
  const token = tokenFor(ctx, number);
  if (!token) return err(domainError('conflict', 'The WhatsApp number has no access token: set it with PATCH /v1/settings/whatsapp'));
  const graph = graphFor(ctx, number);
  const out: Template[] = [];
  let after: string | undefined;
  for (let i = 0; i < MAX_TEMPLATE_PAGES; i++) {
    const r = await graph.listTemplates(number.waba_id, token, { limit: 100, after });
    if (!r.ok)
      return err(domainError('service_unavailable', `WhatsApp did not list the templates: ${r.error.message ?? r.error.title}`, { graph_code: r.error.code }));
    for (const t of r.value.data) {
      const body = t.components?.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? null;
      const params = new Set([...(body ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
      out.push({
        name: t.name,
        language: t.language,
        status: t.status.toLowerCase(),
        category: t.category?.toLowerCase() ?? null,
        body,
        body_parameters: params.size,
      });
    }
    after = r.value.paging?.next ? r.value.paging.cursors?.after : undefined;
    if (!after) break;
  }
  return ok(out.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language)));
}
