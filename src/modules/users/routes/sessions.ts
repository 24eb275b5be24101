// POST /v1/sessions (sign in: email and password → the session cookie) and
// DELETE /v1/sessions/current (sign out). Sign-in is outside authentication, so it makes
// its own same-origin check: a login from another site's form would sign the browser
// into an account of the attacker's choosing.
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { clearSessionCookie, fromOwnOrigin, sessionTokenOf, setSessionCookie } from '../../../platform/http/session-cookie.ts';
import { inTransaction } from '../../../platform/context.ts';
import { getMerchant } from '../../merchants/index.ts';
import { MAX_PASSWORD } from '../users.passwords.ts';
import { presentMe } from '../users.present.ts';
import { accountSettings, login, logout, normalizeEmail, sessionMaxAgeSeconds } from '../users.sessions.ts';
import { LoginThrottle } from '../users.throttle.ts';
import { meSchema } from '../users.present.ts';

const body = z.strictObject({ email: z.string().min(3).max(254), password: z.string().min(1).max(MAX_PASSWORD) });

export const NOT_SAME_ORIGIN = "Signing in and changes made with the console's session cookie must come from the console's own origin";

export function registerLogin(app: App, { ctx }: RouteDeps) {
  const throttle = new LoginThrottle(accountSettings(ctx), () => ctx.wallClock.now().getTime());
  app.post(
    '/v1/sessions',
    {
      schema: {
        response: { 201: meSchema, 401: errorEnvelope, 403: errorEnvelope, 429: errorEnvelope },
        summary: 'Sign in to the console: sets the session cookie (HttpOnly, SameSite=Lax)',
        body,
        security: [],
      },
    },
    async (req, reply) => {
      if (!fromOwnOrigin(req, ctx.publicUrl)) return sendError(req, reply, domainError('forbidden', NOT_SAME_ORIGIN));
      const email = normalizeEmail(req.body.email);
      const t = throttle.attempt(email, req.ip);
      if (t.wait > 0) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(t.wait))));
        return sendError(
          req,
          reply,
          domainError(
            'rate_limited',
            t.by === 'account' ? 'Too many sign-in attempts for this account; wait and retry' : 'Too many sign-in attempts from this address; wait and retry',
          ),
        );
      }
      const r = await login(
        ctx,
        { email, password: req.body.password, previousToken: sessionTokenOf(req) },
        { address: req.ip, userAgent: req.headers['user-agent'] ?? null },
      );
      if (!r.ok) return sendError(req, reply, r.error);
      const { token, session, user } = r.value;
      const merchant = (await getMerchant(ctx.db, user.merchant_id))!;
      setSessionCookie(reply, ctx.publicUrl, token, sessionMaxAgeSeconds(ctx, session));
      return reply.code(201).send(presentMe({ principal: { kind: 'user', role: user.role, id: user.id }, user, merchant, session }));
    },
  );
}

export function register(app: App, { ctx }: RouteDeps) {
  app.delete(
    '/v1/sessions/current',
    {
      schema: { response: { 204: z.null().describe('Signed out: the cookie is cleared') }, summary: 'Sign out: ends the session of this cookie' },
      config: { idempotencyKey: 'none' },
    },
    async (req, reply) => {
      if (!req.sessionId)
        return sendError(
          req,
          reply,
          domainError('validation_error', 'This request was made with an API key, not a console session: there is no session to end'),
        );
      const r = await inTransaction(ctx, (tx) => logout(ctx, tx, apiActor(req), req.merchantId, req.sessionId));
      if (!r.ok) return sendError(req, reply, r.error);
      clearSessionCookie(reply, ctx.publicUrl);
      return reply.code(204).send(null);
    },
  );
}
