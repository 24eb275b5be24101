// GET /v1/me: who is asking (a console user, or an API key acting as the owner), for which
// merchant, and the permissions of its role, so the console hides what it may not do.
// GET /v1/roles: the role table itself.
import { PERMISSIONS, PERMISSION_NAMES, ROLES } from '../../../domain/roles.ts';
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { getMerchant } from '../../merchants/index.ts';
import { presentMe } from '../users.present.ts';
import { getUser } from '../users.queries.ts';
import { PUBLIC_ROUTES, ROUTE_RULES } from '../users.route-rules.ts';
import { meSchema, rolesSchema } from '../users.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/me',
    { schema: { response: { 200: meSchema }, summary: 'Who you are: your user (or API key), merchant, role and permissions' } },
    async (req, reply) => {
      const merchant = (await getMerchant(ctx.db, req.merchantId))!;
      const user = req.principal.kind === 'user' ? ((await getUser(ctx.db, req.merchantId, req.principal.id)) ?? null) : null;
      return reply.send(presentMe({ principal: req.principal, user, merchant }));
    },
  );

  app.get(
    '/v1/roles',
    { schema: { response: { 200: rolesSchema }, summary: 'The role table: permissions, the roles that hold them, and the permission of every route' } },
    async (_req, reply) =>
      reply.send({
        object: 'roles',
        roles: ROLES.map((role) => ({ role, permissions: PERMISSION_NAMES.filter((p) => (PERMISSIONS[p].roles as readonly string[]).includes(role)) })),
        api_keys: { permissions: PERMISSION_NAMES.filter((p) => PERMISSIONS[p].apiKey) },
        permissions: PERMISSION_NAMES.map((name) => ({
          name,
          description: PERMISSIONS[name].description,
          roles: [...PERMISSIONS[name].roles],
          api_key: PERMISSIONS[name].apiKey,
        })),
        routes: [
          ...Object.entries(PUBLIC_ROUTES).map(([route, note]) => ({ route, permission: null, note })),
          ...Object.entries(ROUTE_RULES).map(([route, r]) => ({ route, permission: r.permission, fields: r.fields ?? {}, note: r.note ?? null })),
        ],
      }),
  );
}
