// Keywords that answer with a flow: PUT /v1/flows/keywords/{keyword} {flow, flow_id?}
// creates or replaces one (`created` says which), GET lists them, DELETE removes one. The
// keyword is matched normalized (case, width and spacing folded), so " Menu " is "menu".
import { z } from 'zod';
import { MAX_KEYWORDS, removeFlowKeyword, setFlowKeyword } from '../flows.keywords.ts';
import { flowKeywordDeletedSchema, flowKeywordListSchema, flowKeywordPutSchema, presentFlowKeyword } from '../flows.present.ts';
import { FLOW_NAMES } from '../definitions/flow.registry.ts';
import { listFlowKeywords } from '../flows.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const keywordParams = z.strictObject({ keyword: z.string().min(1).max(200) });
const putBody = z.strictObject({
  flow: z.enum(FLOW_NAMES),
  flow_id: z
    .string()
    .regex(/^\d{1,32}$/, { message: 'must be the numeric Flow id from WhatsApp Manager' })
    .optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.put(
    '/v1/flows/keywords/:keyword',
    { schema: { response: { 200: flowKeywordPutSchema }, summary: 'Answer a keyword with a flow (create or replace)', params: keywordParams, body: putBody } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => setFlowKeyword(ctx, tx, req.merchantId, { keyword: req.params.keyword, ...req.body }),
        present: ({ row, created }) => ({ ...presentFlowKeyword(row), created }),
      }),
  );

  app.get(
    '/v1/flows/keywords',
    { schema: { response: { 200: flowKeywordListSchema }, summary: 'The keywords that answer with a flow' } },
    async (req, reply) => {
      const rows = await listFlowKeywords(ctx.db, req.merchantId, MAX_KEYWORDS);
      return reply.send({ object: 'list' as const, data: rows.map(presentFlowKeyword), has_more: false });
    },
  );

  app.delete(
    '/v1/flows/keywords/:keyword',
    { schema: { response: { 200: flowKeywordDeletedSchema }, summary: 'Stop answering a keyword with a flow', params: keywordParams } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => removeFlowKeyword(tx, req.merchantId, req.params.keyword),
        present: ({ keyword }) => ({ object: 'flow_keyword' as const, keyword, deleted: true as const }),
      }),
  );
}
