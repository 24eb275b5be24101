// The one check of who may call what, for every /v1 route behind authentication: the
// route's rule (users.route-rules.ts) names a permission, the principal's role holds it or
// the answer is 403 forbidden. A route without a rule is refused. Registered by the
// composition root right after the authentication hook.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { domainError } from '../../domain/errors.ts';
import { allows, PERMISSIONS, type Permission } from '../../domain/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { apiActor } from '../../platform/http/route-deps.ts';
import { sendError } from '../../platform/http/errors.ts';
import type { Tx } from '../../platform/store/db.ts';
import { recordAudit } from './users.audit.ts';
import { ruleFor, type AuditInput, type RouteRule } from './users.route-rules.ts';

const who = (req: FastifyRequest) => (req.principal.kind === 'api_key' ? 'an API key' : `the ${req.principal.role} role`);

function refuse(req: FastifyRequest, reply: FastifyReply, permission: Permission) {
  const rule = PERMISSIONS[permission];
  const holders = [...rule.roles, ...(rule.apiKey ? ['API keys'] : [])].join(', ');
  return sendError(
    req,
    reply,
    domainError('forbidden', `This needs the permission ${permission} (${rule.description}), which ${who(req)} does not have; it is held by: ${holders}`, {
      permission,
    }),
  );
}

const inputOf = (req: FastifyRequest, value: unknown): AuditInput => ({
  params: (req.params ?? {}) as Record<string, string>,
  query: (req.query ?? {}) as Record<string, unknown>,
  body: req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {},
  value,
});

async function writeAudit(ctx: AppContext, q: Tx | AppContext['db'], req: FastifyRequest, rule: RouteRule, value: unknown): Promise<void> {
  const entry = rule.audit?.(inputOf(req, value));
  if (!entry) return;
  await recordAudit(ctx, q, { merchantId: req.merchantId, type: entry.type, actor: apiActor(req), subject: entry.subject ?? null, data: entry.data ?? {} });
}

export function authorizationHooks(ctx: AppContext) {
  return {
    /** Before the body is read: the route's permission. */
    async onRequest(req: FastifyRequest, reply: FastifyReply) {
      if (!req.principal) return; // the authentication hook has answered already
      const rule = ruleFor(req.method, req.routeOptions.url);
      if (!rule) {
        return sendError(
          req,
          reply,
          domainError(
            'forbidden',
            `No role rule covers ${req.method} ${req.routeOptions.url ?? req.url}: refused (routes are denied unless the role table allows them)`,
          ),
        );
      }
      if (!allows(req.principal, rule.permission)) return refuse(req, reply, rule.permission);
      if (rule.audit && req.method !== 'GET' && req.method !== 'HEAD') req.auditChange = (tx, value) => writeAudit(ctx, tx, req, rule, value);
    },
    /** After validation: body fields that need a permission of their own. */
    async preHandler(req: FastifyRequest, reply: FastifyReply) {
      const rule = ruleFor(req.method, req.routeOptions.url);
      if (!rule?.fields || !req.principal) return;
      const body = inputOf(req, undefined).body;
      for (const [field, permission] of Object.entries(rule.fields)) {
        if (body[field] !== undefined && !allows(req.principal, permission)) return refuse(req, reply, permission);
      }
    },
    /** A read worth auditing (an export) is written when it answers 200, before its body goes out. */
    async onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const rule = ruleFor(req.method, req.routeOptions.url);
      if (rule?.audit && (req.method === 'GET' || req.method === 'HEAD') && reply.statusCode === 200 && req.principal) {
        await writeAudit(ctx, ctx.db, req, rule, undefined);
      }
      return payload;
    },
  };
}
