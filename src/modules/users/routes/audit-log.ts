// GET /v1/audit-log: security-relevant changes, newest first (owner only).
import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import { AUDIT_TYPES } from '../users.audit.ts';
import { presentAudit } from '../users.present.ts';
import { listAudit } from '../users.queries.ts';
import { auditListSchema } from '../users.present.ts';

const query = listQuery.extend({ type: z.enum(AUDIT_TYPES).optional(), actor: z.string().max(100).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/audit-log',
    {
      schema: {
        response: { 200: auditListSchema },
        summary: 'The audit log, newest first: sign-ins, users, keys, credentials, policies, products, exports',
        querystring: query,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = await listAudit(ctx.db, req.merchantId, { type: q.type, actor: q.actor }, { limit: q.limit, startingAfter: q.starting_after });
      return reply.send(page(rows, q.limit, presentAudit));
    },
  );
}
