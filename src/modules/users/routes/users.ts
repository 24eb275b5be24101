// GET|POST /v1/users (POST invites: the answer carries the one-time link, since the server
// sends no email), PATCH|DELETE /v1/users/{id}. Managing users needs an owner's session:
// API keys never manage users (the role table).
import { z } from 'zod';
import { ROLES } from '../../../domain/roles.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { page } from '../../../platform/http/page.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import { changeUser, inviteUser, newLinkFor, removeUser } from '../users.manage.ts';
import { presentLink, presentUser } from '../users.present.ts';
import { listUsers } from '../users.queries.ts';
import { invitedUserSchema, userDeletedSchema, userLinkSchema, userListSchema, userSchema } from '../users.present.ts';

const email = z.string().regex(/^[^\s@]{1,64}@[^\s@]{1,189}$/, { message: 'must be an email address' });
const name = z.string().trim().min(1).max(200);

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/users',
    { schema: { response: { 200: userListSchema }, summary: "The merchant's console users", querystring: listQuery } },
    async (req, reply) => {
      const rows = await listUsers(ctx.db, req.merchantId, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, presentUser));
    },
  );

  app.post(
    '/v1/users',
    {
      schema: {
        response: { 201: invitedUserSchema },
        summary: 'Invite a user: the answer carries the one-time invitation link (72 h) to hand over',
        body: z.strictObject({ email, name: name.optional(), role: z.enum(ROLES) }),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => inviteUser(ctx, tx, apiActor(req), req.merchantId, req.body),
        present: ({ user, link }) => ({ ...presentUser(user), invitation: presentLink(link) }),
        // The link is a secret kept only as a hash: a replay says the user was invited, without it.
        stored: (p) => ({ ...(p as object), invitation: { ...(p as { invitation: object }).invitation, url: null } }),
      }),
  );

  app.patch(
    '/v1/users/:id',
    {
      schema: {
        response: { 200: userSchema },
        summary: "Change a user's name or role (the last owner stays owner)",
        params: idParam('usr'),
        body: z.strictObject({ name: name.nullable().optional(), role: z.enum(ROLES).optional() }),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => changeUser(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body),
        present: presentUser,
      }),
  );

  app.post(
    '/v1/users/:id/link',
    {
      schema: {
        response: { 201: userLinkSchema },
        summary:
          'A new one-time link for a user: an invitation (72 h) while it has no password, else a password reset (1 h) that signs out its sessions when used',
        params: idParam('usr'),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => newLinkFor(ctx, tx, apiActor(req), req.merchantId, req.params.id),
        present: ({ user, link }) => ({ ...presentLink(link), user: presentUser(user) }),
        stored: (p) => ({ ...(p as object), url: null }),
      }),
  );

  app.delete(
    '/v1/users/:id',
    { schema: { response: { 200: userDeletedSchema }, summary: 'Remove a user: its sessions end (the last owner stays)', params: idParam('usr') } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => removeUser(ctx, tx, apiActor(req), req.merchantId, req.params.id),
        present: (u) => ({ ...presentUser(u), deleted: true }),
      }),
  );
}
