// The Flows key pair, keywords and sent flow messages as the API shows them, with the zod
// schemas their routes answer with (and /openapi.json shows).
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { FlowOnlyKeywordRow } from './flow-keywords.repository.ts';
import { flowEndpointUrl } from './flows.keys.ts';
import type { FlowKeyRow } from './flows.repository.ts';

export const flowKeysSchema = z
  .object({
    object: z.literal('flow_keys'),
    public_key: z.string().describe('SPKI PEM (-----BEGIN PUBLIC KEY-----): register it with Meta'),
    created_at: isoTime,
    endpoint_url: z.string().describe("The Flows data endpoint to give Meta for this merchant's flows"),
    register_with: z.object({ method: z.string(), path: z.string(), field: z.string() }).describe('The Graph API call that registers the public key'),
  })
  .meta({ id: 'FlowKeys', description: 'The public half of the Flows key pair' });

export function presentFlowKeys(ctx: AppContext, row: FlowKeyRow): z.infer<typeof flowKeysSchema> {
  return {
    object: 'flow_keys',
    public_key: row.public_key_pem,
    created_at: iso(row.created_at)!,
    endpoint_url: flowEndpointUrl(ctx, row.merchant_id),
    // What to do with the public key; the sandbox Cloud API takes the same call.
    register_with: { method: 'POST', path: '/{phone_number_id}/whatsapp_business_encryption', field: 'business_public_key' },
  };
}

export const flowKeywordSchema = z
  .object({
    object: z.literal('flow_keyword'),
    keyword: z.string().describe('Normalized: case, width and spacing folded'),
    flow: z.string(),
    flow_id: z.string().nullable(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'FlowKeyword', description: 'A keyword a customer types that answers with a flow' });

export const flowKeywordListSchema = listOf(flowKeywordSchema);

export const flowKeywordPutSchema = flowKeywordSchema.extend({ created: z.boolean().describe('true: new; false: replaced') });

export const flowKeywordDeletedSchema = z.object({ object: z.literal('flow_keyword'), keyword: z.string(), deleted: z.literal(true) });

export function presentFlowKeyword(r: FlowOnlyKeywordRow): z.infer<typeof flowKeywordSchema> {
  return {
    object: 'flow_keyword',
    keyword: r.keyword,
    flow: r.flow_name,
    flow_id: r.flow_id,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  };
}

export const flowMessageSchema = z
  .object({
    object: z.literal('flow_message'),
    flow: z.string(),
    customer_id: z.string().nullable().describe('cus_…'),
    wa_id: z.string().nullable().describe("The customer's phone, null for a customer known by BSUID only"),
    message_id: z.string().describe('msg_…: follow it in GET /v1/messages'),
    flow_token: z.string().describe("The flow's session token (the merchant's own: lets a test or the sandbox follow the flow)"),
    expires_at: isoTime,
  })
  .meta({ id: 'FlowMessage', description: 'A flow message queued for a customer' });
